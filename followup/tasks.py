"""The report job. It takes the request's id only (never a model or personal data).

Delivery: ``acks_late`` + ``reject_on_worker_lost``: the broker forgets the job only once it
has finished, so a worker that dies mid-report (killed, out of memory, hard time limit)
leaves the job to be delivered again at once by the pool when a child process dies. When
the whole worker dies, the broker would give the job back only after its visibility timeout
(an hour on Redis) or never (the folder broker, which deletes the message file when it
hands the job out); instead, the running report's heartbeat stops (``rehab.jobs``) and the
beat job ``requeue_waiting_reports`` sends the job again within a minute or two.
``job.build_report_file`` is idempotent (a done report, or one another live worker is making,
is left alone) and counts every delivery; at ``max_retries`` deliveries the report is
marked failed instead of being tried forever.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from followup.reports import job, ordering

logger = logging.getLogger(__name__)


@shared_task(
    name=ordering.BUILD_REPORT_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=job.MAX_ATTEMPTS,
    soft_time_limit=300,
    time_limit=360,
)
def build_report(self, request_id: int) -> None:
    try:
        job.build_report_file(request_id, max_attempts=self.max_retries)
    except SoftTimeLimitExceeded:
        job.mark_failed(request_id, "The report took longer than the time limit.")
        raise
    except Exception as error:
        # The class name only: an exception's message could quote personal data.
        job.mark_failed(request_id, f"The report could not be made ({type(error).__name__}).")
        logger.exception("report %s failed", request_id)
        raise


@shared_task(soft_time_limit=300, time_limit=360)
def mark_follow_ups_due() -> dict:
    """The daily beat job: schedule missing follow-ups and mark due ones (idempotent)."""
    from .services import mark_follow_ups_due as mark

    return mark()


@shared_task(soft_time_limit=600, time_limit=660)
def retention_job() -> dict:
    """The daily beat job: gallring of cases closed longer ago than the retention period.
    Takes nothing and returns counts only (no names, numbers or references)."""
    from .retention import retention_run

    return retention_run(dry_run=False).counts()


@shared_task(soft_time_limit=60, time_limit=90)
def requeue_waiting_reports() -> int:
    """The beat job (every minute): send again the jobs of running reports whose worker died
    (their heartbeat stopped, ``rehab.jobs``), and of reports still queued after
    ``ordering.REQUEUE_AFTER`` (ordered while the broker was down)."""
    return ordering.resend_stalled() + ordering.requeue_waiting()


@shared_task(soft_time_limit=1800, time_limit=1860)
def refresh_dashboards() -> int:
    """The hourly beat job: compute each team's overview and default dashboard view again
    and keep them in the shared cache (``followup.dashboard_figures``); returns how many
    teams. At 250 000 citizens in 122 teams it takes minutes (bench/RESULTS.md), hence the
    limit of half an hour."""
    from .dashboard_figures import refresh

    return refresh()


@shared_task(soft_time_limit=300, time_limit=360)
def refresh_team_figures(team_id: int) -> None:
    """After a decision or a follow-up (``dashboard_figures.refresh_soon``): compute the
    team's overview and default dashboard view again."""
    from django.core.cache import cache

    from .dashboard_figures import refresh_team

    cache.delete(f"figures-refresh-waiting:{team_id}")
    refresh_team(team_id)


@shared_task(soft_time_limit=1800, time_limit=1860)
def rebuild_case_figures() -> int:
    """The nightly beat job: write every case's figures again (``followup.case_figures``),
    healing any that a write around the services left behind; returns how many."""
    from .case_figures import case_figures_rebuild

    return case_figures_rebuild()


@shared_task(soft_time_limit=300, time_limit=360)
def expire_reports() -> int:
    """The daily beat job: delete the files of reports older than REPORT_RETENTION_DAYS
    and mark them expired; returns how many."""
    return job.expire_reports()
