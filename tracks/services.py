"""Every write in the tracks stage: track assignment, interventions, handover.

Keyword-only, atomic; a refusal is a ``ValidationError`` naming the field it concerns.
Each service locks the application row first, so that two users recording at the same
time see each other's work (e.g. when counting therapist visits).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from assessments import workflow
from assessments.models import Application
from assessments.selectors import case_facts
from assessments.services import ConflictError, move_status
from rehab.models import User

from . import selectors
from .models import Handover, Intervention, Track, TrackAssignment

# From this therapist visit on, the therapist must say why another visit is needed.
FIRST_EXTRA_THERAPIST_VISIT = 6
MAX_MINUTES = 600


def _lock(application: Application) -> Application:
    """Re-read the application's status and version under a row lock (no-op on SQLite)."""
    locked = (
        Application.objects.select_for_update()
        .only("pk", "status", "version")
        .get(pk=application.pk)
    )
    application.status = locked.status
    return locked


def _not_in_future(errors: dict, field: str, day) -> None:
    if isinstance(day, datetime.date) and day > timezone.localdate():
        errors[field] = _("The date cannot be in the future.")


@transaction.atomic
def track_confirm(
    *,
    application: Application,
    actor: User,
    track: int,
    expected_version: int,
    override_reason: str = "",
) -> TrackAssignment:
    """Confirm (or change) the track; a track other than the proposed one needs a reason.

    ``expected_version`` is the application's version the user saw: if somebody saved the
    application since (another track confirmed, a status moved on), ``ConflictError`` is
    raised and nothing is written. Confirming moves the application to "in track" and bumps
    its version in one guarded update.

    The proposal is computed again here from the application and its latest completed joint
    visit, and stored with its reasons (English source text, translated when shown).
    """
    locked = _lock(application)
    if locked.version != expected_version:
        raise ConflictError()
    facts = case_facts(application)
    if not workflow.can(workflow.CONFIRM_TRACK, facts):
        raise ValidationError(workflow.why_not_start(workflow.CONFIRM_TRACK, facts))
    visit = selectors.latest_done_visit(application)
    try:
        track = int(track)
    except (TypeError, ValueError):
        track = 0
    if track not in Track.values:
        raise ValidationError({"track": _("Choose track 1, 2 or 3.")})
    override_reason = (override_reason or "").strip()
    proposal = selectors.proposal_from(application, visit)
    if track != proposal.track and not override_reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "Give the reason for choosing another track than the proposed one."
                )
            }
        )
    with translation.override("en"):
        reasons = [str(reason) for reason in proposal.reasons]
    assignment, created = TrackAssignment.objects.select_for_update().get_or_create(
        application=application,
        defaults={
            "proposed": proposal.track,
            "proposal_reasons": reasons,
            "track": track,
            "override_reason": override_reason,
            "confirmed_by": actor,
        },
    )
    if not created:
        assignment.proposed = proposal.track
        assignment.proposal_reasons = reasons
        assignment.track = track
        assignment.override_reason = override_reason
        assignment.confirmed_by = actor
    assignment.full_clean(validate_unique=False)
    assignment.save()
    move_status(application, workflow.CONFIRM_TRACK, expected_version=expected_version)
    return assignment


def _intervention_errors(
    *,
    application: Application,
    profession: str,
    performed_on,
    minutes,
    kind: str,
    extra_visit_reason: str,
    therapist_visit_number,
) -> dict[str, object]:
    """The field errors of an intervention as it would be saved (``therapist_visit_number``
    is its number among the case's therapist visits, a callable so it is counted only for a
    valid date)."""
    errors: dict[str, object] = {}
    if kind not in Intervention.Kind.values:
        errors["kind"] = _("Choose the type of intervention.")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("Give the minutes as a whole number from 1 to %(max)s.") % {
            "max": MAX_MINUTES
        }
    if not isinstance(performed_on, datetime.date):
        errors["performed_on"] = _("Give the date of the visit.")
    else:
        visit = selectors.latest_done_visit(application)
        problem = workflow.intervention_day_problem(
            performed_on,
            visit_on=timezone.localdate(visit.scheduled_at) if visit else None,
            today=timezone.localdate(),
        )
        if problem is not None:
            errors["performed_on"] = problem
    if (
        profession == Intervention.Profession.THERAPIST
        and not extra_visit_reason
        and "performed_on" not in errors
        and therapist_visit_number() >= FIRST_EXTRA_THERAPIST_VISIT
    ):
        errors["extra_visit_reason"] = _(
            "This is therapist visit number six or later: give the reason for the extra visit."
        )
    return errors


