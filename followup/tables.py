"""The dashboard's indicators as tables and charts, with the small-cell rule and
complementary suppression (followup/suppression.py) applied to every count of people.

The same tables are shown on the manager's dashboard, downloaded as CSV, XLSX and SVG, and
printed in the PDF follow-up report. Texts are English msgids; the report renders them in
Swedish. A table keeps, beside its display strings, the exported value of every cell (None
when hidden) and the lines (a row or a column with its total) that suppression protects,
so that a test can check every table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from followup import calc, charts, indicators, suppression
from followup.models import CaseClosure, FollowUp

MASKED = indicators.MASKED_TEXT


@dataclass
class Cell:
    text: str
    # The value a CSV or XLSX holds: a number when shown, None when hidden or not a number.
    value: int | float | str | None = None
    # A count of people (or of something counted per person): the small-cell rule's cells.
    count: bool = False


@dataclass
class Table:
    key: str
    title: str
    caption: str
    header: list[str]
    rows: list[list[Cell]]
    # Lines of cells (row, column) that add up to a shown total, the total among them.
    lines: list[list[tuple[int, int]]] = field(default_factory=list)
    chart: SafeString | str = ""
    note: str = ""


def _count(n: int, hidden: bool, *, people: int | None = None) -> Cell:
    text = suppression.text(n, hidden, people=people)
    shown = not hidden and not suppression.is_small(n if people is None else people)
    return Cell(text, n if shown else None, count=True)


def _figure(text: str, value, n_people: int | None) -> Cell:
    """A figure that describes a group (a mean, minutes): not shown for fewer than five."""
    if suppression.is_small(n_people) or value is None:
        return Cell(MASKED)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return Cell(text, value)


def _decimal(value, places: int = 1) -> str:
    """``17.5`` → ``"17,5"``, ``20.0`` → ``"20"``."""
    rounded = calc.round_half_away(Decimal(str(value)), places)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _minutes(value) -> str:
    return f"{calc.group_thousands(calc.round_kr(Decimal(value)))}{calc.NBSP}min"


def _chart_values(table: Table, column: int) -> tuple[list, list[str]]:
    """A column's shown values for a chart (None where hidden) and its display texts."""
    values = [row[column].value for row in table.rows]
    return [v if isinstance(v, int | float) else None for v in values], [
        row[column].text for row in table.rows
    ]


