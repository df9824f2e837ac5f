"""Importing existing cases from a spreadsheet: upload, check (dry run), then save."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language, gettext

from rehab.accesslog import log_access
from rehab.client_address import client_ip
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import imports
from ..forms.imports import ImportUploadForm
from ..imports import jobs
from ..imports.readers import stream_table
from ..models import ImportJob

SESSION_KEY = "assessments_import_upload"
JOB_SESSION_KEY = "assessments_import_job"
MAX_ERRORS_SHOWN = 500


def _pending_upload(request) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict) or not imports.is_stored_upload_name(pending.get("path")):
        return None
    if not isinstance(pending.get("token"), str) or not pending["token"]:
        return None
    return pending


def _discard_upload(request) -> None:
    pending = _pending_upload(request)
    request.session.pop(SESSION_KEY, None)
    if pending:
        default_storage.delete(pending["path"])


def _current_job(request) -> ImportJob | None:
    """The user's latest background import, as long as no other file has been checked."""
    public_id = request.session.get(JOB_SESSION_KEY)
    if not isinstance(public_id, str):
        return None
    try:
        uuid.UUID(public_id)
    except ValueError:
        return None
    return ImportJob.objects.filter(public_id=public_id, created_by=request.user).first()


def _finished_check(request, job: ImportJob | None, pending: dict | None):
    """The findings of the user's background check, if it is done and its file is still
    the one waiting for confirmation."""
    if job is None or job.kind != ImportJob.Kind.CHECK or job.status != ImportJob.Status.DONE:
        return None
    if pending is None or pending.get("path") != job.upload_path:
        return None
    return imports.CheckSummary.from_dict(job.check_report)


def _render(request, *, form=None, report=None, pending=None, status=200):
    job = None
    if report is None:
        job = _current_job(request)
        pending = _pending_upload(request)
        report = _finished_check(request, job, pending)
        if report is not None:
            job = None  # shown as its result
        elif job is not None and job.kind == ImportJob.Kind.CHECK and not job.is_finished:
            pending = None  # confirmed only once the check is done
        elif job is None or job.kind == ImportJob.Kind.CHECK:
            pending = None
    context = {
        "form": form or ImportUploadForm(),
        "columns": imports.documented_columns(),
        "report": report,
        "pending": pending,
        "max_errors_shown": MAX_ERRORS_SHOWN,
        "job": job,
        "background_from_rows": jobs.BACKGROUND_FROM_ROWS,
    }
    if report is not None:
        # Saying that a number is registered elsewhere, or under another name, reads it.
        log_access(request, report.revealed_citizen_refs, AccessLogEntry.Action.CHECK)
        context["errors"] = report.errors[:MAX_ERRORS_SHOWN]
        context["errors_truncated"] = report.error_count > MAX_ERRORS_SHOWN
    return render(request, "assessments/import.html", context, status=status)


def _check(request):
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form)
    upload = form.cleaned_data["file"]
    content = upload.read()
    _discard_upload(request)
    request.session.pop(JOB_SESSION_KEY, None)
    if _row_count(upload.name, content) > jobs.BACKGROUND_FROM_ROWS:
        return _check_in_background(request, upload.name, content)
    report = imports.parse_file(name=upload.name, content=content, team_id=request.user.team_id)
    pending = None
    if not report.file_errors and report.importable_rows:
        path = imports.store_upload(default_storage, name=upload.name, content=content)
        pending = {"path": path, "name": upload.name[:200], "token": uuid.uuid4().hex}
        request.session[SESSION_KEY] = pending
    return _render(request, form=ImportUploadForm(), report=report, pending=pending)


def _row_count(name: str, content: bytes) -> int:
    """The file's rows, read one at a time without checking them (0 when it cannot be
    read: the check in the request then says why)."""
    try:
        return sum(1 for _row in stream_table(name=name, content=content).rows)
    except imports.ImportFileError:
        return 0


def _check_in_background(request, name: str, content: bytes):
    """A large file is checked by a worker; the page follows the check and shows what it
    found, with the buttons to import, once it is done."""
    path = imports.store_upload(default_storage, name=name, content=content)
    request.session[SESSION_KEY] = {"path": path, "name": name[:200], "token": uuid.uuid4().hex}
    job = jobs.start_import(
        actor=request.user,
        upload_path=path,
        only_valid=False,
        language=get_language() or "sv",
        ip_address=client_ip(request),
        kind=ImportJob.Kind.CHECK,
    )
    request.session[JOB_SESSION_KEY] = str(job.public_id)
    messages.info(
        request,
        gettext(
            "The file is large, so it is checked in the background. The result is shown here "
            "when the check is done; nothing is saved until you confirm."
        ),
    )
    return redirect("assessments:import_applications")


