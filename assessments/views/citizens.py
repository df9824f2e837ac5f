"""Finding, registering and changing a citizen, and the citizen's register extract."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import citizen_export, selectors, services
from ..forms.citizens import CitizenForm, CitizenSearchForm
from .common import citizen_from_url, citizen_name, save_and_redirect

Action = AccessLogEntry.Action


@permission_required("assessments.search_citizens")
def citizen_search(request):
    """Search by number or name before registering; a POST keeps the number out of URLs."""
    form = CitizenSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = selectors.citizen_search(user=request.user, query=form.cleaned_data["query"])
        log_access(request, [citizen.public_id for citizen in results], Action.LIST)
        for citizen in results:
            citizen.display_name = citizen_name(citizen)
    return render(request, "assessments/citizen_search.html", {"form": form, "results": results})


@permission_required("assessments.add_citizen")
def citizen_create(request):
    form = CitizenForm(request.POST or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            citizen = services.citizen_create(
                personal_number=data.pop("personal_number"),
                team=request.user.team,
                **{k: v for k, v in data.items() if k != "version" and v not in (None, "")},
            )
        except services.DuplicateCitizenError as error:
            duplicate = error.existing
            form.add_error("personal_number", error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            log_access(request, [citizen.public_id], Action.CREATE)
            messages.success(request, _("The citizen was registered."))
            return redirect("assessments:citizen_detail", citizen.public_id)
    can_open_duplicate = duplicate is not None and request.user.has_perm(
        "assessments.view_citizen", duplicate
    )
    return render(
        request,
        "assessments/citizen_form.html",
        {"form": form, "duplicate": duplicate, "can_open_duplicate": can_open_duplicate},
    )


@permission_required("assessments.view_citizen", fn=citizen_from_url)
def citizen_detail(request, public_id):
    citizen = request.permission_object
    log_access(request, [citizen.public_id], Action.READ)
    return render(
        request,
        "assessments/citizen_detail.html",
        {
            "citizen": citizen,
            "display_name": citizen_name(citizen),
            "timeline": selectors.citizen_timeline(user=request.user, citizen=citizen),
            "can_change": request.user.has_perm("assessments.change_citizen", citizen),
        },
    )


@permission_required("assessments.change_citizen", fn=citizen_from_url)
def citizen_update(request, public_id):
    citizen = request.permission_object
    form = CitizenForm(
        request.POST or None,
        instance=citizen,
        editing=True,
        hide_identity=citizen.protected_identity and not citizen.name_granted,
        initial={"version": citizen.version},
    )
    if request.method == "POST" and form.is_valid():
        done = save_and_redirect(
            request,
            form,
            lambda data: services.citizen_update(
                citizen=citizen, expected_version=data.pop("version"), **data
            ),
            citizen_ref=citizen.public_id,
            action=Action.UPDATE,
            success=_("The changes were saved."),
            url_name="assessments:citizen_detail",
        )
        if done:
            return done
    log_access(request, [citizen.public_id], Action.READ)
    return render(
        request,
        "assessments/citizen_form.html",
        {"form": form, "citizen": citizen, "display_name": citizen_name(citizen)},
    )


# --- Registerutdrag (a citizen's request of access) ---------------------------------------
# The file names never carry the personnummer (it would end up in download folders and logs).


@permission_required("assessments.export_citizen", fn=citizen_from_url)
def citizen_export_json(request, public_id):
    citizen = request.permission_object
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    data = citizen_export.export_json(citizen=citizen)
    log_access(request, [citizen.public_id], Action.EXPORT)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="registerutdrag.json"'
    response["Cache-Control"] = "no-store"
    return response


@permission_required("assessments.export_citizen", fn=citizen_from_url)
def citizen_export_pdf(request, public_id):
    citizen = request.permission_object
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    pdf = citizen_export.export_pdf(citizen=citizen)
    log_access(request, [citizen.public_id], Action.EXPORT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="registerutdrag.pdf"'
    response["Cache-Control"] = "no-store"
    return response
