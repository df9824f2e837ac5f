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