def _save(request, *, only_valid: bool):
    pending = _pending_upload(request)
    if pending is None or not default_storage.exists(pending["path"]):
        request.session.pop(SESSION_KEY, None)
        messages.error(
            request, gettext("The checked file is no longer available. Upload it again.")
        )
        return redirect("assessments:import_applications")
    if not constant_time_compare(request.POST.get("upload", ""), pending.get("token", "")):
        # The confirmation belongs to another check, e.g. one made in another browser tab.
        messages.error(
            request, gettext("This is not the file that was checked last. Check the file again.")
        )
        return redirect("assessments:import_applications")
    with default_storage.open(pending["path"], "rb") as stored:
        content = stored.read()
    if _row_count(pending["path"], content) > jobs.BACKGROUND_FROM_ROWS:
        return _start_in_background(request, pending, only_valid=only_valid)
    report = imports.parse_file(name=pending["path"], content=content, team_id=request.user.team_id)
    try:
        result = imports.import_rows(report=report, actor=request.user, only_valid=only_valid)
    except imports.ImportRowError as error:
        _discard_upload(request)
        messages.error(
            request,
            gettext("Row %(row)s could not be saved (%(reason)s). Nothing was imported.")
            % {"row": error.row_number, "reason": " ".join(error.messages)},
        )
        return redirect("assessments:import_applications")
    except ValidationError as error:
        _discard_upload(request)
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:import_applications")
    except IntegrityError:
        _discard_upload(request)
        messages.error(
            request,
            gettext(
                "Somebody imported or registered the same cases at the same time. Nothing was "
                "imported: upload the file again to see what is left."
            ),
        )
        return redirect("assessments:import_applications")

    if not result.saved:
        messages.error(
            request,
            gettext(
                "Nothing was saved: %(count)s rows have errors. Correct them and upload the "
                "file again, or import only the valid rows."
            )
            % {"count": result.invalid_rows},
        )
        return _render(request, report=report, pending=pending)

    _discard_upload(request)
    log_access(request, result.created_citizen_ids, "create")
    log_access(request, result.updated_citizen_ids, "update")
    messages.success(
        request,
        gettext(
            "Import done: %(applications)s applications and %(citizens)s new citizens were saved."
        )
        % {"applications": result.created_applications, "citizens": result.created_citizens},
    )
    if result.skipped_duplicates:
        messages.info(
            request,
            gettext("%(count)s rows had already been imported and were skipped.")
            % {"count": result.skipped_duplicates},
        )
    if result.invalid_rows:
        messages.warning(
            request,
            gettext("%(count)s rows with errors were not imported.")
            % {"count": result.invalid_rows},
        )
    return redirect("assessments:import_applications")


def _start_in_background(request, pending: dict, *, only_valid: bool):
    """A large file is imported by a worker; the page shows the job's progress."""
    job = jobs.start_import(
        actor=request.user,
        upload_path=pending["path"],
        only_valid=only_valid,
        language=get_language() or "sv",
        ip_address=client_ip(request),
    )
    # The stored file now belongs to the job, which deletes it when it is done.
    request.session.pop(SESSION_KEY, None)
    request.session[JOB_SESSION_KEY] = str(job.public_id)
    messages.info(
        request,
        gettext(
            "The file is large, so it is imported in the background. You can follow the "
            "progress here or leave the page; the result is shown here when it is done."
        ),
    )
    return redirect("assessments:import_applications")


@permission_required("assessments.import_applications")
def import_status(request):
    """The background job's progress, which the import page polls (htmx). A finished check
    reloads the page, which then shows what the check found."""
    job = _current_job(request)
    response = render(request, "assessments/_import_job.html", {"job": job})
    if job is not None and job.kind == ImportJob.Kind.CHECK and job.is_finished:
        response["HX-Refresh"] = "true"
    return response


@permission_required("assessments.import_applications")
def import_applications(request):
    if request.method != "POST":
        return _render(request)
    action = request.POST.get("action", "check")
    if action == "save_all":
        return _save(request, only_valid=False)
    if action == "save_valid":
        return _save(request, only_valid=True)
    if action == "cancel":
        _discard_upload(request)
        messages.info(request, gettext("The import was cancelled; nothing was saved."))
        return redirect("assessments:import_applications")
    return _check(request)
