"""The follow-up report's rows: the indicators as display strings (Swedish), with the
small-cell rule applied to every count and every figure of a group.
"""

from __future__ import annotations

import datetime
import string
from decimal import Decimal

from django.utils.translation import gettext as _

from followup import calc, indicators, suppression
from followup.indicators import Indicators, masked, percent, small_cell
from followup.models import CaseClosure, FollowUp
from tracks.models import Track

NBSP = calc.NBSP


def _decimal_text(value: Decimal) -> str:
    """``Decimal("4.50")`` → ``"4,5"``."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def _minutes(value) -> str:
    return f"{calc.group_thousands(calc.round_kr(Decimal(value)))}{NBSP}min"


def date_text(value: datetime.date) -> str:
    return value.strftime("%Y-%m-%d")


def case_letters(count: int) -> list[str]:
    letters = string.ascii_uppercase
    return [f"Fall {letters[i % 26]}{'' if i < 26 else i // 26}" for i in range(count)]


def profile_rows(profile: dict) -> list[dict]:
    """Who the cohort is, with complementary suppression: the sexes and the age bands are
    each a table with the people as its total; every other row is one count out of the
    people, whose complement (the people not living alone, …) is protected too."""
    total = profile["people"]
    groups = [
        [
            ("Kvinnor", profile["women"]),
            ("Män", profile["men"]),
            ("Annat eller ej angivet kön", profile["other_sex"]),
        ],
        [
            ("Ålder under 65 år", profile["age_under_65"]),
            ("Ålder 65–74 år", profile["age_65_74"]),
            ("Ålder 75–84 år", profile["age_75_84"]),
            ("Ålder 85 år och äldre", profile["age_85_plus"]),
        ],
        [("Bor ensam", profile["lives_alone"])],
        [("Ansökt om trygghetslarm", profile["safety_alarm"])],
        [("Gemensam bedömning (hembesök genomfört)", profile["joint_assessment"])],
        [("Efter slutenvård", profile["after_inpatient_stay"])],
    ]
    rows = []
    for group in groups:
        hidden = suppression.one_way([n for _, n in group], total=total).cells
        rows += [
            {
                "label": label,
                "count": suppression.text(n, hide),
                "share": suppression.share_text(n, total, hide),
            }
            for (label, n), hide in zip(group, hidden, strict=True)
        ]
    return rows


def flow_rows(flow: dict, tracks=()) -> list[dict]:
    """The applications received in the period and how far they have come (up to today),
    each "varav" line a part of the first; the interventions of those applications below.
    A report of one track shows that track only: the others, and the cases handed over
    without a track, are not in it."""
    hidden = indicators.flow_hidden(flow)

    def count(key: str) -> str:
        return suppression.text(flow[key], hidden[key])

    rows = [
        ("Ansökningar mottagna under perioden", count("received")),
        ("– varav gemensamt hembesök genomfört", count("joint_visit_done")),
    ]
    shown = [track for track in Track if not tracks or track.value in tracks]
    rows += [(f"– varav {Track(track).label}", count(f"track_{track.value}")) for track in shown]
    if not tracks:
        rows.append(("– varav överlämnade (utan spår)", count("handed_over")))
    rows += [
        ("– varav beslutade (till i dag)", count("decided")),
        ("– varav uppföljning genomförd (till i dag)", count("followed_up")),
        ("Ärenden med insatser i spåret", count("intervention_cases")),
        ("Insatser (besök), antal", calc.group_thousands(flow["interventions"])),
        ("– varav arbetsterapeut", calc.group_thousands(flow["therapist_interventions"])),
        ("– varav fysioterapeut", calc.group_thousands(flow["physio_interventions"])),
        ("Insatser, tid", calc.format_hours_minutes(flow["intervention_minutes"])),
    ]
    return [{"label": label, "value": value} for label, value in rows]


def service_rows(services: list[indicators.ServiceRow]) -> list[dict]:
    rows = []
    for row in services:
        share = (
            percent(Decimal(row.granted_minutes) / Decimal(row.applied_minutes))
            if row.applied_minutes
            else indicators.MASKED_TEXT
        )
        minutes_known = row.has_minutes
        rows.append(
            {
                "name": row.name,
                "applicants": small_cell(row.applicants),
                "applied": masked(row.applicants, _minutes(row.applied_minutes))
                if minutes_known
                else indicators.MASKED_TEXT,
                "granted": masked(row.applicants, _minutes(row.granted_minutes))
                if minutes_known
                else indicators.MASKED_TEXT,
                "saved": masked(row.applicants, _minutes(row.applied_minutes - row.granted_minutes))
                if minutes_known
                else indicators.MASKED_TEXT,
                "share": masked(row.applicants, share) if minutes_known else indicators.MASKED_TEXT,
            }
        )
    return rows


def hourly_rows(result: calc.HourlyResult) -> list[dict]:
    n = result.citizens
    rows = [
        ("Antal fall", small_cell(n)),
        ("Ansökt tid per vecka", masked(n, _minutes(result.applied_minutes_per_week))),
        ("Beviljad tid per vecka", masked(n, _minutes(result.granted_minutes_per_week))),
        ("Sparad tid per vecka", masked(n, _minutes(result.saved_minutes_per_week))),
        ("Sparade timmar per vecka", masked(n, result.saved_hours_per_week_text)),
        ("Besparing per vecka", masked(n, calc.format_kr(result.saved_kr_per_week))),
        ("Besparing per månad", masked(n, calc.format_kr(result.saved_kr_per_month))),
        ("Besparing per år", masked(n, calc.format_kr(result.saved_kr_per_year))),
        (
            "Andel av ansökt tid som behövdes (beviljat ÷ ansökt, minuter)",
            masked(n, percent(result.share_needed_by_minutes)),
        ),
        (
            "Andel av ansökta insatser som behövdes (beviljat ÷ ansökt, antal)",
            masked(n, percent(result.share_needed_by_count)),
        ),
    ]
    return [{"label": label, "value": value} for label, value in rows]


# The two ways of charging the therapist's cost in the level model, as the report states them.
THERAPIST_COST_TEXT = {
    "once": "en gång per fall",
    "monthly": "varje månad, som i Örebros rapport",
}
NET_FORMULA_TEXT = {
    "once": "Nettoeffekt = månader × minskad ersättning − arbetsterapeutens kostnad",
    "monthly": "Nettoeffekt = månader × (minskad ersättning − arbetsterapeutens kostnad)",
}


def level_context(figures: Indicators, therapist_cost: calc.TherapistCost = "once") -> dict:
    """The level model's tables, with the therapist's cost charged by ``therapist_cost``
    ("once" per case, or "monthly" as the Örebro report does)."""
    levels = figures.levels
    movements = [
        {
            "before": row["before"],
            "after": row["after"],
            "direction": (
                "lägre"
                if row["after"] < row["before"]
                else "högre"
                if row["after"] > row["before"]
                else "oförändrad"
            ),
            "people": suppression.text(row["people"], hide),
        }
        # One table with the cases with levels as its total (complementary suppression).
        for row, hide in zip(
            figures.movements,
            suppression.one_way([row["people"] for row in figures.movements]).cells,
            strict=True,
        )
    ]
    context: dict = {
        "movements": movements,
        "tariff": levels.tariff,
        "rows": [],
        "therapist_cost": THERAPIST_COST_TEXT[therapist_cost],
        "formula": NET_FORMULA_TEXT[therapist_cost],
    }
    result = levels.result
    if result is not None:
        result = calc.with_therapist_cost(result, therapist_cost)
        n = result.citizens
        context["rows"] = [
            {"label": "Antal fall med nivåer i taxan", "value": small_cell(n)},
            {
                "label": "Minskad ersättning per månad (brutto)",
                "value": masked(n, calc.format_kr(result.gross_kr_per_month)),
            },
            {
                "label": "Arbetsterapeutens kostnad",
                "value": masked(n, calc.format_kr(result.therapist_cost_kr)),
            },
            {
                "label": "Arbetsterapeutens kostnad räknas",
                "value": THERAPIST_COST_TEXT[therapist_cost],
            },
        ] + [
            {
                "label": f"Nettoeffekt efter {months} {'månad' if months == 1 else 'månader'}",
                "value": masked(n, calc.format_kr(amount)),
            }
            for months, amount in result.net_kr.items()
        ]
    context["outside_tariff"] = (
        small_cell(levels.cases_outside_tariff) if levels.cases_outside_tariff else ""
    )
    return context


def vas_rows(vas: dict) -> list[dict]:
    def mean(value, n):
        if value is None:
            return indicators.MASKED_TEXT
        return masked(n, _decimal_text(calc.round_half_away(Decimal(str(value)), 1)))

    return [
        {
            "label": "Vid bedömningen",
            "mean": mean(vas["before_mean"], vas["before_n"]),
            "n": small_cell(vas["before_n"]),
        },
        {
            "label": "Vid uppföljningen",
            "mean": mean(vas["after_mean"], vas["after_n"]),
            "n": small_cell(vas["after_n"]),
        },
    ]


def goal_rows(goals: list[dict]) -> list[dict]:
    labels = {value: str(label) for value, label in FollowUp.Attainment.choices}
    return [
        {
            "label": labels.get(row["latest"], "Inte följt upp ännu"),
            "goals": small_cell(row["goals"]),
            "people": small_cell(row["people"]),
        }
        for row in goals
    ]


def closure_rows(closures: list[dict]) -> list[dict]:
    labels = {value: str(label) for value, label in CaseClosure.Reason.choices}
    hidden = suppression.one_way([row["people"] for row in closures]).cells
    return [
        {
            "label": labels.get(row["reason"], row["reason"]),
            "people": suppression.text(row["people"], hide),
        }
        for row, hide in zip(closures, hidden, strict=True)
    ]


def annex(figures: Indicators) -> dict:
    teams: dict[str, dict] = {}
    months = []
    for row in figures.team_months:  # groups (team × month), not cases
        team = teams.setdefault(
            row.team, {"team": row.team, "cases": 0, "applied": 0, "granted": 0}
        )
        team["cases"] += row.cases
        team["applied"] += row.applied_minutes
        team["granted"] += row.granted_minutes
        months.append(
            {
                "team": row.team,
                "month": row.month.strftime("%Y-%m"),
                "cases": small_cell(row.cases),
                "applied": masked(row.cases, _minutes(row.applied_minutes)),
                "granted": masked(row.cases, _minutes(row.granted_minutes)),
                "saved": masked(row.cases, _minutes(row.saved_minutes)),
            }
        )
    team_rows = [
        {
            "team": team["team"],
            "cases": small_cell(team["cases"]),
            "applied": masked(team["cases"], _minutes(team["applied"])),
            "granted": masked(team["cases"], _minutes(team["granted"])),
            "saved": masked(team["cases"], _minutes(team["applied"] - team["granted"])),
            "share": masked(
                team["cases"],
                percent(Decimal(team["granted"]) / Decimal(team["applied"]))
                if team["applied"]
                else indicators.MASKED_TEXT,
            ),
        }
        for team in teams.values()
    ]
    return {"teams": team_rows, "months": months}


def assumption_rows(figures: Indicators, therapist_cost: calc.TherapistCost = "once") -> list[dict]:
    hourly = indicators.hourly_assumptions(figures.parameters)
    parameters = figures.parameters
    levels = figures.levels
    versions = figures.hourly.assumptions.get("versions")
    if versions:
        # Decisions in the period fall under more than one parameter version; each case was
        # priced by the version valid on its decision date.
        cost_rows = [
            (
                "Hemtjänstens kostnad per timme och veckor per månad",
                "; ".join(
                    f"{calc.format_kr_price(Decimal(v['hourly_cost']))}/h, "
                    f"{_decimal_text(Decimal(v['weeks_per_month']))}"
                    for v in versions
                )
                + " (varje fall enligt versionen som gällde på beslutsdagen)",
            )
        ]
    else:
        cost_rows = [
            ("Hemtjänstens kostnad per timme", f"{calc.format_kr_price(hourly.hourly_cost)}/h"),
            ("Veckor per månad", _decimal_text(hourly.weeks_per_month)),
        ]
    rows = [
        *cost_rows,
        ("Månader per år", "12"),
        (
            "Parametrarna gäller",
            (
                f"från {date_text(parameters.valid_from)}"
                + (f" till {date_text(parameters.valid_to)}" if parameters.valid_to else "")
                if parameters
                else "standardvärden (ingen giltig parameteruppsättning)"
            ),
        ),
        (
            "Arbetsterapeutens kostnad per timme",
            f"{calc.format_kr_price(levels.assumptions.therapist_hourly_cost)}/h",
        ),
        ("Arbetsterapeutens kostnad räknas", THERAPIST_COST_TEXT[therapist_cost]),
        (
            "Nivå före saknas",
            "räknas som nivå 0 (ingen ersättning om taxan inte prissätter nivå 0)",
        ),
        (
            "Taxa (nivåmodellen)",
            f"{levels.tariff.name}, gäller från {date_text(levels.tariff.valid_from)}"
            if levels.tariff
            else f"ingen taxa gäller {date_text(figures.scope.period_end)}",
        ),
        (
            "Urval",
            "ärenden med beslut under perioden i valda team och spår; "
            "överlämnade ärenden utan spår ingår bara när alla spår är valda",
        ),
        (
            "Sparad tid",
            "ansökta minuter per vecka minus beviljade minuter per vecka, summerat över insatserna",
        ),
        (
            "Avrundning",
            "beräkningen görs med full precision och avrundas till hela kronor först vid "
            "visning (halvor bort från noll)",
        ),
        (
            "Små tal",
            "antal personer under 5 visas som <5, även andelar av sådana celler; "
            "summor och medelvärden för färre än 5 personer visas som –",
        ),
    ]
    return [{"label": label, "value": value} for label, value in rows]


def indicator_tables(scope, today: datetime.date) -> list:
    """The dashboard's indicator tables and charts (``followup.tables``) for the report's
    scope, with the same suppression; a fixed number of queries."""
    from followup import tables

    return tables.all_tables(indicators.dashboard(scope, today=today))


def track_labels(tracks) -> list[str]:
    return [str(Track(int(track)).label) for track in sorted(tracks)] or [_("All tracks")]
