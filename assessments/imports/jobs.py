"""Large imports run as a background job, not in the web request.

A file with more than ``BACKGROUND_FROM_ROWS`` rows is checked (the dry run, a job of kind
"check", which keeps what it found for the page) and then imported by the Celery task
``assessments.tasks.run_import``, which takes the job's id only. The job checks the stored
file again and saves its rows in batches of ``BATCH_ROWS``, each batch in one transaction
together with its access-log rows and the job's progress, so the page that polls the job
sees the progress of what is really saved.

Batches, not one transaction for the whole file: progress has to be visible while the rows
are saved, and one transaction of 100 000 rows would hold its locks for minutes. What makes
this safe is the import key: every saved row carries it and a row whose key exists is
skipped, so a job that stops half-way (the worker killed, a time limit, a row refused by a
service) has saved whole rows only, and importing the same file again saves exactly the
rows that are left. A file with rows in error is not saved at all unless the user chose to
import only the valid rows, as in the page's own import.

Delivery: ``acks_late`` + ``reject_on_worker_lost`` (as for the reports): a pool child that
dies takes the job back to the broker. When the whole worker dies, the job's heartbeat
stops (``rehab.jobs``) and the beat job ``resend_stalled_imports`` sends it again within a
minute or two, on Redis and on the folder broker alike. A job that is finished, or running
with a live heartbeat, is left alone, and after ``MAX_ATTEMPTS`` deliveries it is marked
failed.
"""

import logging
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from rehab import jobs
from rehab.accesslog import purpose_of
from rehab.models import AccessLogEntry
from rehab.roles import roles_of

from ..models import ImportJob
from .readers import ImportFileError, stream_table
from .report import ImportReport, ReportTally
from .saving import ImportRowError, import_rows
from .validation import CheckedBatch, check_table

logger = logging.getLogger(__name__)

BACKGROUND_FROM_ROWS = 500
# The row errors a check keeps for the page (the page says when there were more).
MAX_ERRORS_SHOWN = 500
BATCH_ROWS = 1000
MAX_ATTEMPTS = 3
RUN_IMPORT_TASK = "assessments.tasks.run_import"
VIEW_NAME = "assessments:import_applications"
TOOK_TOO_LONG = gettext_noop(
    "The import took longer than the time limit. The rows saved so far are kept; upload the "
    "file again to import the rest."
)
COULD_NOT_FINISH = gettext_noop(
    "The import could not be finished. The rows saved so far are kept; upload the file "
    "again to import the rest."
)


def start_import(
    *,
    actor,
    upload_path: str,
    only_valid: bool,
    language: str,
    ip_address,
    kind: str = ImportJob.Kind.IMPORT,
):
    """Record the job (an import, or the check of a large file) and send it to the workers
    once the record is committed."""
    job = ImportJob.objects.create(
        created_by=actor,
        upload_path=upload_path,
        only_valid=only_valid,
        language=language[:10],
        ip_address=ip_address,
        kind=kind,
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    from celery import current_app

    try:
        current_app.send_task(RUN_IMPORT_TASK, args=(job_id,))
    except (ConnectionError, OSError) as error:
        logger.warning("import job %s not sent (%s)", job_id, type(error).__name__)
        mark_failed(job_id, gettext_noop("The import could not be started. Try again in a while."))


def mark_failed(job_id: int, message: str, **params) -> None:
    """Fail the job with ``message`` (an English source text) in the job's language."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    with translation.override(job.language):
        job.failure = (gettext(message) % params if params else gettext(message))[:500]
    job.status = ImportJob.Status.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["failure", "status", "finished_at"])
    default_storage.delete(job.upload_path)


def _log(job: ImportJob, refs, action: str) -> None:
    """The job's access-log rows, as the view would write them for its user."""
    refs = list(dict.fromkeys(refs))
    roles = ",".join(role.value for role in roles_of(job.created_by))
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user=job.created_by,
            roles=roles,
            citizen_ref=ref,
            action=action,
            view=VIEW_NAME,
            purpose=purpose_of(VIEW_NAME)[:200],
            ip_address=job.ip_address,
        )
        for ref in refs
    )


def _keep_check(job: ImportJob, tally: ReportTally) -> None:
    """A check is done once its findings are kept. The stored file stays: it is the upload
    the user may now confirm (or it is deleted with the stale uploads)."""
    job.check_report = tally.summary()
    job.total_rows = tally.row_count
    job.invalid_rows = tally.invalid_count
    job.skipped_duplicates = tally.duplicate_count
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "check_report",
            "total_rows",
            "invalid_rows",
            "skipped_duplicates",
            "status",
            "finished_at",
        ]
    )


def _checked_rows(job: ImportJob, content: bytes) -> tuple[ImportReport, Iterator[CheckedBatch]]:
    """The stored file read and checked a batch at a time (``check_table``); a file that
    cannot be read is ``ImportFileError``, now or while the batches are read."""
    table = stream_table(name=job.upload_path, content=content)
    return check_table(table, team_id=job.created_by.team_id)


