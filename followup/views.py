import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from assessments.views.common import add_form_errors as _add_errors
from assessments.views.common import application_from_url, case_page
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from . import calc, indicators, reports, selectors, services
from .followup_forms import FollowUpForm, PositiveExampleForm

# The steps of the flow shown on the overview; each counts people (small-cell rule).
FLOW_STEPS = [
    ("received", _lazy("Applications received")),
    ("joint_visit_done", _lazy("Joint home visits done")),
    ("track_1", _lazy("Track 1: fall prevention")),
    ("track_2", _lazy("Track 2: activity assessment")),
    ("track_3", _lazy("Track 3: intensive rehabilitation")),
    ("handed_over", _lazy("Handed over")),
    ("decided", _lazy("Decided")),
    ("followed_up", _lazy("Followed up")),
]


@permission_required("followup.view_overview")
def overview(request):
    """The manager's start page: the team's last twelve months, aggregated and with the
    small-cell rule, by the same indicators and chart as the PDF report. No case records."""
    today = timezone.localdate()
    scope = indicators.Scope(
        period_start=today - datetime.timedelta(days=365),
        period_end=today,
        team_ids=(request.user.team_id,) if request.user.team_id else (),
    )
    figures = indicators.compute(scope)
    hourly = figures.hourly
    people = hourly.citizens
    return render(
        request,
        "followup/overview.html",
        {
            "scope": scope,
            "team": request.user.team,
            "decided": indicators.small_cell(people),
            "saved_time": indicators.masked(
                people, calc.format_hours_minutes(hourly.saved_minutes_per_week)
            ),
            "saved_per_month": indicators.masked(people, calc.format_kr(hourly.saved_kr_per_month)),
            "saved_per_year": indicators.masked(people, calc.format_kr(hourly.saved_kr_per_year)),
            "share_needed": indicators.masked(
                people, indicators.percent(hourly.share_needed_by_minutes)
            ),
            "flow": [
                (label, indicators.small_cell(figures.flow.get(key))) for key, label in FLOW_STEPS
            ],
            "chart": reports.service_chart(figures.services),
        },
    )


@permission_required("followup.record_follow_up", fn=application_from_url)
def follow_up(request, public_id, months):
    """The case officer records a due follow-up: services and level now, goals, EQ-5D."""
    application = request.permission_object
    item = get_object_or_404(application.follow_ups, months=months)
    form = FollowUpForm(
        request.POST or None,
        services_now=selectors.services_now(application=application),
        goals=list(application.goals.all()),
        initial={"version": item.version, "level_now": item.level_now, "notes": item.notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(
                follow_up=item,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                services=form.services(),
                level_now=form.cleaned_data["level_now"],
                attainments=form.attainments(),
                notes=form.cleaned_data["notes"],
                eq5d=form.eq5d(),
                close_reason=form.cleaned_data["close_reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            log_access(request, [application.citizen.public_id], AccessLogEntry.Action.UPDATE)
            messages.success(request, _("The follow-up was recorded."))
            return redirect("assessments:application_detail", application.public_id)
    return case_page(
        request, "followup/follow_up_form.html", application, form=form, follow_up=item
    )


@permission_required("followup.choose_example", fn=application_from_url)
def positive_example(request, public_id):
    """The case officer chooses the case as a positive example for the follow-up reports."""
    application = request.permission_object
    current = getattr(application, "positive_example", None)
    form = PositiveExampleForm(
        request.POST or None, initial={"description": current.description if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        services.positive_example_save(
            application=application,
            actor=request.user,
            description=form.cleaned_data["description"],
        )
        log_access(request, [application.citizen.public_id], AccessLogEntry.Action.UPDATE)
        messages.success(request, _("The positive example was saved."))
        return redirect("assessments:application_detail", application.public_id)
    return case_page(request, "followup/positive_example.html", application, form=form)
