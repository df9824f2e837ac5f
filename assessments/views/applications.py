"""Logging an application, the case page, changing the application and its history."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import selectors, services
from ..forms.applications import ApplicationForm
from .common import (
    application_from_url,
    case_page,
    citizen_from_url,
    citizen_name,
    save_and_redirect,
)

Action = AccessLogEntry.Action


@permission_required("assessments.add_application", fn=citizen_from_url)
def application_create(request, public_id):
    citizen = request.permission_object
    form = ApplicationForm(
        request.POST or None,
        team_id=request.user.team_id,
        initial={"received_on": timezone.localdate(), "case_officer": request.user},
    )
    if request.method == "POST" and form.is_valid():
        done = save_and_redirect(
            request,
            form,
            lambda data: services.application_create(
                citizen=citizen,
                services=data["services"],
                **{key: data[key] for key in services.APPLICATION_FIELDS},
            ),
            citizen_ref=citizen.public_id,
            action=Action.CREATE,
            success=_("The application was logged."),
            url_name="assessments:application_detail",
        )
        if done:
            return done
    log_access(request, [citizen.public_id], Action.READ)
    return render(
        request,
        "assessments/application_form.html",
        {"form": form, "citizen": citizen, "display_name": citizen_name(citizen)},
    )


@permission_required("assessments.view_application", fn=application_from_url)
def application_detail(request, public_id):
    application = request.permission_object
    return case_page(
        request,
        "assessments/application_detail.html",
        application,
        can_change=request.user.has_perm("assessments.change_application", application),
        can_view_citizen=request.user.has_perm("assessments.view_citizen", application.citizen),
        **selectors.case_overview(application=application),
    )


@permission_required("assessments.change_application", fn=application_from_url)
def application_update(request, public_id):
    application = request.permission_object
    form = ApplicationForm(
        request.POST or None,
        instance=application,
        team_id=request.user.team_id,
        editing=True,
        initial={"version": application.version},
    )
    if request.method == "POST" and form.is_valid():
        done = save_and_redirect(
            request,
            form,
            lambda data: services.application_update(
                application=application,
                expected_version=data["version"],
                services=data["services"],
                **{key: data[key] for key in services.APPLICATION_FIELDS},
            ),
            citizen_ref=application.citizen.public_id,
            action=Action.UPDATE,
            success=_("The changes were saved."),
            url_name="assessments:application_detail",
        )
        if done:
            return done
    return case_page(
        request,
        "assessments/application_form.html",
        application,
        form=form,
        citizen=application.citizen,
    )


@permission_required("assessments.view_application", fn=application_from_url)
def application_history(request, public_id):
    """The case's change history: who changed what, before and after."""
    application = request.permission_object
    return case_page(
        request,
        "assessments/application_history.html",
        application,
        entries=selectors.change_history(application=application),
    )