def _tally(job: ImportJob, content: bytes) -> ReportTally:
    """Check every row of the stored file, keeping the counts and the first messages only,
    and log the reads the messages make (as the page does for a check it shows)."""
    tally = ReportTally(max_errors=MAX_ERRORS_SHOWN)
    try:
        found, batches = _checked_rows(job, content)
        tally.file_errors, tally.unknown_columns = found.file_errors, found.unknown_columns
        for batch in batches:
            tally.add(batch.rows)
            _log(job, batch.revealed_citizen_refs, AccessLogEntry.Action.CHECK)
    except ImportFileError as error:
        tally = ReportTally(max_errors=MAX_ERRORS_SHOWN, file_errors=[error.message])
    return tally


def _take(job_id: int) -> ImportJob | None:
    """The job, marked running with a fresh heartbeat for this delivery; None when it is
    finished or a live worker is running it already (a second delivery of the same job)."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .select_related("created_by")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.is_finished:
            return None
        if job.status == ImportJob.Status.RUNNING and jobs.is_alive(job.heartbeat_at):
            logger.info("import job %s is being run by another worker", job_id)
            return None
        job.attempts += 1
        job.status = ImportJob.Status.RUNNING
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["attempts", "status", "heartbeat_at"])
        return job


def resend_stalled() -> int:
    """Send again the running jobs whose heartbeat has stopped (their worker died, see
    ``rehab.jobs``); returns how many. The saved batches are kept: the import key makes the
    job that runs again skip the rows already saved."""
    taken = jobs.take_stalled(
        ImportJob, running=ImportJob.Status.RUNNING, queued=ImportJob.Status.QUEUED
    )
    for pk in taken:
        enqueue(pk)
    return len(taken)


def run_import_job(job_id: int) -> None:
    """Check the stored file, then save its rows batch by batch (see the module's text) or,
    for a check, keep what checking found. The job's heartbeat is renewed while it runs."""
    job = _take(job_id)
    if job is None:
        return
    with jobs.heartbeat(ImportJob, job.pk):
        _run(job)


def _run(job: ImportJob) -> None:
    if job.attempts > MAX_ATTEMPTS:
        mark_failed(
            job.pk, gettext_noop("The import stopped several times. Upload the file again.")
        )
        return
    if not default_storage.exists(job.upload_path):
        mark_failed(
            job.pk, gettext_noop("The checked file is no longer available. Upload it again.")
        )
        return
    with default_storage.open(job.upload_path, "rb") as stored:
        content = stored.read()
    # The file is checked as it is read, a batch of rows at a time, and only counts are
    # kept: a first pass decides whether anything may be saved (and how much), a second
    # pass saves; neither holds the whole file's rows.
    with translation.override(job.language):
        tally = _tally(job, content)
        if job.kind == ImportJob.Kind.CHECK:
            _keep_check(job, tally)
            return
    if tally.file_errors:
        mark_failed(job.pk, gettext_noop("The file can no longer be read. Check it again."))
        return
    invalid = tally.invalid_count
    if invalid and not job.only_valid:
        mark_failed(
            job.pk,
            gettext_noop(
                "Nothing was saved: %(count)s rows have errors. Correct them and upload the file "
                "again, or import only the valid rows."
            ),
            count=invalid,
        )
        return
    # Rows an earlier attempt of this job saved are now found as imported: they count as
    # done, not as rows imported before the job.
    earlier = job.created_applications
    job.total_rows = tally.importable_count + earlier
    job.invalid_rows = invalid
    job.skipped_duplicates = max(0, tally.duplicate_count - earlier)
    job.done_rows = earlier
    job.save(update_fields=["total_rows", "invalid_rows", "skipped_duplicates", "done_rows"])
    try:
        _found, checked = _checked_rows(job, content)
        for batch in checked:
            rows = [row for row in batch.rows if row.is_valid and not row.is_duplicate]
            for start in range(0, len(rows), BATCH_ROWS):
                if not _save_batch(job, rows[start : start + BATCH_ROWS]):
                    return
    except ImportFileError:
        mark_failed(job.pk, gettext_noop("The file can no longer be read. Check it again."))
        return
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    default_storage.delete(job.upload_path)


def _save_batch(job: ImportJob, rows: list) -> bool:
    """Save one batch with its access-log rows and the job's progress, in one transaction;
    False (and the job failed) when the batch was refused."""
    batch = ImportReport(rows=rows)
    try:
        with transaction.atomic():
            result = import_rows(report=batch, actor=job.created_by, only_valid=False)
            _log(job, result.created_citizen_ids, "create")
            _log(job, result.updated_citizen_ids, "update")
            job.done_rows += len(batch.rows)
            job.created_citizens += result.created_citizens
            job.created_applications += result.created_applications
            job.skipped_duplicates += result.skipped_duplicates
            job.save(
                update_fields=[
                    "done_rows",
                    "created_citizens",
                    "created_applications",
                    "skipped_duplicates",
                ]
            )
    except ImportRowError as error:
        mark_failed(
            job.pk,
            gettext_noop(
                "Row %(row)s could not be saved (%(reason)s). The %(saved)s rows before it "
                "were saved; upload the file again to import the rest."
            ),
            row=error.row_number,
            reason=" ".join(error.messages),
            saved=job.done_rows,
        )
        return False
    except ValidationError as error:
        mark_failed(job.pk, gettext_noop(" ").join(error.messages))
        return False
    except IntegrityError:
        mark_failed(
            job.pk,
            gettext_noop(
                "Somebody imported or registered the same cases at the same time. Upload the "
                "file again to import what is left."
            ),
        )
        return False
    return True