def _bar_chart(
    table: Table,
    *,
    columns: Sequence[int],
    rows: Sequence[int] | None = None,
    unit: str = "",
) -> SafeString | str:
    chosen = list(range(len(table.rows))) if rows is None else list(rows)
    if not chosen:
        return ""
    series = []
    for column in columns:
        values, texts = _chart_values(table, column)
        series.append(
            charts.Series(
                table.header[column],
                [values[r] for r in chosen],
                texts=[texts[r] for r in chosen],
            )
        )
    if all(v is None for s in series for v in s.values):
        return ""
    return charts.grouped_bar_chart(
        title=table.title,
        categories=[table.rows[r][0].text for r in chosen],
        series=series,
        unit=unit,
        chart_id=f"indicator-{table.key}",
        width=max(640, 60 * len(chosen) * max(1, len(series) // 2)),
    )


def _one_way_rows(
    labels: Sequence[str],
    counts: Sequence[int],
    people: Sequence[int],
    *,
    total_label: str,
    total_people: int | None = None,
    with_share: bool = True,
) -> tuple[list[list[Cell]], list[list[tuple[int, int]]]]:
    """Rows of a one-way table of counts with a total row (and shares of the total)."""
    total = sum(counts)
    people_total = sum(people) if total_people is None else total_people
    hidden = suppression.one_way(list(counts), people=list(people))
    rows = []
    for label, n, p, hide in zip(labels, counts, people, hidden.cells, strict=True):
        row = [Cell(label), _count(n, hide, people=p)]
        if with_share:
            row.append(Cell(suppression.share_text(n, total, hide, people=p)))
        rows.append(row)
    total_row = [Cell(total_label), _count(total, hidden.total, people=people_total)]
    if with_share:
        total_row.append(Cell("100\u00a0%" if not suppression.is_small(people_total) else "<5"))
    rows.append(total_row)
    lines = [[(r, 1) for r in range(len(rows))]]
    return rows, lines


def _two_way_rows(
    labels: Sequence[str],
    counts: Sequence[Sequence[int]],
    people: Sequence[Sequence[int]],
    *,
    columns: int,
) -> tuple[list[list[Cell]], list[list[tuple[int, int]]]]:
    """Rows of a two-way table of counts, each with its row total, and a total row, all
    suppressed as one table (``suppression.two_way``); and its lines (every row and every
    column) for the check that no line has a lone hidden cell."""
    if not labels:
        return [], []
    hidden = suppression.two_way(counts, people=people)
    rows = [
        [Cell(label)]
        + [_count(counts[r][c], hidden.cells[r][c], people=people[r][c]) for c in range(columns)]
        + [_count(sum(counts[r]), hidden.row_totals[r], people=sum(people[r]))]
        for r, label in enumerate(labels)
    ]
    column_totals = [sum(counts[r][c] for r in range(len(labels))) for c in range(columns)]
    column_people = [sum(people[r][c] for r in range(len(labels))) for c in range(columns)]
    rows.append(
        [Cell(_("Total"))]
        + [
            _count(column_totals[c], hidden.column_totals[c], people=column_people[c])
            for c in range(columns)
        ]
        + [_count(sum(column_totals), hidden.grand_total, people=sum(column_people))]
    )
    width = columns + 1
    lines = [[(r, c) for c in range(1, width + 1)] for r in range(len(rows))]
    lines += [[(r, c) for r in range(len(rows))] for c in range(1, width + 1)]
    return rows, lines


# --- the tables ------------------------------------------------------------------------------


def monthly_table(figures: indicators.Dashboard) -> Table:
    months = figures.monthly
    received = suppression.one_way(
        [m["received"] for m in months], people=[m["received_people"] for m in months]
    )
    visits = suppression.one_way(
        [m["visits"] for m in months], people=[m["visit_people"] for m in months]
    )
    rows = [
        [
            Cell(m["month"].strftime("%Y-%m")),
            _count(m["received"], hide_r, people=m["received_people"]),
            _count(m["visits"], hide_v, people=m["visit_people"]),
        ]
        for m, hide_r, hide_v in zip(months, received.cells, visits.cells, strict=True)
    ]
    total_r = sum(m["received"] for m in months)
    total_v = sum(m["visits"] for m in months)
    rows.append(
        [
            Cell(_("Total")),
            _count(total_r, received.total),
            _count(total_v, visits.total),
        ]
    )
    table = Table(
        key="monthly",
        title=_("Applications received and joint visits done per month"),
        caption=_("Applications by the month received; joint home visits by the month done."),
        header=[_("Month"), _("Applications received"), _("Joint visits done")],
        rows=rows,
        lines=[[(r, 1) for r in range(len(rows))], [(r, 2) for r in range(len(rows))]],
    )
    table.chart = _bar_chart(table, columns=(1, 2), rows=range(len(months)))
    return table


def waiting_table(figures: indicators.Dashboard) -> Table:
    labels = {
        "to_visit": _("From application to joint visit"),
        "to_decision": _("From application to decision"),
    }
    rows = []
    for key, label in labels.items():
        stats = figures.waiting[key]
        n = stats["n"]
        rows.append(
            [
                Cell(label),
                _count(n, False),
                _figure(_decimal(stats["median"] or 0), stats["median"], n),
                _figure(_decimal(stats["p90"] or 0), stats["p90"], n),
            ]
        )
    table = Table(
        key="waiting",
        title=_("Days waited"),
        caption=_(
            "Applications received in the period that have got that far; the 90th "
            "percentile is the wait that nine in ten did not exceed."
        ),
        header=[_("Step"), _("Cases"), _("Median (days)"), _("90th percentile (days)")],
        rows=rows,
    )
    table.chart = _bar_chart(table, columns=(2, 3), unit=_("days"))
    return table


def services_table(figures: indicators.Dashboard) -> Table:
    rows = []
    for service in figures.services:
        n = service.applicants
        known = service.has_minutes
        share = (
            Decimal(service.granted_minutes) / Decimal(service.applied_minutes)
            if known and service.applied_minutes
            else None
        )
        rows.append(
            [
                Cell(service.name),
                _count(n, False),
                _figure(_minutes(service.applied_minutes), service.applied_minutes, n)
                if known
                else Cell(MASKED),
                _figure(_minutes(service.granted_minutes), service.granted_minutes, n)
                if known
                else Cell(MASKED),
                _figure(
                    indicators.percent(share),
                    float(calc.round_half_away(share * 100)) if share is not None else None,
                    n,
                ),
            ]
        )
    table = Table(
        key="services",
        title=_("Applied and granted minutes per week, per service"),
        caption=_("Cases decided in the period; the share needed is granted ÷ applied minutes."),
        header=[
            _("Service"),
            _("People who applied"),
            _("Applied"),
            _("Granted"),
            _("Share needed"),
        ],
        rows=rows,
    )
    table.chart = _bar_chart(table, columns=(2, 3), unit=_("minutes per week"))
    return table


def performed_table(figures: indicators.Dashboard) -> Table:
    """Granted and performed minutes per service over the months of the period that the
    providers have reported (a month not yet reported would show as all gap). A service's
    people are the most it had granted in one month (a person granted it in several months
    counts once), so that the rule errs on the side of hiding."""
    services: dict[str, dict] = {}
    for row in figures.performed:  # services × months, not cases
        if not row.reported:
            continue
        service = services.setdefault(
            row.code, {"name": row.name, "people": 0, "granted": 0, "performed": 0}
        )
        service["people"] = max(service["people"], row.people)
        service["granted"] += row.granted_minutes
        service["performed"] += row.performed_minutes
    rows = []
    for service in services.values():
        n, granted, performed = service["people"], service["granted"], service["performed"]
        rows.append(
            [
                Cell(service["name"]),
                _count(n, False),
                _figure(_minutes(granted), granted, n),
                _figure(_minutes(performed), performed, n),
                _figure(_minutes(granted - performed), granted - performed, n),
            ]
        )
    table = Table(
        key="performed",
        title=_("Granted and performed minutes, per service"),
        caption=_(
            "Minutes in the period's months the providers have reported: granted by the "
            "decisions in effect, performed as the providers report them; the gap is granted "
            "minus performed."
        ),
        header=[_("Service"), _("People"), _("Granted"), _("Performed"), _("Gap")],
        rows=rows,
    )
    table.chart = _bar_chart(table, columns=(2, 3), unit=_("minutes"))
    return table


def level_mean_table(figures: indicators.Dashboard) -> Table:
    rows = []
    for key, label in (
        ("at_decision", _("At the decision")),
        ("at_follow_up", _("At the follow-ups")),
    ):
        row = figures.levels[key]
        people = row["people"]
        rows.append(
            [
                Cell(label),
                _figure(
                    _decimal(row["mean"] or 0),
                    float(calc.round_half_away(Decimal(str(row["mean"] or 0)), 1)),
                    people,
                ),
                _count(row["n"], False, people=people),
            ]
        )
    table = Table(
        key="level_mean",
        title=_("Average needs level"),
        caption=_("Cases decided in the period, and their follow-ups done."),
        header=[_("When"), _("Average level"), _("Number")],
        rows=rows,
    )
    table.chart = _bar_chart(table, columns=(1,), unit=_("level"))
    return table


def level_grid_table(figures: indicators.Dashboard) -> Table:
    grid = figures.levels["grid"]
    befores = sorted({row["before"] for row in grid})
    afters = sorted({row["after"] for row in grid})
    cells = {(row["before"], row["after"]): row for row in grid}
    counts = [[cells.get((b, a), {}).get("follow_ups", 0) for a in afters] for b in befores]
    people = [[cells.get((b, a), {}).get("people", 0) for a in afters] for b in befores]
    rows, lines = _two_way_rows(
        [_("Level %(level)s") % {"level": before} for before in befores],
        counts,
        people,
        columns=len(afters),
    )
    table = Table(
        key="level_grid",
        title=_("Needs level at the decision and at each follow-up"),
        caption=_(
            "Follow-ups done: rows are the level at the decision, columns the level at the "
            "follow-up."
        ),
        header=[_("Level at the decision")]
        + [_("Level %(level)s") % {"level": a} for a in afters]
        + [_("Total")],
        rows=rows,
        lines=lines,
    )
    table.chart = _bar_chart(
        table, columns=range(1, len(afters) + 1), rows=range(len(befores)), unit=_("follow-ups")
    )
    return table


def needed_table(figures: indicators.Dashboard) -> Table:
    """How many needed less than they applied for: the decided cases by whether the minutes
    granted in all were fewer than, as many as or more than the minutes applied for."""
    labels = {
        "less": _("Granted fewer minutes than applied for"),
        "same": _("Granted as many minutes as applied for"),
        "more": _("Granted more minutes than applied for"),
    }
    found = getattr(figures, "needed", None) or {}  # figures kept before the indicator: none
    keys = list(indicators.NEEDED)
    rows, lines = _one_way_rows(
        [str(labels[key]) for key in keys],
        [found.get(key, {}).get("cases", 0) for key in keys],
        [found.get(key, {}).get("people", 0) for key in keys],
        total_label=_("Total"),
        total_people=found.get("total", {}).get("people", 0),
    )
    table = Table(
        key="needed",
        title=_("Needed less than applied for"),
        caption=_(
            "Cases decided in the period that applied for minutes, by the minutes per week "
            "granted in all against those applied for."
        ),
        header=[_("Decision"), _("Cases"), _("Share")],
        rows=rows,
        lines=lines,
    )
    table.chart = _bar_chart(table, columns=(1,), rows=range(len(keys)), unit=_("cases"))
    return table


def closures_table(figures: indicators.Dashboard) -> Table:
    labels = dict(CaseClosure.Reason.choices)
    found = {row["reason"]: row for row in figures.closures}
    reasons = [value for value, _label in CaseClosure.Reason.choices]
    rows, lines = _one_way_rows(
        [str(labels[r]) for r in reasons],
        [found.get(r, {}).get("cases", 0) for r in reasons],
        [found.get(r, {}).get("people", 0) for r in reasons],
        total_label=_("Total"),
    )
    table = Table(
        key="closures",
        title=_("Cases closed, by reason"),
        caption=_("Cases closed in the period."),
        header=[_("Reason"), _("Cases"), _("Share")],
        rows=rows,
        lines=lines,
    )
    table.chart = _bar_chart(table, columns=(1,), rows=range(len(reasons)), unit=_("cases"))
    return table


def timeliness_table(figures: indicators.Dashboard) -> Table:
    labels = {
        "on_time": _("Done on time"),
        "late": _("Done late"),
        "overdue": _("Overdue, not done"),
    }
    rows, lines = _one_way_rows(
        list(labels.values()),
        [figures.timeliness[k]["follow_ups"] for k in labels],
        [figures.timeliness[k]["people"] for k in labels],
        total_label=_("Total"),
    )
    table = Table(
        key="timeliness",
        title=_("Follow-ups on time, late and overdue"),
        caption=_(
            "Follow-ups due in the period; on time is within %(days)s days after the due date."
        )
        % {"days": indicators.FOLLOW_UP_GRACE_DAYS},
        header=[_("Follow-up"), _("Follow-ups"), _("Share")],
        rows=rows,
        lines=lines,
    )
    table.chart = _bar_chart(table, columns=(1,), rows=range(len(labels)), unit=_("follow-ups"))
    return table


GOAL_TITLES = {
    "life_area": (_lazy("Goal attainment per life area"), _lazy("Life area")),
    "case_officer": (_lazy("Goal attainment per case officer"), _lazy("Case officer")),
    "home_care_area": (_lazy("Goal attainment per home-care area"), _lazy("Home-care area")),
}


def goals_table(figures: indicators.Dashboard, group: str) -> Table:
    results = figures.goals[group]
    states = [value for value, _label in FollowUp.Attainment.choices] + [None]
    names = {value: str(label) for value, label in FollowUp.Attainment.choices}
    groups: dict = {}
    for row in results:
        groups.setdefault((row["key"], row["group"]), {})[row["latest"]] = row
    keys = list(groups)
    counts = [[groups[k].get(s, {}).get("goals", 0) for s in states] for k in keys]
    people = [[groups[k].get(s, {}).get("people", 0) for s in states] for k in keys]
    rows, lines = _two_way_rows(
        [str(name) if name is not None else _("Not stated") for _key, name in keys],
        counts,
        people,
        columns=len(states),
    )
    title, heading = GOAL_TITLES[group]
    table = Table(
        key=f"goals_{group}",
        title=str(title),
        caption=_("Goals of the cases decided in the period, by their latest follow-up."),
        header=[str(heading)]
        + [names[s] if s else _("Not followed up yet") for s in states]
        + [_("Total")],
        rows=rows,
        lines=lines,
    )
    table.chart = _bar_chart(table, columns=(1, 2, 3), rows=range(len(keys)), unit=_("goals"))
    return table


def trajectory_table(figures: indicators.Dashboard) -> Table:
    found = {row["trajectory"]: row for row in figures.trajectories}
    keys = [1, 2, 3]
    if None in found:
        keys.append(None)
    people = [found.get(k, {}).get("people", 0) for k in keys]
    hidden = suppression.one_way(people)
    total = sum(people)
    rows = []
    for key, n, hide in zip(keys, people, hidden.cells, strict=True):
        row = found.get(key, {})
        label = _("Förlopp %(number)s") % {"number": key} if key else _("Not recorded")
        cells = [Cell(label), _count(n, hide), Cell(suppression.share_text(n, total, hide))]
        for name, places in (
            ("sum_before", 1),
            ("sum_after", 1),
            ("vas_before", 1),
            ("vas_after", 1),
        ):
            mean, count = row.get(f"{name}_mean"), row.get(f"{name}_n", 0)
            if hide:
                # The row's people are hidden: so are its means and their n, which would
                # say how many there are (n ≤ people, and equal at the visit).
                cells += [Cell(MASKED), _count(count, True)]
                continue
            shown = None if mean is None else float(calc.round_half_away(Decimal(str(mean)), 1))
            cells.append(_figure(_decimal(mean or 0, places), shown, count))
            cells.append(_count(count, False))
        rows.append(cells)
    rows.append(
        [Cell(_("Total")), _count(total, hidden.total), Cell("100\u00a0%" if total >= 5 else "<5")]
        + [Cell("") for _i in range(8)]
    )
    table = Table(
        key="trajectories",
        title=_("Förlopp and self-rated health"),
        caption=_(
            "Cases decided in the period by förlopp at the assessment; EQ-5D level sum "
            "(5–25, lower is better) and EQ VAS (0–100), at the visit and at the follow-up."
        ),
        header=[
            _("Förlopp"),
            _("People"),
            _("Share"),
            _("EQ-5D sum at the visit"),
            _("n"),
            _("EQ-5D sum at the follow-up"),
            _("n"),
            _("EQ VAS at the visit"),
            _("n"),
            _("EQ VAS at the follow-up"),
            _("n"),
        ],
        rows=rows,
        lines=[[(r, 1) for r in range(len(rows))]],
    )
    table.chart = _bar_chart(table, columns=(1,), rows=range(len(keys)), unit=_("people"))
    return table


def track3_table(figures: indicators.Dashboard) -> Table:
    parameters = figures.parameters
    assumptions = indicators.hourly_assumptions(parameters)
    rows = []
    for point in figures.track3["points"]:
        n, minutes = point["people"], point["minutes"]
        kr = (
            Decimal(minutes)
            / calc.MINUTES_PER_HOUR
            * assumptions.weeks_per_month
            * assumptions.hourly_cost
        )
        label = (
            _("At the decision")
            if point["months"] == 0
            else _("After %(months)s months") % {"months": point["months"]}
        )
        rows.append(
            [
                Cell(label),
                _count(n, False),
                _figure(_minutes(minutes), minutes, n),
                _figure(calc.format_kr(kr), int(calc.round_kr(kr)), n),
            ]
        )
    table = Table(
        key="track3",
        title=_("Track 3 over time: granted minutes and cost"),
        caption=_(
            "Cases in track 3 decided in the period: minutes per week at the decision and "
            "at the follow-ups, and their cost per month at the hourly cost of the period."
        ),
        header=[_("When"), _("People"), _("Minutes per week"), _("Cost per month")],
        rows=rows,
    )
    table.chart = _bar_chart(table, columns=(2,), unit=_("minutes per week"))
    return table


def temporary_increases_table(figures: indicators.Dashboard) -> Table:
    """Per service: the people with a temporary increase in effect in the period, the
    increases and their mean extra minutes per week. A person may have increases of several
    services, so the rows have no total (and no cell can be worked out from one)."""
    rows = []
    # Figures cached before the indicator existed have no such attribute.
    for row in getattr(figures, "temporary_increases", []):
        n, mean = row["people"], row["extra_mean"]
        shown = None if mean is None else float(calc.round_half_away(Decimal(str(mean)), 1))
        rows.append(
            [
                Cell(row["name"]),
                _count(n, False),
                _count(row["increases"], False, people=n),
                _figure(f"{_decimal(mean or 0)}{calc.NBSP}min", shown, n),
            ]
        )
    table = Table(
        key="temporary_increases",
        title=_("Temporary increases of services"),
        caption=_(
            "Temporary increases in effect on at least one day of the period, of the cases "
            "whenever decided; the extra minutes are the mean per week of an increase."
        ),
        header=[_("Service"), _("People"), _("Increases"), _("Extra minutes per week")],
        rows=rows,
    )
    table.chart = _bar_chart(table, columns=(1, 2))
    return table


def all_tables(figures: indicators.Dashboard) -> list[Table]:
    """Every table of the dashboard, in the page's order."""
    tables = [
        monthly_table(figures),
        waiting_table(figures),
        needed_table(figures),
        services_table(figures),
    ]
    tables += [
        performed_table(figures),
        level_mean_table(figures),
        level_grid_table(figures),
        closures_table(figures),
        timeliness_table(figures),
        temporary_increases_table(figures),
    ]
    tables += [goals_table(figures, group) for group in figures.goals]
    tables += [trajectory_table(figures), track3_table(figures)]
    return tables
