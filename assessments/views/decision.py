"""The therapist's assessment basis (and its PDF) and the case officer's decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import documents, selectors, services
from ..forms.decision import AssessmentBasisForm, DecisionForm
from .common import add_form_errors, application_from_url, case_page, save_and_redirect

Action = AccessLogEntry.Action


@permission_required("assessments.write_assessment_basis", fn=application_from_url)
def assessment_basis(request, public_id):
    """The therapist writes the assessment basis and hands it over to the case officer."""
    application = request.permission_object
    basis = getattr(application, "assessment_basis", None)
    initial = {}
    if basis is not None:
        initial = {
            "version": basis.version,
            "summary": basis.summary,
            "recommended_measures": basis.recommended_measures,
        }
    form = AssessmentBasisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        hand_over = request.POST.get("action") == "hand_over"
        try:
            services.assessment_basis_save(
                application=application,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                recommended_measures=form.cleaned_data["recommended_measures"],
                expected_version=form.cleaned_data["version"],
                hand_over=hand_over,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            log_access(request, [application.citizen.public_id], Action.UPDATE)
            if hand_over:
                messages.success(
                    request, _("The assessment basis was handed over to the case officer.")
                )
                return redirect("assessments:application_detail", application.public_id)
            messages.success(request, _("The draft was saved."))
            return redirect("assessments:assessment_basis", application.public_id)
    return case_page(
        request,
        "assessments/assessment_basis_form.html",
        application,
        form=form,
        basis=basis,
    )


@permission_required("assessments.view_assessment_basis", fn=application_from_url)
def assessment_basis_pdf(request, public_id):
    application = request.permission_object
    if getattr(application, "assessment_basis", None) is None:
        raise Http404
    pdf = documents.assessment_basis_pdf(application=application)
    log_access(request, [application.citizen.public_id], Action.EXPORT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="bedomningsunderlag.pdf"'
    return response


@permission_required("assessments.record_decision", fn=application_from_url)
def decision_record(request, public_id):
    """The case officer decides on each applied service beside what was applied for and
    beside the therapist's recommendations."""
    application = request.permission_object
    decision = getattr(application, "decision", None)
    applied = list(application.applied_services.all())
    lines = None
    initial = {"decided_on": timezone.localdate()}
    if decision is not None:
        lines = {row.service_id: row for row in decision.granted_services.all()}
        initial = {
            "version": decision.version,
            "decided_on": decision.decided_on,
            "urgent": bool(decision.urgent_reason),
            "urgent_reason": decision.urgent_reason,
            "legal_basis": decision.legal_basis_id,
            "valid_from": decision.valid_from,
            "valid_until": decision.valid_until,
            "level_before": decision.level_before,
            "level_after": decision.level_after,
            "notes": decision.notes,
        }
    form = DecisionForm(
        request.POST or None,
        applied=applied,
        lines=lines,
        current_basis=decision.legal_basis if decision is not None else None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        done = save_and_redirect(
            request,
            form,
            lambda data: (
                services.decision_record(
                    application=application,
                    actor=request.user,
                    decided_on=data["decided_on"],
                    granted=form.lines(),
                    legal_basis=data["legal_basis"],
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    urgent_reason=data["urgent_reason"],
                    over_grant_confirmed=data["confirm_over_grant"],
                    level_before=data["level_before"],
                    level_after=data["level_after"],
                    notes=data["notes"],
                    expected_version=data["version"],
                ).application
            ),
            citizen_ref=application.citizen.public_id,
            action=Action.UPDATE,
            success=_("The decision was recorded."),
            url_name="assessments:application_detail",
        )
        if done:
            return done
    return case_page(
        request,
        "assessments/decision_form.html",
        application,
        form=form,
        decision=decision,
        can_view_letter=request.user.has_perm("assessments.view_decision_letter", application),
        comparison=selectors.applied_vs_granted(application=application),
        **selectors.decision_form_context(request=request, application=application),
    )


@permission_required("assessments.view_decision_letter", fn=application_from_url)
def decision_letter_pdf(request, public_id):
    """The decision letter (beslutsmeddelande) to the citizen, in Swedish."""
    application = request.permission_object
    if getattr(application, "decision", None) is None:
        raise Http404
    pdf = documents.decision_letter_pdf(application=application)
    log_access(request, [application.citizen.public_id], Action.EXPORT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="beslutsmeddelande.pdf"'
    return response
