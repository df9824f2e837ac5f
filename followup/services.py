"""Follow-ups: scheduling after a decision, marking them due, recording them, closing cases."""

import calendar
import datetime
import logging

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import workflow
from assessments.models import (
    Application,
    Decision,
    GrantedService,
    InstrumentResult,
    ServiceType,
)
from assessments.services import ConflictError, ServiceRequest, instrument_record, move_status
from rehab.models import User

from . import dashboard_figures
from .models import (
    CaseClosure,
    FollowUp,
    FollowUpInterval,
    FollowUpService,
    GoalAttainment,
    PositiveExample,
    TemporaryIncrease,
)
from .reports import redaction

logger = logging.getLogger(__name__)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def intervals_for(track: int | None) -> list[int]:
    return list(FollowUpInterval.objects.filter(track=track).values_list("months", flat=True))


def schedule_follow_ups(*, decision: Decision) -> int:
    """Create the follow-ups a decision calls for and keep the others on its date.

    Run after every save of the decision (``after_decision``): a follow-up not yet done is
    moved to the decision's date + its months (back to "scheduled" if that is after today),
    a done one is left as it was, and an interval already scheduled is not created twice.
    A time-limited decision has no follow-up after it ends: it comes up for review instead
    (the work queue's "decisions to review"), so those are neither created nor kept.
    Returns the number of follow-ups created."""
    application = decision.application
    assignment = getattr(application, "track_assignment", None)
    track = assignment.track if assignment is not None else None
    today = timezone.localdate()
    ends = decision.valid_until

    def while_valid(due_on: datetime.date) -> bool:
        return ends is None or due_on <= ends

    existing = {item.months: item for item in FollowUp.objects.filter(application=application)}
    for item in existing.values():
        if item.status == FollowUp.Status.DONE:
            continue
        due_on = add_months(decision.decided_on, item.months)
        if not while_valid(due_on):
            item.delete()
            continue
        status = item.status
        if status == FollowUp.Status.DUE and due_on > today:
            status = FollowUp.Status.SCHEDULED
        if (due_on, status) != (item.due_on, item.status):
            item.due_on, item.status, item.version = due_on, status, item.version + 1
            item.save(update_fields=["due_on", "status", "version"])
    created = FollowUp.objects.bulk_create(
        [
            FollowUp(
                application=application,
                months=months,
                due_on=add_months(decision.decided_on, months),
            )
            for months in intervals_for(track)
            if months not in existing and while_valid(add_months(decision.decided_on, months))
        ],
        ignore_conflicts=True,
    )
    return len(created)


