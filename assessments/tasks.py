import datetime
import logging

from celery import shared_task
from django.core.files.storage import default_storage

from .imports import delete_stale_uploads

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=120, time_limit=180)
def delete_stale_import_uploads(hours: int = 24) -> int:
    """Uploaded spreadsheets hold identity numbers: remove those never confirmed."""
    removed = delete_stale_uploads(default_storage, older_than=datetime.timedelta(hours=hours))
    logger.info("Removed %s stale import uploads", removed)
    return removed


@shared_task(
    name="assessments.tasks.run_import",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=1800,
    time_limit=1860,
)
def run_import(self, job_id: int) -> None:
    """A large import (see ``assessments.imports.jobs``); it takes the job's id only."""
    from celery.exceptions import SoftTimeLimitExceeded

    from .imports import jobs

    try:
        jobs.run_import_job(job_id)
    except SoftTimeLimitExceeded:
        jobs.mark_failed(job_id, jobs.TOOK_TOO_LONG)
        raise
    except Exception as error:
        # The class name only: an exception's message could quote personal data.
        logger.error("import job %s failed (%s)", job_id, type(error).__name__)
        jobs.mark_failed(job_id, jobs.COULD_NOT_FINISH)
        raise


@shared_task(soft_time_limit=60, time_limit=90)
def resend_stalled_imports() -> int:
    """The beat job (every minute): send again the import jobs whose worker died (their
    heartbeat stopped, ``rehab.jobs``); returns how many."""
    from .imports import jobs

    return jobs.resend_stalled()