@transaction.atomic
def intervention_add(
    *,
    application: Application,
    actor: User,
    performed_on: datetime.date,
    minutes: int,
    kind: str,
    devices_prescribed: str = "",
    notes: str = "",
    extra_visit_reason: str = "",
) -> Intervention:
    """Record a therapist's or physio's visit; from the sixth therapist visit on, a reason.

    The visit is dated between the day of the joint home visit and today
    (``workflow.intervention_day_problem``). The profession is the actor's (see
    ``selectors.profession_of``), never the caller's choice, so that the sixth-visit rule
    for therapists cannot be sidestepped.
    """
    _lock(application)
    if not selectors.accepts_interventions(application):
        raise ValidationError(_("Interventions can be recorded only while the case is in a track."))
    profession = selectors.profession_of(actor, application)
    if profession is None:
        raise ValidationError(
            _("Only occupational therapists and physiotherapists record interventions.")
        )
    extra_visit_reason = (extra_visit_reason or "").strip()
    errors = _intervention_errors(
        application=application,
        profession=profession,
        performed_on=performed_on,
        minutes=minutes,
        kind=kind,
        extra_visit_reason=extra_visit_reason,
        therapist_visit_number=lambda: selectors.therapist_visit_count(application) + 1,
    )
    if errors:
        raise ValidationError(errors)
    intervention = Intervention(
        application=application,
        performed_by=actor,
        profession=profession,
        performed_on=performed_on,
        minutes=minutes,
        kind=kind,
        devices_prescribed=(devices_prescribed or "").strip(),
        notes=(notes or "").strip(),
        extra_visit_reason=extra_visit_reason,
    )
    intervention.full_clean()
    intervention._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    intervention.save()
    return intervention


INTERVENTION_FIELDS = [
    "performed_on",
    "minutes",
    "kind",
    "devices_prescribed",
    "notes",
    "extra_visit_reason",
]


def _lock_intervention(intervention: Intervention, expected_version: int) -> None:
    """Lock the intervention's row; refuse when somebody saved or removed it since the user
    opened it, or when the case no longer takes interventions."""
    _lock(intervention.application)
    current = list(
        Intervention.objects.select_for_update()
        .filter(pk=intervention.pk)
        .values_list("version", flat=True)
    )
    if current != [expected_version]:
        raise ConflictError()
    if not selectors.accepts_interventions(intervention.application):
        raise ValidationError(
            _(
                "Interventions can be corrected or removed only while the case is in its "
                "track or awaits the decision."
            )
        )


@transaction.atomic
def intervention_update(
    *,
    intervention: Intervention,
    actor: User,
    expected_version: int,
    performed_on: datetime.date,
    minutes: int,
    kind: str,
    devices_prescribed: str = "",
    notes: str = "",
    extra_visit_reason: str = "",
) -> Intervention:
    """Correct a wrongly entered intervention; the history keeps what it said before.

    The same rules as for a new one hold (the date between the joint visit and today, the
    minutes, the reason from the sixth therapist visit on, counted in date order), while
    the case takes interventions. The profession and who performed it stay as recorded.
    A stale ``expected_version`` raises ``ConflictError`` and nothing is written.
    """
    _lock_intervention(intervention, expected_version)
    extra_visit_reason = (extra_visit_reason or "").strip()
    errors = _intervention_errors(
        application=intervention.application,
        profession=intervention.profession,
        performed_on=performed_on,
        minutes=minutes,
        kind=kind,
        extra_visit_reason=extra_visit_reason,
        therapist_visit_number=lambda: selectors.therapist_visit_number(
            intervention, performed_on=performed_on
        ),
    )
    if errors:
        raise ValidationError(errors)
    intervention.performed_on = performed_on
    intervention.minutes = minutes
    intervention.kind = kind
    intervention.devices_prescribed = (devices_prescribed or "").strip()
    intervention.notes = (notes or "").strip()
    intervention.extra_visit_reason = extra_visit_reason
    intervention.full_clean()
    intervention.version = expected_version + 1
    intervention._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    intervention.save(update_fields=[*INTERVENTION_FIELDS, "version", "updated_at"])
    return intervention


@transaction.atomic
def intervention_remove(
    *, intervention: Intervention, actor: User, expected_version: int, reason: str
) -> None:
    """Remove a wrongly entered intervention, with the reason why.

    The row goes (so totals, the sixth-visit count and the reports no longer count it);
    its change history keeps the last version with who removed it, when and the reason,
    and the case's change history shows it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for removing the intervention.")})
    _lock_intervention(intervention, expected_version)
    intervention._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    intervention._change_reason = reason  # type: ignore[attr-defined]
    intervention.delete()


@transaction.atomic
def handover_record(
    *,
    application: Application,
    actor: User,
    recipient: str,
    recipient_detail: str,
    handed_over_on: datetime.date,
    summary: str,
) -> Handover:
    """No potential for independence: hand the case over; it leaves the tracks and goes to
    the case officer for the decision."""
    _lock(application)
    facts = case_facts(application)
    if not workflow.can(workflow.RECORD_HANDOVER, facts) or facts.handover_recorded:
        raise ValidationError(workflow.why_not_start(workflow.RECORD_HANDOVER, facts))
    errors = {}
    if recipient not in Handover.Recipient.values:
        errors["recipient"] = _("Choose who takes over the case.")
    recipient_detail = (recipient_detail or "").strip()
    if recipient == Handover.Recipient.OTHER and not recipient_detail:
        errors["recipient_detail"] = _("Name the unit or person that takes over.")
    if not isinstance(handed_over_on, datetime.date):
        errors["handed_over_on"] = _("Give the date of the handover.")
    _not_in_future(errors, "handed_over_on", handed_over_on)
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Summarise what the receiver needs to know.")
    if errors:
        raise ValidationError(errors)
    handover = Handover(
        application=application,
        recipient=recipient,
        recipient_detail=recipient_detail,
        handed_over_on=handed_over_on,
        summary=summary,
        created_by=actor,
    )
    handover.full_clean(validate_unique=False)
    handover.save()
    move_status(application, workflow.RECORD_HANDOVER)
    return handover
