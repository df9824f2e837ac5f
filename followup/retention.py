"""Gallring: removing the personal data of citizens whose cases closed long ago.

A citizen is due when every one of their applications is closed (status "closed" with a
case closure) and the latest closure is more than ``SAMREHAB_RETENTION_YEARS`` years old.
The citizen is anonymised, not deleted: sex, birth year, team and every application,
service, decision, follow-up and temporary increase row stay, so aggregated statistics do
not change. Names, contact details, the personnummer and free text that may identify are
removed. The access log (``rehab.AccessLogEntry``) is never touched; it names citizens by
``public_id`` only.

Logging states counts only, never names or numbers.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone

from assessments.models import (
    Application,
    AssessmentBasis,
    Citizen,
    Decision,
    Goal,
    JointVisit,
    NeedAssessment,
    ProtectedIdentityGrant,
    VisitDraft,
)
from followup.models import FollowUp, PositiveExample, TemporaryIncrease
from tracks.models import Handover, Intervention, TrackAssignment

logger = logging.getLogger(__name__)

REMOVED = "Gallrad"
# An anonymised citizen's personal_number: "G" and the zero-padded pk. It can never be a
# valid personnummer (which is 12 digits), is unique and marks the citizen as done.
PLACEHOLDER_PREFIX = "G"


@dataclass
class RetentionResult:
    cutoff: datetime.date
    dry_run: bool
    citizens: int = 0
    applications: int = 0
    # Pseudonymous references (the citizens' public_id), never names or numbers.
    refs: list[str] = field(default_factory=list)

    def counts(self) -> dict:
        return {
            "cutoff": self.cutoff.isoformat(),
            "dry_run": self.dry_run,
            "citizens": self.citizens,
            "applications": self.applications,
        }


def placeholder_number(pk: int) -> str:
    return f"{PLACEHOLDER_PREFIX}{pk:011d}"


def retention_cutoff(today: datetime.date, years: int) -> datetime.date:
    """``today`` less ``years`` years (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def citizens_due(cutoff: datetime.date):
    """Citizens whose applications are all closed, the latest closure before ``cutoff``."""
    not_closed = Application.objects.filter(citizen=OuterRef("pk")).filter(
        ~Q(status=Application.Status.CLOSED) | Q(closure__isnull=True)
    )
    return (
        Citizen.objects.exclude(personal_number__startswith=PLACEHOLDER_PREFIX)
        .annotate(last_closed=Max("applications__closure__closed_on"))
        .filter(last_closed__lt=cutoff)
        .exclude(Exists(not_closed))
        .order_by("pk")
    )


def _anonymise(citizen_ids: list[int]) -> None:
    applications = Application.objects.filter(citizen_id__in=citizen_ids)
    bump = {"version": F("version") + 1}
    for citizen in Citizen.objects.filter(pk__in=citizen_ids).only("pk", "birth_date"):
        Citizen.objects.filter(pk=citizen.pk).update(
            personal_number=placeholder_number(citizen.pk),
            is_coordination_number=False,
            first_name=REMOVED,
            last_name=REMOVED,
            birth_date=datetime.date(citizen.birth_date.year, 7, 1),
            street_address="",
            postal_code="",
            city="",
            phone="",
            next_of_kin_name="",
            next_of_kin_relation="",
            next_of_kin_phone="",
            **bump,
        )
    ProtectedIdentityGrant.objects.filter(citizen_id__in=citizen_ids).delete()
    # import_key is a hash of the personnummer: it must go too.
    applications.update(existing_services="", import_key="", **bump)
    JointVisit.objects.filter(application__in=applications).update(
        other_participants="",
        housing="",
        stairs="",
        bathroom="",
        assistive_devices="",
        network="",
        measures_agreed="",
        potential_reasoning="",
        **bump,
    )
    NeedAssessment.objects.filter(visit__application__in=applications).update(need=REMOVED)
    Goal.objects.filter(application__in=applications).update(text=REMOVED)
    AssessmentBasis.objects.filter(application__in=applications).update(
        summary=REMOVED, recommended_measures=REMOVED, **bump
    )
    Decision.objects.filter(application__in=applications).update(notes="", **bump)
    TrackAssignment.objects.filter(application__in=applications).update(override_reason="")
    Intervention.objects.filter(application__in=applications).update(
        notes="", extra_visit_reason=""
    )
    Handover.objects.filter(application__in=applications).update(
        summary=REMOVED, recipient_detail=""
    )
    FollowUp.objects.filter(application__in=applications).update(notes="", **bump)
    PositiveExample.objects.filter(application__in=applications).delete()
    # The reason for a temporary increase may tell of the citizen's health or relatives.
    TemporaryIncrease.objects.filter(application__in=applications).update(reason=REMOVED)
    # Unsaved drafts of the visit form hold what was typed at the home visit.
    VisitDraft.objects.filter(visit__application__in=applications).delete()
    # The change history holds the old values too; it goes with them.
    application_ids = list(applications.values_list("pk", flat=True))
    Citizen.history.filter(id__in=citizen_ids).delete()
    Application.history.filter(id__in=application_ids).delete()
    for model in (
        JointVisit,
        AssessmentBasis,
        Decision,
        TrackAssignment,
        FollowUp,
        Intervention,
        TemporaryIncrease,
    ):
        model.history.filter(application_id__in=application_ids).delete()


def retention_run(*, today: datetime.date | None = None, dry_run: bool) -> RetentionResult:
    """Anonymise every citizen due for gallring (or, with ``dry_run``, only list them)."""
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, settings.SAMREHAB_RETENTION_YEARS)
    result = RetentionResult(cutoff=cutoff, dry_run=dry_run)
    with transaction.atomic():
        due = list(citizens_due(cutoff).values_list("pk", "public_id"))
        citizen_ids = [pk for pk, _ in due]
        result.citizens = len(due)
        result.refs = [str(ref) for _, ref in due]
        result.applications = Application.objects.filter(citizen_id__in=citizen_ids).count()
        if citizen_ids and not dry_run:
            _anonymise(citizen_ids)
    logger.info(
        "retention%s: %d citizens, %d applications (cases closed before %s)",
        " (dry run)" if dry_run else "",
        result.citizens,
        result.applications,
        cutoff.isoformat(),
    )
    return result
