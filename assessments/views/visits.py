"""Booking the joint home visit and recording its findings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import selectors, services
from ..forms.visits import JointVisitForm, VisitBookingForm
from ..models import JointVisit
from .common import add_form_errors, application_from_url, case_page, save_and_redirect

Action = AccessLogEntry.Action


@permission_required("assessments.book_visit", fn=application_from_url)
def visit_book(request, public_id):
    application = request.permission_object
    form = VisitBookingForm(
        request.POST or None,
        team_id=request.user.team_id,
        initial={
            "version": application.version,
            "case_officer": application.case_officer,
            "therapist": application.therapist,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = save_and_redirect(
            request,
            form,
            lambda data: (
                services.joint_visit_book(
                    application=application,
                    scheduled_at=data["scheduled_at"],
                    case_officer=data["case_officer"],
                    therapist=data["therapist"],
                    expected_version=data["version"],
                ).application
            ),
            citizen_ref=application.citizen.public_id,
            action=Action.UPDATE,
            success=_("The joint home visit was booked."),
            url_name="assessments:application_detail",
        )
        if done:
            return done
    return case_page(
        request,
        "assessments/visit_form.html",
        application,
        form=form,
        booked=next(
            (v for v in application.visits.all() if v.status == JointVisit.Status.BOOKED),
            None,
        ),
    )


@permission_required("assessments.record_visit", fn=application_from_url)
def visit_record(request, public_id):
    """The joint visit's findings, on a tablet: save a draft any time, complete when done."""
    application = request.permission_object
    visit = selectors.current_visit(application=application)
    if visit is None:
        messages.warning(request, _("Book the joint home visit first."))
        return redirect("assessments:application_detail", application.public_id)
    findings = selectors.visit_findings(visit=visit)
    form = JointVisitForm(
        request.POST or None, instance=visit, initial={"version": visit.version}, **findings
    )
    if request.method == "POST" and form.is_valid():
        complete = request.POST.get("action") == "complete"
        try:
            services.joint_visit_record(
                visit=visit,
                expected_version=form.cleaned_data["version"],
                actor=request.user,
                goals=form.goals(),
                needs=form.needs(),
                complete=complete,
                **form.findings(),
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            log_access(request, [application.citizen.public_id], Action.UPDATE)
            if complete:
                messages.success(request, _("The joint home visit was completed."))
                return redirect("assessments:application_detail", application.public_id)
            messages.success(request, _("The draft was saved."))
            return redirect("assessments:visit_record", application.public_id)
    return case_page(
        request,
        "assessments/visit_record.html",
        application,
        form=form,
        visit=visit,
    )
