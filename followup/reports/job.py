"""The report job's body: render the report and store its PDF, counting each delivery.

``followup.tasks.build_report`` runs ``build_report_file``. The file goes to the default
storage backend through ``FieldFile.save``, never to a local path, so any web process can
serve it.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from followup.models import ReportRequest
from followup.reports import rendering
from rehab import jobs

logger = logging.getLogger(__name__)

Status = ReportRequest.Status
# Deliveries of one report job before it is given up (a worker killed mid-report makes the
# broker deliver the job again; see followup.tasks).
MAX_ATTEMPTS = 3
PROGRESS_STARTED, PROGRESS_FIGURES, PROGRESS_RENDERED, PROGRESS_DONE = 10, 50, 90, 100


def file_name(report: ReportRequest) -> str:
    return f"uppfoljningsrapport-{report.public_id}.pdf"


def _set_progress(report: ReportRequest, progress: int) -> None:
    ReportRequest.objects.filter(pk=report.pk, status=Status.RUNNING).update(progress=progress)
    report.progress = progress


def build_report_file(request_id: int, *, max_attempts: int = MAX_ATTEMPTS) -> ReportRequest | None:
    """Render the report and store its PDF. Idempotent: a done (or failed) report is left
    as it is, and so is one "running" with a live heartbeat (another worker is making it);
    one found "running" with a stopped heartbeat was interrupted (its worker died) and
    starts over.

    Each call counts one attempt; the ``max_attempts``-th redelivery marks it failed.
    """
    with transaction.atomic():
        report = ReportRequest.objects.select_for_update().filter(pk=request_id).first()
        if report is None:
            logger.warning("report request %s no longer exists", request_id)
            return None
        if report.status in (Status.DONE, Status.FAILED, Status.EXPIRED):
            return report
        if report.status == Status.RUNNING and jobs.is_alive(report.heartbeat_at):
            # Another worker is making it (this is a second delivery of the same job).
            logger.info("report %s is being made by another worker", request_id)
            return report
        if report.attempts >= max_attempts:
            report.status = Status.FAILED
            report.error = f"Gave up after {report.attempts} attempts (the job was interrupted)."
            report.finished_at = timezone.now()
            report.save(update_fields=["status", "error", "finished_at"])
            return report
        report.status = Status.RUNNING
        report.attempts += 1
        report.progress = PROGRESS_STARTED
        report.error = ""
        report.heartbeat_at = timezone.now()
        report.save(update_fields=["status", "attempts", "progress", "error", "heartbeat_at"])

    with jobs.heartbeat(ReportRequest, report.pk):
        _make_file(report)
    return report


def _make_file(report: ReportRequest) -> None:
    context = rendering.report_context(report)
    _set_progress(report, PROGRESS_FIGURES)
    pdf = rendering.render_report_pdf(context)
    _set_progress(report, PROGRESS_RENDERED)

    name = file_name(report)
    storage = report.file.storage
    target = report.file.field.generate_filename(report, name)
    # A run interrupted after saving left the file behind: replace it, keep one file.
    if storage.exists(target):
        storage.delete(target)
    report.file.save(name, ContentFile(pdf), save=False)
    report.status = Status.DONE
    report.progress = PROGRESS_DONE
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "progress", "finished_at"])


def mark_failed(request_id: int, error: str) -> None:
    """Record a failure; the text must not hold personal data (the task passes a class name)."""
    ReportRequest.objects.filter(pk=request_id).exclude(
        status__in=(Status.DONE, Status.EXPIRED)
    ).update(status=Status.FAILED, error=error[:300], finished_at=timezone.now())


def expire_reports(*, days: int | None = None, now: datetime.datetime | None = None) -> int:
    """Delete the files of reports made more than ``days`` (REPORT_RETENTION_DAYS) ago and
    mark them expired; returns how many. The file goes through the storage backend; a file
    already missing is no obstacle. A report whose file cannot be deleted stays as it is and
    is tried again on the next run."""
    days = settings.SAMREHAB_REPORT_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    expired = 0
    for report in ReportRequest.objects.filter(status=Status.DONE, finished_at__lt=cutoff):
        if report.file:
            try:
                report.file.storage.delete(report.file.name)
            except OSError as error:
                logger.warning("report %s: file not deleted (%s)", report.pk, type(error).__name__)
                continue
        expired += ReportRequest.objects.filter(pk=report.pk, status=Status.DONE).update(
            status=Status.EXPIRED, file=""
        )
    return expired
