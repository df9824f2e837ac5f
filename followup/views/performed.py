"""Importing the home-care provider's performed minutes: upload, check (dry run), save.

The team's manager imports the provider's monthly export for the team's citizens; the
rules are the intake import's (``followup.performed_import``). The check saves nothing and
keeps the file under a random name until the manager confirms or cancels; the save checks
the kept file again and saves it in one transaction, or nothing when any row has an error.
Matching a row to one of the team's citizens reads that citizen and is access-logged; a
saved row is logged as a change. The page shows row numbers, never numbers or names.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext

from assessments import imports
from assessments.imports.storage import discard_upload, pending_upload, remember_upload
from followup import performed_import
from followup.forms.performed import PerformedUploadForm
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

SESSION_KEY = "followup_performed_upload"
MAX_ERRORS_SHOWN = 500
PAGE = "followup:performed_import"


def _render(request, *, form=None, report=None, pending=None):
    context = {
        "form": form or PerformedUploadForm(),
        "columns": performed_import.COLUMNS,
        "report": report,
        "pending": pending,
        "max_errors_shown": MAX_ERRORS_SHOWN,
        "has_team": request.user.team_id is not None,
    }
    if report is not None:
        # The rows were matched to the team's citizens: the check read them.
        log_access(request, report.citizen_refs, AccessLogEntry.Action.CHECK)
        errors = report.errors
        context["errors"] = errors[:MAX_ERRORS_SHOWN]
        context["errors_truncated"] = len(errors) > MAX_ERRORS_SHOWN
    return render(request, "followup/performed_import.html", context)


def _check(request):
    form = PerformedUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form)
    upload = form.cleaned_data["file"]
    content = upload.read()
    report = performed_import.check_file(
        name=upload.name, content=content, team_id=request.user.team_id
    )
    discard_upload(request.session, SESSION_KEY, default_storage)
    pending = None
    if report.can_be_saved:
        path = imports.store_upload(default_storage, name=upload.name, content=content)
        pending = remember_upload(request.session, SESSION_KEY, path=path, name=upload.name)
    return _render(request, report=report, pending=pending)


def _save(request):
    pending = pending_upload(request.session, SESSION_KEY)
    if pending is None or not default_storage.exists(pending["path"]):
        request.session.pop(SESSION_KEY, None)
        messages.error(
            request, gettext("The checked file is no longer available. Upload it again.")
        )
        return redirect(PAGE)
    if not constant_time_compare(request.POST.get("upload", ""), pending["token"]):
        messages.error(
            request, gettext("This is not the file that was checked last. Check the file again.")
        )
        return redirect(PAGE)
    with default_storage.open(pending["path"], "rb") as stored:
        content = stored.read()
    report = performed_import.check_file(
        name=pending["path"], content=content, team_id=request.user.team_id
    )
    try:
        result = performed_import.import_performed(
            report=report, actor=request.user, source_file=pending["name"]
        )
    except ValidationError as error:
        # The file was valid when checked; what is registered has changed since.
        discard_upload(request.session, SESSION_KEY, default_storage)
        messages.error(request, " ".join(error.messages))
        return _render(request, report=report)
    except IntegrityError:
        discard_upload(request.session, SESSION_KEY, default_storage)
        messages.error(
            request,
            gettext(
                "Somebody imported the same months at the same time. Nothing was saved: "
                "check the file again."
            ),
        )
        return redirect(PAGE)
    discard_upload(request.session, SESSION_KEY, default_storage)
    saved = set(result.saved_citizen_refs)
    log_access(request, result.saved_citizen_refs, AccessLogEntry.Action.UPDATE)
    log_access(
        request,
        [ref for ref in report.citizen_refs if ref not in saved],
        AccessLogEntry.Action.CHECK,
    )
    messages.success(
        request,
        gettext("Import done: %(new)s new rows, %(changed)s changed and %(unchanged)s unchanged.")
        % {"new": result.new, "changed": result.changed, "unchanged": result.unchanged},
    )
    return redirect(PAGE)


@permission_required("followup.import_performed")
def performed_import_page(request):
    if request.method != "POST":
        return _render(request)
    action = request.POST.get("action", "check")
    if action == "save":
        return _save(request)
    if action == "cancel":
        discard_upload(request.session, SESSION_KEY, default_storage)
        messages.info(request, gettext("The import was cancelled; nothing was saved."))
        return redirect(PAGE)
    return _check(request)
