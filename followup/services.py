"""Follow-ups: scheduling after a decision, marking them due, recording them, closing cases."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import workflow
from assessments.models import Application, Decision, InstrumentResult
from assessments.services import ConflictError, ServiceRequest, instrument_record, move_status
from rehab.models import User

from .models import (
    CaseClosure,
    FollowUp,
    FollowUpInterval,
    FollowUpService,
    GoalAttainment,
    PositiveExample,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def intervals_for(track: int | None) -> list[int]:
    return list(FollowUpInterval.objects.filter(track=track).values_list("months", flat=True))


def schedule_follow_ups(*, decision: Decision) -> int:
    """Create the follow-ups a decision calls for; running it again creates nothing twice."""
    application = decision.application
    assignment = getattr(application, "track_assignment", None)
    track = assignment.track if assignment is not None else None
    created = FollowUp.objects.bulk_create(
        [
            FollowUp(
                application=application,
                months=months,
                due_on=add_months(decision.decided_on, months),
            )
            for months in intervals_for(track)
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
    for application in queued.iterator():
        move_status(application, workflow.FOLLOW_UP_FALLS_DUE)
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
    eq5d: dict | None = None,
    close_reason: str = "",
) -> FollowUp:
    """Record what the follow-up found; optionally close the case with a reason."""
    application = follow_up.application
    if follow_up.status == FollowUp.Status.SCHEDULED and follow_up.due_on > add_months(
        timezone.localdate(), 1
    ):
        raise ValidationError(_("This follow-up is not due yet."))
    updated = FollowUp.objects.filter(pk=follow_up.pk, version=expected_version).update(
        status=FollowUp.Status.DONE,
        done_on=timezone.localdate(),
        level_now=level_now,
        notes=notes,
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
    if eq5d:
        instrument_record(
            application=application,
            instrument="eq5d5l",
            answers=eq5d,
            actor=actor,
            occasion=InstrumentResult.Occasion.FOLLOW_UP,
        )
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
    elif _status_now(application) == Application.Status.FOLLOW_UP_DUE and (
        not application.follow_ups.filter(status=FollowUp.Status.DUE).exists()
    ):
        move_status(application, workflow.FOLLOW_UPS_DONE)
    return follow_up


def _status_now(application: Application) -> str:
    application.refresh_from_db(fields=["status", "version"])
    return application.status


@transaction.atomic
def positive_example_save(*, application: Application, actor: User, description: str):
    """Choose the case as a positive example (or, with an empty description, withdraw it)."""
    description = description.strip()
    if not description:
        PositiveExample.objects.filter(application=application).delete()
        return None
    example, _created = PositiveExample.objects.update_or_create(
        application=application, defaults={"description": description, "chosen_by": actor}
    )
    return example
