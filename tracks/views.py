"""Track, interventions and handover pages of one application.

Every view loads the application scoped to the user with assessments.views'
``application_from_url`` (404 when not visible to them; roles that see no cases get 403).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import workflow
from assessments.display import citizen_display_name
from assessments.models import Application
from assessments.selectors import case_facts
from assessments.views.common import add_form_errors, application_from_url
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from . import selectors, services
from .forms import (
    HandoverForm,
    InterventionEditForm,
    InterventionForm,
    InterventionRemoveForm,
    TrackForm,
)
from .models import Intervention, Track

Action = AccessLogEntry.Action


def _common(request, application: Application, page: str) -> dict:
    """What every tracks page shows above its content: the citizen and the stage links."""
    user = request.user
    return {
        "application": application,
        "display_name": citizen_display_name(application.citizen, application.name_granted),
        "page": page,
        "nav": {
            "case": user.has_perm("assessments.view_application", application),
            "track": user.has_perm("tracks.assign_track", application),
            "interventions": user.has_perm("tracks.view_interventions", application),
            "handover": user.has_perm("tracks.record_handover", application),
        },
    }


def _call(form, service) -> bool:
    try:
        service(form.cleaned_data)
    except ValidationError as error:
        add_form_errors(form, error)
        return False
    return True


# --- Track -------------------------------------------------------------------------------


@permission_required("tracks.assign_track", fn=application_from_url)
def track(request, public_id):
    application = request.permission_object
    visit = selectors.latest_done_visit(application)
    proposal = selectors.proposal_from(application, visit)
    assignment = selectors.track_assignment_for(application)
    can_choose = workflow.can(workflow.CONFIRM_TRACK, case_facts(application))
    initial = {
        "track": assignment.track if assignment else proposal.track,
        "version": application.version,
    }
    if assignment:
        initial["override_reason"] = assignment.override_reason
    form = TrackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _call(
            form,
            lambda data: services.track_confirm(
                application=application,
                actor=request.user,
                track=data["track"],
                override_reason=data["override_reason"],
                expected_version=data["version"],
            ),
        )
        if saved:
            log_access(request, [application.citizen.public_id], Action.UPDATE)
            messages.success(request, _("The track was confirmed."))
            return redirect("tracks:interventions", application.public_id)
    log_access(request, [application.citizen.public_id], Action.READ)
    return render(
        request,
        "tracks/track.html",
        {
            **_common(request, application, "track"),
            "visit": visit,
            "proposal": proposal,
            "proposed_label": Track(proposal.track).label,
            "assignment": assignment,
            "can_choose": can_choose,
            "no_potential": visit is not None and visit.potential_for_independence is False,
            "form": form,
        },
    )


# --- Interventions -----------------------------------------------------------------------


def _intervention_form(request):
    return InterventionForm(request.POST or None, initial={"performed_on": timezone.localdate()})


def intervention_from_url(request, public_id, intervention_id, **kwargs) -> Intervention:
    """``fn`` for ``permission_required``: one intervention of the case the URL names,
    scoped to the user like the case (404 when either is not theirs to see)."""
    application = application_from_url(request, public_id)
    intervention = selectors.intervention_for(application, intervention_id)
    if intervention is None:
        raise Http404
    intervention.application = application
    return intervention


def _interventions_page(request, application, form):
    totals = selectors.intervention_totals(application)
    accepting = selectors.accepts_interventions(application)
    can_add = accepting and request.user.has_perm("tracks.add_intervention", application)
    profession = selectors.profession_of(request.user, application) if can_add else None
    interventions = list(selectors.interventions_for(application))
    for intervention in interventions:
        intervention.application = application
        intervention.can_change = accepting and request.user.has_perm(
            "tracks.change_intervention", intervention
        )
    return render(
        request,
        "tracks/interventions.html",
        {
            **_common(request, application, "interventions"),
            "interventions": interventions,
            "can_change_any": any(i.can_change for i in interventions),
            "totals": totals,
            "next_therapist_visit": totals["therapist_visits"] + 1,
            "extra_visit_warning": (
                totals["therapist_visits"] + 1 >= services.FIRST_EXTRA_THERAPIST_VISIT
            ),
            "accepting": accepting,
            "can_add": can_add,
            "profession_label": Intervention.Profession(profession).label if profession else "",
            "form": form,
        },
    )


@permission_required("tracks.view_interventions", fn=application_from_url)
def interventions(request, public_id):
    application = request.permission_object
    log_access(request, [application.citizen.public_id], Action.READ)
    return _interventions_page(request, application, _intervention_form(request))


@permission_required("tracks.add_intervention", fn=application_from_url)
def intervention_add(request, public_id):
    application = request.permission_object
    form = _intervention_form(request)
    if request.method == "POST" and form.is_valid():
        saved = _call(
            form,
            lambda data: services.intervention_add(
                application=application, actor=request.user, **data
            ),
        )
        if saved:
            log_access(request, [application.citizen.public_id], Action.CREATE)
            messages.success(request, _("The intervention was recorded."))
            return redirect("tracks:interventions", application.public_id)
    log_access(request, [application.citizen.public_id], Action.READ)
    return _interventions_page(request, application, form)


def _intervention_page(request, intervention, template: str, form):
    application = intervention.application
    log_access(request, [application.citizen.public_id], Action.READ)
    return render(
        request,
        template,
        {
            **_common(request, application, "interventions"),
            "intervention": intervention,
            "accepting": selectors.accepts_interventions(application),
            "form": form,
        },
    )


@permission_required("tracks.change_intervention", fn=intervention_from_url)
def intervention_edit(request, public_id, intervention_id):
    """Correct a wrongly entered intervention; the change history keeps the earlier one."""
    intervention = request.permission_object
    application = intervention.application
    form = InterventionEditForm(
        request.POST or None,
        instance=intervention if request.method != "POST" else None,
        initial={"version": intervention.version},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = _call(
            form,
            lambda _data: services.intervention_update(
                intervention=intervention, actor=request.user, expected_version=version, **data
            ),
        )
        if saved:
            log_access(request, [application.citizen.public_id], Action.UPDATE)
            messages.success(request, _("The intervention was corrected."))
            return redirect("tracks:interventions", application.public_id)
    return _intervention_page(request, intervention, "tracks/intervention_edit.html", form)


@permission_required("tracks.change_intervention", fn=intervention_from_url)
def intervention_remove(request, public_id, intervention_id):
    """Remove a wrongly entered intervention, with the reason; the history keeps it."""
    intervention = request.permission_object
    application = intervention.application
    form = InterventionRemoveForm(request.POST or None, initial={"version": intervention.version})
    if request.method == "POST" and form.is_valid():
        saved = _call(
            form,
            lambda data: services.intervention_remove(
                intervention=intervention,
                actor=request.user,
                expected_version=data["version"],
                reason=data["reason"],
            ),
        )
        if saved:
            log_access(request, [application.citizen.public_id], Action.UPDATE)
            messages.success(request, _("The intervention was removed."))
            return redirect("tracks:interventions", application.public_id)
    return _intervention_page(request, intervention, "tracks/intervention_remove.html", form)


# --- Handover ----------------------------------------------------------------------------


@permission_required("tracks.record_handover", fn=application_from_url)
def handover(request, public_id):
    application = request.permission_object
    visit = selectors.latest_done_visit(application)
    existing = selectors.handover_for(application)
    can_record = existing is None and workflow.can(
        workflow.RECORD_HANDOVER, case_facts(application)
    )
    form = HandoverForm(request.POST or None, initial={"handed_over_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        saved = _call(
            form,
            lambda data: services.handover_record(
                application=application, actor=request.user, **data
            ),
        )
        if saved:
            log_access(request, [application.citizen.public_id], Action.CREATE)
            messages.success(request, _("The handover was recorded."))
            return redirect("assessments:application_detail", application.public_id)
    log_access(request, [application.citizen.public_id], Action.READ)
    return render(
        request,
        "tracks/handover.html",
        {
            **_common(request, application, "handover"),
            "visit": visit,
            "handover": existing,
            "can_record": can_record,
            "form": form,
        },
    )
