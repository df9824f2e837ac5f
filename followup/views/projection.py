"""The projection page (breddinförande): the yearly net effect of offering joint assessments
to a whole service area, as a low–high range, with every assumption printed beside it
(DESIGN.md, "Projection"). The engine is ``followup.calc.projection``, shared with
``manage.py savings projection``.

The numbers of citizens are either typed in for a whole municipality or taken from the
recorded cases: the förlopp (activity-capacity trajectory) recorded at the joint visit of
each case in the user's scope (a manager her team, an administrator every team) received in
the last twelve months. The service form of a case is not recorded, so recorded cases count
as home help (hemvård), and the page says so. Recorded counts follow the small-cell rule
with complementary suppression; the page reads aggregates only, so nothing is written to
the access log, as on the overview.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext

from assessments.models import Application, InstrumentResult
from assessments.scoring import TRAJECTORY
from followup import suppression
from followup.calc import (
    FORLOPP_VALUES,
    OUTCOME_INDEPENDENT,
    OUTCOME_NONE,
    ProjectionResult,
    ProjectionRow,
    ServiceForm,
    Tariff,
    format_kr,
    format_kr_amount,
    format_kr_price,
    format_mnkr_range,
    projection,
)
from followup.forms.projection import (
    INITIAL_ROWS,
    SOURCE_RECORDED,
    TARIFF_CURRENT,
    ProjectionForm,
    ProjectionRowFormSet,
)
from followup.views.whatif import Defaults, _tariff_text, tariff_from_model, tariff_valid_on
from rehab.permissions import permission_required
from rehab.roles import is_admin

RECORDED_DAYS = 365
HIDDEN = "–"


def recorded_forlopp_counts(user, *, since: datetime.date) -> dict[int, int]:
    """Citizens per förlopp among the cases in the user's scope received since ``since``,
    by the latest förlopp recorded at the case's joint visit. One query."""
    applications = Application.objects.filter(received_on__gte=since)
    if not is_admin(user):
        applications = applications.filter(team_id=user.team_id) if user.team_id else None
    if applications is None:
        return {}
    latest = (
        InstrumentResult.objects.filter(
            application=OuterRef("pk"),
            instrument=TRAJECTORY,
            occasion=InstrumentResult.Occasion.ASSESSMENT,
        )
        .order_by("-recorded_at", "-pk")
        .values("score")[:1]
    )
    rows = (
        applications.annotate(forlopp=Subquery(latest))
        .exclude(forlopp=None)
        .values("forlopp")
        .annotate(people=Count("citizen", distinct=True))
        .order_by()
    )
    return {int(row["forlopp"]): row["people"] for row in rows}


def _range_kr(low: Decimal, high: Decimal) -> str:
    if low == high:
        return format_kr(low)
    return f"{format_kr_amount(low)}–{format_kr(high)}"


def _outcome_text(outcome) -> str:
    if outcome.kind == OUTCOME_INDEPENDENT:
        return gettext("Independent (no cost after)")
    if outcome.kind == OUTCOME_NONE:
        return gettext("No change (the same cost)")
    return gettext("Needs level %(level)s") % {"level": outcome.level}


def _display(result: ProjectionResult, hidden_rows: list[bool]) -> dict:
    rows = []
    for row_result, hidden in zip(result.rows, hidden_rows, strict=True):
        row = row_result.row
        rows.append(
            {
                "service_form": ServiceForm(row.service_form).label,
                "forlopp": row.forlopp,
                "citizens": suppression.text(row.citizens, hidden),
                "cost_now": _range_kr(row.monthly_cost_now_low, row.monthly_cost_now_high),
                "outcome": _outcome_text(row.outcome),
                "cost_after": (
                    gettext("as now")
                    if row.outcome.kind == OUTCOME_NONE
                    else format_kr(row_result.monthly_cost_after)
                ),
                "yearly_net": (
                    HIDDEN
                    if hidden
                    else format_mnkr_range(row_result.yearly_net_low, row_result.yearly_net_high)
                ),
                "yearly_net_kr": (
                    HIDDEN
                    if hidden
                    else _range_kr(row_result.yearly_net_low, row_result.yearly_net_high)
                ),
            }
        )
    # A total beside a hidden row would give the row away (its count, from the amounts).
    hide_total = any(hidden_rows)
    return {
        "rows": rows,
        "citizens": suppression.text(result.citizens, hide_total),
        "yearly_net": (
            HIDDEN
            if hide_total
            else format_mnkr_range(result.yearly_net_low, result.yearly_net_high)
        ),
        "yearly_net_kr": (
            HIDDEN if hide_total else _range_kr(result.yearly_net_low, result.yearly_net_high)
        ),
        "total_withheld": hide_total,
    }