@transaction.atomic
def mark_follow_ups_due(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: schedule what is missing, mark what has fallen due, and put those
    cases in the case officer's queue. Idempotent: a second run changes nothing."""
    today = today or timezone.localdate()
    unscheduled = Decision.objects.filter(
        ~Exists(FollowUp.objects.filter(application=OuterRef("application"))),
        application__status=Application.Status.DECIDED,
    ).select_related("application__track_assignment")
    scheduled = sum(schedule_follow_ups(decision=decision) for decision in unscheduled)
    due = FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED, due_on__lte=today).update(
        status=FollowUp.Status.DUE
    )
    queued = Application.objects.filter(
        Exists(FollowUp.objects.filter(application=OuterRef("pk"), status=FollowUp.Status.DUE)),
        status=Application.Status.DECIDED,
    ).order_by("pk")
    moved = 0
    for application in queued:
        # One case the workflow refuses must not keep the others out of the queue.
        try:
            with transaction.atomic():
                move_status(application, workflow.FOLLOW_UP_FALLS_DUE)
        except ValidationError:
            logger.warning("case %s: follow-up due refused by the workflow", application.pk)
            continue
        moved += 1
    return {"scheduled": scheduled, "due": due, "queued": moved}


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    actor: User,
    expected_version: int,
    services: list[ServiceRequest],
    level_now: int | None = None,
    attainments: dict[int, str] | None = None,
    notes: str = "",
    instruments: dict[str, dict] | None = None,
    early_reason: str = "",
    close_reason: str = "",
) -> FollowUp:
    """Record what the follow-up found; optionally close the case with a reason.

    A follow-up not yet due may be recorded early (a citizen may call before the date) when
    ``early_reason`` says why. ``instruments`` maps an instrument's code to its answers; each
    is scored and stored for the follow-up occasion, and a refusal comes back keyed
    ``<code>-<field>``, the names of the form's instrument fields."""
    application = follow_up.application
    early_reason = (early_reason or "").strip()
    current = FollowUp.objects.filter(pk=follow_up.pk).values_list("status", flat=True).first()
    early = current == FollowUp.Status.SCHEDULED and follow_up.due_on > timezone.localdate()
    if early and not early_reason:
        raise ValidationError(
            {
                "early_reason": _(
                    "This follow-up is due on %(due)s. To record it before then, give the "
                    "reason (for example that the citizen called)."
                )
                % {"due": f"{follow_up.due_on:%Y-%m-%d}"}
            }
        )
    updated = FollowUp.objects.filter(pk=follow_up.pk, version=expected_version).update(
        status=FollowUp.Status.DONE,
        done_on=timezone.localdate(),
        level_now=level_now,
        notes=notes,
        early_reason=early_reason if early else "",
        performed_by=actor,
        version=F("version") + 1,
    )
    if updated != 1:
        raise ConflictError()
    follow_up.refresh_from_db()
    follow_up.services.all().delete()
    FollowUpService.objects.bulk_create(
        FollowUpService(
            follow_up=follow_up, service=request.service, minutes_per_week=request.minutes_per_week
        )
        for request in services
    )
    follow_up.goal_attainments.all().delete()
    goals = {goal.pk: goal for goal in application.goals.all()}
    GoalAttainment.objects.bulk_create(
        GoalAttainment(follow_up=follow_up, goal=goals[goal_id], attainment=value)
        for goal_id, value in (attainments or {}).items()
        if value and goal_id in goals
    )
    _record_instruments(application=application, actor=actor, instruments=instruments or {})
    if close_reason:
        CaseClosure.objects.update_or_create(
            application=application,
            defaults={
                "reason": close_reason,
                "closed_on": timezone.localdate(),
                "closed_by": actor,
            },
        )
        move_status(application, workflow.CLOSE)
        # The follow-ups still ahead will not happen: the case is closed.
        application.follow_ups.exclude(status=FollowUp.Status.DONE).delete()
    elif _status_now(application) == Application.Status.FOLLOW_UP_DUE and (
        not application.follow_ups.filter(status=FollowUp.Status.DUE).exists()
    ):
        move_status(application, workflow.FOLLOW_UPS_DONE)
    dashboard_figures.refresh_soon(application.team_id)
    return follow_up


