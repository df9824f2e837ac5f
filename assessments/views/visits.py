"""Booking the joint home visit and recording its findings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
    # What this user typed and did not save is put back; a draft of an older version of the
    # visit (somebody else saved since) is only shown, so that it cannot overwrite theirs.
    draft = selectors.visit_draft(visit=visit, user=request.user)
    restored = draft if draft and draft.base_version == visit.version else None
    form = JointVisitForm(
        request.POST or None,
        instance=visit,
        initial={**(restored.data if restored else {}), "version": visit.version},
        **findings,
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
                related_factors=form.related_factors(),
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
    stale = draft if draft and not restored else None
    return case_page(
        request,
        "assessments/visit_record.html",
        application,
        form=form,
        visit=visit,
        draft=draft,
        restored=restored,
        stale_changes=form.draft_differences(stale.data) if stale else [],
    )


@permission_required("assessments.record_visit", fn=application_from_url)
@require_POST
def visit_draft(request, public_id):
    """What the therapist has typed so far, posted by static/app/visit-draft.js every few
    seconds: kept as their draft of the visit (204), refused (409) when somebody saved the
    visit since the form was opened. ``discard`` throws the draft away."""
    application = request.permission_object
    visit = selectors.current_visit(application=application)
    if visit is None:
        return HttpResponse(status=404)
    if request.POST.get("discard"):
        services.joint_visit_draft_discard(visit=visit, user=request.user)
        log_access(request, [application.citizen.public_id], Action.UPDATE)
        messages.info(request, _("The draft was discarded."))
        return redirect("assessments:visit_record", application.public_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest()
    form = JointVisitForm(instance=visit, **selectors.visit_findings(visit=visit))
    try:
        services.joint_visit_draft_save(
            visit=visit,
            user=request.user,
            data=form.draft_data(request.POST),
            expected_version=version,
        )
    except ValidationError:
        return HttpResponse(status=409)
    log_access(request, [application.citizen.public_id], Action.UPDATE)
    return HttpResponse(status=204)
