"""The manager's overview: the team's last twelve months in aggregate."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from followup import calc, dashboard_figures, indicators, suppression
from followup.reports import rendering
from rehab.permissions import permission_required

# The steps of the flow shown on the overview; each counts people (small-cell rule).
FLOW_STEPS = [
    ("received", _lazy("Applications received")),
    ("joint_visit_done", _lazy("Joint home visits done")),
    ("track_1", _lazy("Track 1: fall prevention")),
    ("track_2", _lazy("Track 2: activity assessment")),
    ("track_3", _lazy("Track 3: intensive rehabilitation")),
    ("handed_over", _lazy("Handed over for a decision")),
    ("decided", _lazy("Decided cases")),
    ("followed_up", _lazy("Followed up")),
]


@permission_required("followup.view_overview")
def overview(request):
    """The manager's start page: the team's last twelve months, aggregated and with the
    small-cell rule, by the same indicators and chart as the PDF report, and when the
    figures were computed. No case records."""
    today = timezone.localdate()
    # Kept figures (``followup.dashboard_figures``): computed every hour and after each
    # decision and follow-up, so that the page does not compute them itself.
    kept = dashboard_figures.overview_for(
        dashboard_figures.overview_scope(
            (request.user.team_id,) if request.user.team_id else (), today
        ),
        today,
    )
    figures, scope = kept.figures, kept.figures.scope
    hourly = figures.hourly
    people = hourly.citizens
    # Each step is a count out of the applications received (complementary suppression).
    flow_hidden = indicators.flow_hidden(figures.flow)
    return render(
        request,
        "followup/overview.html",
        {
            "scope": scope,
            "computed_at": kept.computed_at,
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
                (label, suppression.text(figures.flow[key], flow_hidden[key]))
                for key, label in FLOW_STEPS
            ],
            "chart": rendering.service_chart(figures.services),
        },
    )
