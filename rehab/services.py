import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from personnummer import personnummer

from . import selectors
from .identity_numbers import IDENTITY_NUMBER, normalise_separators
from .models import SignInEvent, User, WorkerHeartbeat
from .roles import Role
from .tasks import record_heartbeat


def heartbeat_request() -> WorkerHeartbeat:
    """Write a heartbeat and ask a worker to stamp it once the row is committed."""
    with transaction.atomic():
        heartbeat = WorkerHeartbeat.objects.create()
        transaction.on_commit(lambda: record_heartbeat.delay(heartbeat.pk))
    return heartbeat


class SignInRefusal(models.TextChoices):
    """Why a single sign-on did not let someone in (the refusal page explains each)."""

    NO_IDENTIFIER = "no_identifier", _("The provider sent no identifier")
    NO_ROLE = "no_role", _("No role in Samrehab")
    INACTIVE = "inactive", _("The account is switched off in Samrehab")
    PROVIDER = "provider", _("The identity provider did not confirm the login")


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None
    refusal: str = ""


def _loggable_subject(subject: str) -> str:
    """The provider's identifier for the event log; a personnummer (or samordningsnummer) is
    never written there. An HSA-id's organisation number is not one and stays."""
    for match in IDENTITY_NUMBER.finditer(subject):
        if personnummer.valid(normalise_separators(match.group())):
            return "[personnummer]"
    return subject[:255]


def _name_in(claims: Mapping) -> tuple[str, str]:
    return str(claims.get("given_name") or "")[:150], str(claims.get("family_name") or "")[:150]


def _username_for(subject: str) -> str:
    # Not the identifier itself, which may be a personnummer at some providers.
    return "sso-" + hashlib.sha256(subject.encode()).hexdigest()[:24]


@transaction.atomic
def sign_in_event_record(
    *,
    event: str,
    subject: str,
    user: User | None = None,
    name: str = "",
    detail: str = "",
    address: str | None = None,
) -> SignInEvent:
    return SignInEvent.objects.create(
        event=event,
        user=user,
        subject=_loggable_subject(subject),
        name=name[:200],
        detail=detail[:300],
        ip_address=address,
    )


@transaction.atomic
def sso_sign_in(*, claims: Mapping, address: str | None) -> SignInOutcome:
    """Who a single sign-on lets in, with which roles and team (ADR 0018).

    The person is the user whose ``sso_subject`` is the claim ``OIDC_ID_CLAIM``; a first
    login creates that user, with an unusable password. The roles are exactly those the
    claims map to (``ClaimMapping``); the team is the one they map to, or stays as the
    administrator set it when they map to none. Someone whose claims map to no role is
    refused (and loses the roles held before). Every login, refusal and change of roles or
    team is recorded as a ``SignInEvent``.
    """
    subject = str(claims.get(settings.OIDC_ID_CLAIM) or "").strip()
    first_name, last_name = _name_in(claims)
    name = f"{first_name} {last_name}".strip() or str(claims.get("name") or "")
    if not subject:
        sign_in_event_record(
            event=SignInEvent.Event.REFUSED,
            subject="",
            name=name,
            detail=SignInRefusal.NO_IDENTIFIER.value,
            address=address,
        )
        return SignInOutcome(user=None, refusal=SignInRefusal.NO_IDENTIFIER)

    roles, team = selectors.roles_from_claims(claim_values(claims))
    user = User.objects.select_for_update().filter(sso_subject=subject).first()

    def refuse(refusal: SignInRefusal) -> SignInOutcome:
        sign_in_event_record(
            event=SignInEvent.Event.REFUSED,
            subject=subject,
            user=user,
            name=name,
            detail=refusal.value,
            address=address,
        )
        return SignInOutcome(user=None, refusal=refusal)

    if user is not None and not user.is_active:
        return refuse(SignInRefusal.INACTIVE)
    if not roles and user is None:
        return refuse(SignInRefusal.NO_ROLE)

    if user is None:
        user = User(username=_username_for(subject), sso_subject=subject)
        user.set_unusable_password()
    before_roles = {role.value for role in roles_of_stored(user)}
    before_team = user.team
    user.first_name, user.last_name = first_name, last_name
    user.email = str(claims.get("email") or "")[:254]
    if team is not None:
        user.team = team
    user.save()
    after_roles = {role.value for role in roles}
    role_groups = Group.objects.filter(name__in=[role.value for role in Role])
    user.groups.remove(*[g for g in role_groups if g.name not in after_roles])
    user.groups.add(*[g for g in role_groups if g.name in after_roles])
    if hasattr(user, "_samrehab_roles"):
        del user._samrehab_roles
    if before_roles != after_roles or before_team != user.team:
        sign_in_event_record(
            event=SignInEvent.Event.ROLES_CHANGED,
            subject=subject,
            user=user,
            name=name,
            detail=(
                f"roles: {','.join(sorted(before_roles)) or '-'} -> "
                f"{','.join(sorted(after_roles)) or '-'}; "
                f"team: {before_team or '-'} -> {user.team or '-'}"
            ),
            address=address,
        )
    if not roles:
        return refuse(SignInRefusal.NO_ROLE)
    return SignInOutcome(user=user)


def claim_values(claims: Mapping) -> list[str]:
    """The values of the claims ``OIDC_GROUP_CLAIMS`` (each a string or a list)."""
    values: list[str] = []
    for claim in settings.OIDC_GROUP_CLAIMS:
        value = claims.get(claim)
        if isinstance(value, (list, tuple)):
            values.extend(str(item) for item in value)
        elif value not in (None, ""):
            values.append(str(value))
    return values


def roles_of_stored(user: User) -> list[Role]:
    if user.pk is None:
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [role for role in Role if role.value in names]