def _record_instruments(*, application: Application, actor: User, instruments: dict) -> None:
    """Score and store each instrument for the follow-up occasion; every refusal is raised
    at once, keyed by the instrument's code and field."""
    errors: dict[str, list] = {}
    for code, answers in instruments.items():
        try:
            with transaction.atomic():
                instrument_record(
                    application=application,
                    instrument=code,
                    answers=answers,
                    actor=actor,
                    occasion=InstrumentResult.Occasion.FOLLOW_UP,
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.error_dict.items():
                    errors.setdefault(f"{code}-{field}", []).extend(field_errors)
            else:
                errors.setdefault(code, []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def _status_now(application: Application) -> str:
    application.refresh_from_db(fields=["status", "version"])
    return application.status


@transaction.atomic
def positive_example_save(
    *,
    application: Application,
    actor: User,
    description: str,
    expected_version: int | None = None,
):
    """Choose the case as a positive example (or, with an empty description, withdraw it).

    ``expected_version`` is the version of the example the user started from, None when
    there was none; a save that started from another refuses with ``ConflictError``. A
    description that identifies anyone (an identity or phone number, the citizen's name or
    address: ``reports.redaction``) is refused with a field error."""
    description = description.strip()
    current = PositiveExample.objects.select_for_update().filter(application=application).first()
    if (current.version if current else None) != expected_version:
        raise ConflictError()
    if not description:
        if current is not None:
            current.delete()
        return None
    found = redaction.problems(description, application.citizen)
    if found:
        raise ValidationError(
            {
                "description": _(
                    "The description must not identify anyone. Remove %(details)s; the "
                    "report shows the case only as Fall A, Fall B, …"
                )
                % {"details": redaction.kinds_text(found)}
            }
        )
    if current is None:
        return PositiveExample.objects.create(
            application=application, description=description, chosen_by=actor
        )
    current.description, current.chosen_by = description, actor
    current.version += 1
    current.save(update_fields=["description", "chosen_by", "chosen_at", "version"])
    return current


# A temporary increase lasts at most this many months: from its first day up to, not
# including, the same day this many months later (1 Feb → 31 Jul at the latest).
TEMPORARY_INCREASE_MAX_MONTHS = 6


def temporary_increase_last_day(starts_on: datetime.date) -> datetime.date:
    """The latest last day of a temporary increase that starts on ``starts_on``."""
    return add_months(starts_on, TEMPORARY_INCREASE_MAX_MONTHS) - datetime.timedelta(days=1)


@transaction.atomic
def temporary_increase_record(
    *,
    application: Application,
    service: ServiceType,
    extra_minutes_per_week: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    actor: User,
) -> TemporaryIncrease:
    """Record a temporary increase (tillfällig utökning) of a service the case's decision
    granted: extra minutes per week from ``starts_on`` to ``ends_on`` inclusive.

    Refused, with every problem keyed by its field: a case that is not decided (or has
    been closed), a service the decision did not grant (or refused) or that has no
    minutes, a start before the decision date, an end before the start or more than
    ``TEMPORARY_INCREASE_MAX_MONTHS`` months on, an end after a time-limited decision ends,
    and a period that overlaps another increase of the same service on the case. The case
    row is locked, so two saves at once cannot both pass the overlap check."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status not in workflow.TEMPORARY_INCREASE_STATUSES:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "A temporary increase can be recorded only on a decided case that is "
                    "not closed."
                )
            }
        )
    decision = Decision.objects.get(application=locked)
    reason = (reason or "").strip()
    errors: dict[str, object] = {}
    granted = GrantedService.objects.filter(decision=decision, service=service).exclude(
        outcome=GrantedService.Outcome.REFUSED
    )
    if not service.has_minutes:
        errors["service"] = _("Choose a service measured in minutes per week.")
    elif not granted.exists():
        errors["service"] = _("Only a service the decision granted can be increased temporarily.")
    if extra_minutes_per_week is None or extra_minutes_per_week < 1:
        errors["extra_minutes_per_week"] = _("Enter at least one extra minute per week.")
    if not reason:
        errors["reason"] = _("Give the reason for the temporary increase.")
    if starts_on < decision.decided_on:
        errors["starts_on"] = _("The increase cannot start before the decision date, %(day)s.") % {
            "day": f"{decision.decided_on:%Y-%m-%d}"
        }
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot come before the first day.")
    elif ends_on > temporary_increase_last_day(starts_on):
        errors["ends_on"] = _(
            "A temporary increase lasts at most 6 months: the last day can be %(day)s at "
            "the latest."
        ) % {"day": f"{temporary_increase_last_day(starts_on):%Y-%m-%d}"}
    elif decision.valid_until is not None and ends_on > decision.valid_until:
        errors["ends_on"] = _(
            "The decision is valid until %(day)s: the increase must end by then."
        ) % {"day": f"{decision.valid_until:%Y-%m-%d}"}
    if "starts_on" not in errors and "ends_on" not in errors:
        overlapping = (
            TemporaryIncrease.objects.filter(
                application=locked,
                service=service,
                starts_on__lte=ends_on,
                ends_on__gte=starts_on,
            )
            .order_by("starts_on")
            .first()
        )
        if overlapping is not None:
            errors["starts_on"] = _(
                "The period overlaps the temporary increase of %(service)s %(start)s – %(end)s."
            ) % {
                "service": service.name,
                "start": f"{overlapping.starts_on:%Y-%m-%d}",
                "end": f"{overlapping.ends_on:%Y-%m-%d}",
            }
    if errors:
        raise ValidationError(errors)
    return TemporaryIncrease.objects.create(
        application=locked,
        service=service,
        extra_minutes_per_week=extra_minutes_per_week,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        decided_by=actor,
    )
