from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from . import citizen_export, documents, selectors, services
from .display import citizen_display_name
from .filters import WorkQueueFilter
from .forms import (
    ApplicationForm,
    AssessmentBasisForm,
    CitizenForm,
    CitizenSearchForm,
    DecisionForm,
    JointVisitForm,
    VisitBookingForm,
)
from .identity import looks_like_identity_number
from .models import Application, Citizen, JointVisit
from .tables import WorkQueueTable

Action = AccessLogEntry.Action


def citizen_from_url(request, public_id, **kwargs) -> Citizen:
    """``fn`` for ``permission_required``: the citizen the URL names, scoped to the user
    (404 when they may not see it). The view reads it back as ``request.permission_object``."""
    try:
        return selectors.citizen_detail(user=request.user, public_id=public_id)
    except Citizen.DoesNotExist:
        raise Http404 from None


def application_from_url(request, public_id, **kwargs) -> Application:
    """``fn`` for ``permission_required``: the application the URL names, scoped to the user
    (404 when they may not see it; roles that see no cases get 403 in permission_required)."""
    try:
        return selectors.application_detail(user=request.user, public_id=public_id)
    except Application.DoesNotExist:
        raise Http404 from None


def case_page(request, template: str, application: Application, **context):
    """Render a page about one application: its read is logged, and the citizen is named
    as this user may see them."""
    log_access(request, [application.citizen.public_id], Action.READ)
    context.update(
        application=application,
        display_name=citizen_display_name(application.citizen, application.name_granted),
    )
    return render(request, template, context)


def _name(citizen) -> str:
    return citizen_display_name(citizen, getattr(citizen, "name_granted", False))


def _save_and_redirect(request, form, save, *, citizen_ref, action, success, url_name):
    """Call the service with the form's data. Its refusal (a version conflict included)
    goes back to the form, with everything the user typed kept; success logs and redirects."""
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        _add_errors(form, error)
        return None
    log_access(request, [citizen_ref], action)
    messages.success(request, success)
    return redirect(url_name, saved.public_id)


@permission_required("assessments.view_work_queue")
def work_queue(request):
    if looks_like_identity_number(request.GET.get("q", "")):
        # The queue's filters live in the URL; a number typed into the name filter must not
        # stay there (browser history, bookmarks). Drop it and point to the citizen search.
        query = request.GET.copy()
        del query["q"]
        messages.warning(
            request,
            _(
                "Search for personal identity numbers on the citizen search page, not in the "
                "queue's name filter."
            ),
        )
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    queue = selectors.work_queue_for(user=request.user)
    filterset = WorkQueueFilter(request.GET or None, queryset=queue, request=request)
    table = WorkQueueTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    rows = list(table.page.object_list.data) if table.page else []
    log_access(request, [row.citizen.public_id for row in rows], Action.LIST)
    counts = selectors.work_queue_counts(user=request.user)
    return render(
        request,
        "assessments/work_queue.html",
        {"filter": filterset, "table": table, "counts": counts},
    )


@permission_required("assessments.view_my_visits")
def my_visits(request):
    visits = selectors.visits_for(user=request.user)
    page = Paginator(visits, 25).get_page(request.GET.get("page"))
    log_access(request, [visit.application.citizen.public_id for visit in page], Action.LIST)
    return render(request, "assessments/my_visits.html", {"page": page, "now": timezone.now()})


@permission_required("assessments.search_citizens")
def citizen_search(request):
    """Search by number or name before registering; a POST keeps the number out of URLs."""
    form = CitizenSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = selectors.citizen_search(user=request.user, query=form.cleaned_data["query"])
        log_access(request, [citizen.public_id for citizen in results], Action.LIST)
        for citizen in results:
            citizen.display_name = _name(citizen)
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
            "display_name": _name(citizen),
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
        done = _save_and_redirect(
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
        {"form": form, "citizen": citizen, "display_name": _name(citizen)},
    )


@permission_required("assessments.add_application", fn=citizen_from_url)
def application_create(request, public_id):
    citizen = request.permission_object
    form = ApplicationForm(
        request.POST or None,
        team_id=request.user.team_id,
        initial={"received_on": timezone.localdate(), "case_officer": request.user},
    )
    if request.method == "POST" and form.is_valid():
        done = _save_and_redirect(
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
        {"form": form, "citizen": citizen, "display_name": _name(citizen)},
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
        done = _save_and_redirect(
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
        done = _save_and_redirect(
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
            _add_errors(form, error)
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


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's field errors next to the field, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
            _add_errors(form, error)
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
    """The case officer records granted services beside what was applied for."""
    application = request.permission_object
    decision = getattr(application, "decision", None)
    applied = list(application.applied_services.all())
    granted = {}
    initial = {"decided_on": timezone.localdate()}
    if decision is not None:
        # Services the decision did not grant show as not granted (0 minutes or unticked),
        # never as the applied amount, so saving again grants nothing by accident.
        granted = {row.service_id: (0 if row.service.has_minutes else False) for row in applied}
        granted.update(
            (row.service_id, row.minutes_per_week if row.service.has_minutes else True)
            for row in decision.granted_services.all()
        )
        initial = {
            "version": decision.version,
            "decided_on": decision.decided_on,
            "level_before": decision.level_before,
            "level_after": decision.level_after,
            "notes": decision.notes,
        }
    form = DecisionForm(request.POST or None, applied=applied, granted=granted, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _save_and_redirect(
            request,
            form,
            lambda data: (
                services.decision_record(
                    application=application,
                    actor=request.user,
                    decided_on=data["decided_on"],
                    granted=form.granted(),
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
        comparison=selectors.applied_vs_granted(application=application),
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
