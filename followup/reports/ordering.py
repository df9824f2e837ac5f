"""Ordering a follow-up report: one request per set of parameters, and its job sent to the
worker.

The job is sent by its task name (``BUILD_REPORT_TASK``, defined in ``followup.tasks``), so
this module does not import the task module, which imports this one and ``job``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from followup import calc
from followup.models import ReportRequest
from followup.reports import periods
from followup.reports.job import mark_failed
from followup.reports.selectors import allowed_teams
from rehab import jobs
from tracks.models import Track

logger = logging.getLogger(__name__)

Status = ReportRequest.Status
# The Celery name of the report job (``followup.tasks.build_report``).
BUILD_REPORT_TASK = "followup.tasks.build_report"
# A report still queued or running this long after it was ordered is taken as lost (its job
# vanished, e.g. a worker killed on the folder broker, which does not deliver a job again):
# ordering it again marks it failed and starts a new one. Longer than Redis's visibility
# timeout (1 h) plus the job's time limit, so a redelivery has had its chance.
STALE_AFTER = datetime.timedelta(hours=2)
# A report still queued this long after it was ordered may never have reached the broker
# (Redis was down when it was ordered): ordering it again, or the beat job
# ``followup.tasks.requeue_waiting_reports``, sends its job once more. A second job for a
# report that was only waiting in line is harmless: the worker leaves a done report alone.
REQUEUE_AFTER = datetime.timedelta(minutes=2)


def request_key(
    *,
    user_id: int,
    period_start: datetime.date,
    period_end: datetime.date,
    team_ids,
    tracks,
    therapist_cost: str = "once",
) -> str:
    """sha256 of the normalised parameters: the same order gives the same key."""
    normalised = {
        "user": int(user_id),
        "from": period_start.isoformat(),
        "to": period_end.isoformat(),
        "teams": sorted({int(team) for team in team_ids}),
        "tracks": sorted({int(track) for track in tracks}),
    }
    if therapist_cost != "once":  # the keys of orders made before the choice stay the same
        normalised["therapist_cost"] = therapist_cost
    payload = json.dumps(normalised, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _live_request(key: str) -> ReportRequest | None:
    return (
        ReportRequest.objects.exclude(status__in=(Status.FAILED, Status.EXPIRED))
        .filter(request_key=key)
        .first()
    )


def order_report(
    *,
    user,
    period_start: datetime.date,
    period_end: datetime.date,
    team_ids,
    tracks,
    therapist_cost: str = "once",
) -> ReportRequest:
    """Order a report; ordering the same report again (not failed) returns the first order.

    The period must be a calendar half-year that has ended (``periods``: reports that
    overlap could be subtracted from each other), the grouping one team and one track
    (ADR 0013, for the same reason), and the team one the user may report on
    (``selectors.allowed_teams``: a manager her own team, an administrator any).

    The job is queued after the commit, with the request's id only. ``enqueued`` on the
    returned request says whether the broker took the job: False when it could not be
    reached (the request stays queued and ``requeue_waiting`` sends it later), None when
    no job was sent now.
    """
    if period_end < period_start:
        raise ValidationError({"period": _("The period ends before it starts.")})
    period = periods.period_of(period_start, period_end)
    if period is None:
        raise ValidationError(
            {
                "period": _(
                    "A report covers a whole calendar half-year: January–June or July–December."
                )
            }
        )
    if not periods.has_ended(period, timezone.localdate()):
        raise ValidationError(
            {
                "period": _(
                    "The half-year has not ended yet. A report covers a half-year that has ended."
                )
            }
        )
    team_ids = sorted({int(team) for team in team_ids})
    tracks = sorted({int(track) for track in tracks})
    # One team and one track (ADR 0013): reports of different groupings never overlap, so
    # none can be subtracted from another.
    if len(team_ids) != 1:
        raise ValidationError({"team": _("A report covers one team.")})
    if set(team_ids) - set(allowed_teams(user).values_list("pk", flat=True)):
        raise ValidationError({"team": _("You may order reports only for your own team.")})
    if len(tracks) != 1:
        raise ValidationError({"track": _("A report covers one track.")})
    if set(tracks) - set(Track.values):
        raise ValidationError({"track": _("Unknown track.")})
    if therapist_cost not in calc.THERAPIST_COST_CHOICES:
        raise ValidationError(
            {"therapist_cost": _("Unknown way of charging the therapist's cost.")}
        )
    key = request_key(
        user_id=user.pk,
        period_start=period_start,
        period_end=period_end,
        team_ids=team_ids,
        tracks=tracks,
        therapist_cost=therapist_cost,
    )
    existing = _live_request(key)
    if existing is not None and not _is_stale(existing):
        existing.enqueued = _enqueue(existing.pk) if _is_waiting(existing) else None
        return existing
    if existing is not None:
        mark_failed(existing.pk, "The job was lost before it finished; ordered again.")
    try:
        with transaction.atomic():
            report = ReportRequest.objects.create(
                requested_by=user,
                period_start=period_start,
                period_end=period_end,
                tracks=tracks,
                therapist_cost=therapist_cost,
                request_key=key,
            )
            report.teams.set(team_ids)
            report.enqueued = None

            def send() -> None:
                report.enqueued = _enqueue(report.pk)

            transaction.on_commit(send)
    except IntegrityError:
        # The same order, placed at the same moment by a second request (double click).
        existing = _live_request(key)
        if existing is None:
            raise
        existing.enqueued = None
        return existing
    return report


def _is_stale(report: ReportRequest) -> bool:
    return (
        report.status in (Status.QUEUED, Status.RUNNING)
        and report.created_at < timezone.now() - STALE_AFTER
    )


def _is_waiting(report: ReportRequest) -> bool:
    return report.status == Status.QUEUED and report.created_at < timezone.now() - REQUEUE_AFTER


def _enqueue(request_id: int) -> bool:
    """Send the report's job to the broker; False (and the report stays queued) when the
    broker cannot be reached: the order is kept and is sent again later (see REQUEUE_AFTER)."""
    try:
        current_app.send_task(BUILD_REPORT_TASK, args=(request_id,))
    except (BrokerError, ConnectionError, OSError) as error:
        # The id and the error's class only: no personal data in the log.
        logger.warning(
            "report %s stays queued: the broker is unreachable (%s)",
            request_id,
            type(error).__name__,
        )
        return False
    return True


def resend_stalled() -> int:
    """Send again the jobs of running reports whose heartbeat has stopped (their worker
    died, see ``rehab.jobs``); returns how many. The report goes back to "queued", so the
    delivery that takes it starts it over and counts the attempt."""
    taken = jobs.take_stalled(ReportRequest, running=Status.RUNNING, queued=Status.QUEUED)
    return sum(bool(_enqueue(pk)) for pk in taken)


def requeue_waiting(*, older_than: datetime.timedelta = REQUEUE_AFTER) -> int:
    """Send the jobs of reports queued longer than ``older_than`` (but not yet stale) again;
    returns how many were sent."""
    now = timezone.now()
    waiting = ReportRequest.objects.filter(
        status=Status.QUEUED, created_at__lt=now - older_than, created_at__gte=now - STALE_AFTER
    ).values_list("pk", flat=True)
    return sum(_enqueue(pk) for pk in waiting)
