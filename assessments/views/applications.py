"""Logging an application, the case page, changing the application and its history."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import extension_points, selectors, services, workflow
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
    facts = selectors.case_facts(application)
    sections = [
        (section, context)
        for section in extension_points.case_sections
        if (context := section.context(request, application)) is not None
    ]
    return case_page(
        request,
        "assessments/application_detail.html",
        application,
        can_change=request.user.has_perm("assessments.change_application", application),
        can_view_citizen=request.user.has_perm("assessments.view_citizen", application.citizen),
        next_steps=_next_steps(request, application, facts),
        fact_sections=[(s.template, c) for s, c in sections if s.slot == "facts"],
        sections=[(s.template, c) for s, c in sections if s.slot != "facts"],
        **selectors.case_overview(application=application),
    )


def _next_steps(request, application, facts) -> list[dict]:
    """The case page's buttons: the steps the workflow offers from the case's status and
    records, each as the link its app registered, for the steps this user may take."""
    steps = []
    for step in workflow.next_steps(facts):
        link = extension_points.link_for(step.step)
        if link is None or not request.user.has_perm(link.permission, application):
            continue
        steps.append(
            {
                "label": link.label,
                "url": reverse(link.url_name, args=[application.public_id]),
                "style": "secondary" if link.document else "primary",
                "primary": step.primary and not link.document,
                "step": step.step.value,
            }
        )
    return steps


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