def _assumptions(data: dict, tariff: Tariff | None, tariff_label: str, recorded: bool) -> dict:
    therapist = data["assumptions"]
    return {
        "recorded": recorded,
        "existing_resources": therapist.existing_resources,
        "therapist_hours": (
            None if therapist.hours_per_citizen is None else str(therapist.hours_per_citizen)
        ),
        "therapist_hourly_cost": (
            None if therapist.hourly_cost is None else format_kr_price(therapist.hourly_cost)
        ),
        "therapist_per_citizen": format_kr(therapist.cost_per_citizen),
        "tariff_label": tariff_label,
        "tariff": (
            [(level, format_kr(amount)) for level, amount in sorted(tariff.levels.items())]
            if tariff
            else []
        ),
    }


@permission_required("followup.use_projection")
def projection_page(request):
    """The form, and after a POST the projection beside the assumptions it used."""
    today = timezone.localdate()
    since = today - datetime.timedelta(days=RECORDED_DAYS)
    defaults = Defaults.on(today)
    current = tariff_valid_on(today)
    current_tariff = tariff_from_model(current) if current is not None else None
    recorded = recorded_forlopp_counts(request.user, since=since)
    counts = [recorded.get(value, 0) for value in FORLOPP_VALUES]
    shown = suppression.one_way(counts)
    recorded_rows = [
        {"forlopp": value, "people": suppression.text(n, hidden)}
        for value, n, hidden in zip(FORLOPP_VALUES, counts, shown.cells, strict=True)
    ]

    initial = {"therapist_hourly_cost": defaults.therapist_hourly_cost}
    form = ProjectionForm(initial=initial, current_tariff=current_tariff)
    formset = ProjectionRowFormSet(initial=INITIAL_ROWS, prefix="rows")
    result = None
    if request.method == "POST":
        form = ProjectionForm(request.POST, initial=initial, current_tariff=current_tariff)
        source = request.POST.get("source")
        formset = ProjectionRowFormSet(
            request.POST, initial=INITIAL_ROWS, prefix="rows", form_kwargs={"source": source}
        )
        if form.is_valid() and formset.is_valid():
            hidden = {
                value for value, cell in zip(FORLOPP_VALUES, shown.cells, strict=True) if cell
            }
            result = _compute(form, formset, recorded, hidden, current)

    return render(
        request,
        "followup/projection.html",
        {
            "form": form,
            "formset": formset,
            "result": result,
            "recorded_rows": recorded_rows,
            "recorded_total": suppression.text(sum(counts), shown.total),
            "since": since,
            "today": today,
            "current_tariff_text": _tariff_text(current) if current is not None else None,
            "service_forms": ServiceForm.choices,
        },
    )


def _compute(
    form, formset, recorded: dict[int, int], hidden_forlopp: set[int], current
) -> dict | None:
    data = form.cleaned_data
    from_records = data["source"] == SOURCE_RECORDED
    tariff: Tariff | None = data.get("tariff")
    tariff_label = (
        (_tariff_text(current) if current is not None else "")
        if data["tariff_source"] == TARIFF_CURRENT
        else gettext("Typed in on this page")
    )
    rows = []
    ok = True
    for row_form in formset.rows():
        row_data = row_form.cleaned_data
        outcome = row_data["parsed_outcome"]
        if outcome.level is not None:
            if tariff is None:
                form.add_error(
                    "tariff_source",
                    gettext("No level tariff is valid today: type the tariff in below."),
                )
                ok = False
                continue
            if not tariff.prices(outcome.level):
                known = ", ".join(str(level) for level in sorted(tariff.levels))
                row_form.add_error(
                    "level",
                    gettext("Level %(level)s is not in the tariff (levels: %(known)s).")
                    % {"level": outcome.level, "known": known},
                )
                ok = False
                continue
        rows.append(
            ProjectionRow(
                service_form=(ServiceForm.HOME_HELP if from_records else row_data["service_form"]),
                forlopp=row_data["forlopp"],
                citizens=(
                    recorded.get(row_data["forlopp"], 0) if from_records else row_data["citizens"]
                ),
                monthly_cost_now_low=row_data["cost_low"],
                monthly_cost_now_high=row_data["cost_high"],
                outcome=outcome,
            )
        )
    if not ok:
        return None
    result = projection(rows, tariff, data["assumptions"])
    # A row shows its recorded count only where the table of recorded counts above does, so
    # that the two tables together give nothing away; a total beside a hidden row is hidden.
    hidden_rows = [from_records and row.forlopp in hidden_forlopp for row in rows]
    return {
        "values": _display(result, hidden_rows),
        "assumptions": _assumptions(data, tariff, tariff_label, from_records),
    }
