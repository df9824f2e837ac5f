"""Track, interventions and handover pages of one application.

Every view loads the application scoped to the user (404 when not visible to them). A user
whose roles can never hold the permission gets 403 before anything is loaded, so that, e.g.,
a manager learns "not allowed" rather than "no such case".
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.display import citizen_display_name
from assessments.models import Application
from assessments.selectors import application_detail
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required
from rehab.roles import Role, roles_of

from . import selectors, services
from .forms import HandoverForm, InterventionForm, TrackForm
from .models import Intervention, Track

Action = AccessLogEntry.Action

CASE_OFFICER_OR_THERAPIST = {Role.CASE_OFFICER, Role.THERAPIST}
TRACK_WORKERS = {Role.CASE_OFFICER, Role.THERAPIST, Role.PHYSIO}
INTERVENTION_AUTHORS = {Role.THERAPIST, Role.PHYSIO}


def _loader(roles: set[Role], *, physio_sees_team: bool = False):
    """``fn`` for ``permission_required``: the application the URL names, as the user sees it.

    Returns None (so the permission check fails with 403) for users without any of ``roles``.
    """

    def load(request, public_id):
        user = request.user
        if not roles & set(roles_of(user)):
            return None
        try:
            return application_detail(user=user, public_id=public_id)
        except Application.DoesNotExist:
            pass
        if physio_sees_team:
            try:
                return selectors.tracked_application_for_physio(user=user, public_id=public_id)
            except Application.DoesNotExist:
                pass
        raise Http404

    return load


def _loaded(request) -> Application:
    return request.permission_object


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


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's field errors next to the field, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _call(form, service) -> bool:
    try:
        service(form.cleaned_data)
    except ValidationError as error:
        _add_errors(form, error)
        return False
    return True


# --- Track -------------------------------------------------------------------------------


@permission_required("tracks.assign_track", fn=_loader(CASE_OFFICER_OR_THERAPIST))
def track(request, public_id):
    application = _loaded(request)
    visit = selectors.latest_done_visit(application)
    proposal = selectors.proposal_from(application, visit)
    assignment = selectors.track_assignment_for(application)
    can_choose = (
        visit is not None
        and visit.potential_for_independence is not False
        and application.status in services.TRACK_STATUSES
    )
    initial = {"track": assignment.track if assignment else proposal.track}
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


def _intervention_form(request, application):
    roles = set(roles_of(request.user))
    profession = ""
    if Role.THERAPIST in roles:
        profession = Intervention.Profession.THERAPIST
    elif Role.PHYSIO in roles:
        profession = Intervention.Profession.PHYSIO
    return InterventionForm(
        request.POST or None,
        initial={"profession": profession, "performed_on": timezone.localdate()},
    )


def _interventions_page(request, application, form):
    totals = selectors.intervention_totals(application)
    can_add = request.user.has_perm("tracks.add_intervention", application)
    return render(
        request,
        "tracks/interventions.html",
        {
            **_common(request, application, "interventions"),
            "interventions": selectors.interventions_for(application),
            "totals": totals,
            "next_therapist_visit": totals["therapist_visits"] + 1,
            "extra_visit_warning": (
                totals["therapist_visits"] + 1 >= services.FIRST_EXTRA_THERAPIST_VISIT
            ),
            "accepting": application.status in services.INTERVENTION_STATUSES,
            "can_add": can_add and application.status in services.INTERVENTION_STATUSES,
            "form": form,
        },
    )


@permission_required("tracks.view_interventions", fn=_loader(TRACK_WORKERS, physio_sees_team=True))
def interventions(request, public_id):
    application = _loaded(request)
    log_access(request, [application.citizen.public_id], Action.READ)
    return _interventions_page(request, application, _intervention_form(request, application))


@permission_required(
    "tracks.add_intervention", fn=_loader(INTERVENTION_AUTHORS, physio_sees_team=True)
)
def intervention_add(request, public_id):
    application = _loaded(request)
    form = _intervention_form(request, application)
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


# --- Handover ----------------------------------------------------------------------------


@permission_required("tracks.record_handover", fn=_loader(CASE_OFFICER_OR_THERAPIST))
def handover(request, public_id):
    application = _loaded(request)
    visit = selectors.latest_done_visit(application)
    existing = selectors.handover_for(application)
    can_record = (
        existing is None
        and visit is not None
        and visit.potential_for_independence is False
        and application.status == Application.Status.ASSESSED
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
