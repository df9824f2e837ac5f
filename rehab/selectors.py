"""Reads for rehab's own pages: the access log, and what it needs to know of the citizens
its entries name (from the ``citizen_directory`` provider, since rehab has no citizens)."""

import datetime
from collections.abc import Iterable
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from .extensions import CitizenFacts, citizen_directory
from .models import FLAGGED_ACCESS, AccessLogEntry, ClaimMapping, Team, User
from .roles import Role


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_log_entries(
    *,
    citizen_ref: UUID | str | None = None,
    user: User | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    flagged: bool = False,
) -> QuerySet[AccessLogEntry]:
    """The log, newest first, with each entry's user; narrowed by the filters given
    (``date_to`` includes that whole day)."""
    entries = AccessLogEntry.objects.select_related("user").order_by("-at", "-pk")
    if citizen_ref:
        entries = entries.filter(citizen_ref=citizen_ref)
    if user:
        entries = entries.filter(user=user)
    if date_from:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    if flagged:
        entries = entries.filter(FLAGGED_ACCESS)
    return entries


def citizen_facts(
    public_ids: Iterable[UUID] | QuerySet, viewer: User | None = None
) -> dict[UUID, CitizenFacts]:
    """Protected identity and team of the citizens among ``public_ids``, in one query; with
    ``viewer``, also the name as that user may see it."""
    return citizen_directory.one().facts(public_ids, viewer=viewer)


def roles_from_claims(values: Iterable[str]) -> tuple[list[Role], Team | None]:
    """The roles (in ``Role``'s order) and the team that these claim values map to; of
    several teams, the one whose value sorts first."""
    mappings = list(
        ClaimMapping.objects.filter(value__in=set(values)).select_related("team").order_by("value")
    )
    wanted = {mapping.role for mapping in mappings if mapping.role}
    team = next((mapping.team for mapping in mappings if mapping.team is not None), None)
    return [role for role in Role if role.value in wanted], team
