"""``manage.py savings hourly|level|projection``: the savings models and the projection
(breddinförande) over CSV or XLSX files.

All input problems are collected first and written to stderr, one line each, naming the
file, row (the header is row 1) and column; the command then exits with status 2 and writes
nothing to stdout.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from followup.calc import (
    FORLOPP_VALUES,
    HOURLY_COST,
    OUTCOME_LEVEL,
    THERAPIST_COST_CHOICES,
    THERAPIST_HOURLY_COST,
    WEEKS_PER_MONTH,
    HourlyAssumptions,
    HourlyResult,
    LevelAssumptions,
    LevelResult,
    ProjectionInputError,
    ProjectionResult,
    ProjectionRow,
    Tariff,
    TherapistAssumptions,
    cases_from_services,
    decimal_text,
    format_hours_minutes,
    format_kr,
    format_kr_amount,
    format_kr_price,
    format_mnkr_range,
    group_thousands,
    hourly_model,
    hourly_summary,
    level_model,
    level_summary,
    parse_outcome,
    parse_service_form,
    projection,
    projection_summary,
    round_half_away,
)
from followup.savings_csv import (
    Problems,
    ValueProblem,
    parse_decimal,
    parse_non_negative,
    read_csv,
    read_hourly_cases,
    read_level_cases,
    read_tariff,
)

INPUT_ERROR_STATUS = 2

# --- arguments ----------------------------------------------------------------------------


def _amount_argument(minimum_exclusive: bool):
    def parse(text: str) -> Decimal:
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value.is_finite() or value < 0 or (minimum_exclusive and value == 0):
            bound = "above zero" if minimum_exclusive else "zero or more"
            raise argparse.ArgumentTypeError(f"{text!r} must be {bound}")
        return value

    return parse


def _months_argument(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of months") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


# --- tables -------------------------------------------------------------------------------


def _grid(headers: list[str], rows: list[list[str]], footer: list[str] | None = None) -> list[str]:
    """Aligned columns: the first left-aligned, the rest right-aligned."""
    every = [headers, *rows, *([footer] if footer else [])]
    widths = [max(len(line[i]) for line in every) for i in range(len(headers))]

    def render(line: list[str]) -> str:
        cells = [line[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    lines = [render(headers), "  ".join("-" * width for width in widths)]
    lines += [render(row) for row in rows]
    if footer:
        lines += ["  ".join("-" * width for width in widths), render(footer)]
    return lines


def _minutes(value: Decimal) -> str:
    return group_thousands(int(value)) if value == value.to_integral_value() else str(value)


def _percent(share: Decimal | None) -> str:
    return "–" if share is None else f"{round_half_away(share * 100)} %"


def _months_text(months: int) -> str:
    return f"{months} month" if months == 1 else f"{months} months"


def _pairs(pairs: list[tuple[str, str]]) -> list[str]:
    width = max(len(label) for label, _ in pairs)
    return [f"{label.ljust(width)}  {value}" for label, value in pairs]


def hourly_table(result: HourlyResult) -> str:
    assumptions = result.assumptions
    lines = [
        "Savings, hourly model",
        f"Assumptions: hourly cost {assumptions['hourly_cost']} kr/h, "
        f"{assumptions['weeks_per_month']} weeks per month",
        "",
    ]
    headers = ["case_id", "applied min/week", "granted min/week", "saved min/week", "flags"]
    rows = [
        [
            case.case_id,
            _minutes(case.applied_minutes_per_week),
            _minutes(case.granted_minutes_per_week),
            _minutes(case.saved_minutes_per_week),
            ", ".join(case.flags),
        ]
        for case in result.cases
    ]
    footer = [
        "total",
        _minutes(result.applied_minutes_per_week),
        _minutes(result.granted_minutes_per_week),
        _minutes(result.saved_minutes_per_week),
        "",
    ]
    lines += _grid(headers, rows, footer)
    services = (
        f"{_percent(result.share_needed_by_count)} "
        f"({result.granted_services} of {result.applied_services} services)"
        if result.share_needed_by_count is not None
        else "–"
    )
    lines += [
        "",
        *_pairs(
            [
                ("Citizens", str(result.citizens)),
                ("Saved time per week", format_hours_minutes(result.saved_minutes_per_week)),
                ("Saved per week", format_kr(result.saved_kr_per_week)),
                ("Saved per month", format_kr(result.saved_kr_per_month)),
                ("Saved per year", format_kr(result.saved_kr_per_year)),
                ("Share of applied minutes needed", _percent(result.share_needed_by_minutes)),
                ("Share of applied services needed", services),
            ]
        ),
    ]
    return "\n".join(lines)


def level_table(result: LevelResult) -> str:
    assumptions = result.assumptions
    months = assumptions["months"]
    tariff = ", ".join(
        f"level {level} = {format_kr(Decimal(amount))}/month"
        for level, amount in assumptions["tariff"].items()
    )
    lines = [
        "Savings, level (tariff) model",
        f"Assumptions: therapist {assumptions['therapist_hourly_cost']} kr/h, "
        f"therapist cost charged {assumptions['therapist_cost']}; "
        f"months {', '.join(str(m) for m in months)}",
        f"Tariff: {tariff}",
        "",
    ]
    headers = [
        "case_id",
        "level before",
        "level after",
        "gross kr/month",
        "therapist h",
        "therapist kr",
        *[f"net kr {m} mo" for m in months],
    ]
    rows = [
        [
            case.case_id,
            str(case.level_before),
            str(case.level_after),
            format_kr_amount(case.gross_kr_per_month),
            decimal_text(case.therapist_hours),
            format_kr_amount(case.therapist_cost_kr),
            *[format_kr_amount(case.net_kr[m]) for m in months],
        ]
        for case in result.cases
    ]
    footer = [
        f"total ({result.citizens} citizens)",
        "",
        "",
        format_kr_amount(result.gross_kr_per_month),
        decimal_text(sum((c.therapist_hours for c in result.cases), Decimal(0))),
        format_kr_amount(result.therapist_cost_kr),
        *[format_kr_amount(result.net_kr[m]) for m in months],
    ]
    lines += _grid(headers, rows, footer)
    lines += [
        "",
        *_pairs([(f"Net over {_months_text(m)}", format_kr(result.net_kr[m])) for m in months]),
    ]
    return "\n".join(lines)


# --- projection ---------------------------------------------------------------------------

DISTRIBUTION_COLUMNS = (
    "service_form",
    "forlopp",
    "citizens",
    "monthly_cost_now_low",
    "monthly_cost_now_high",
    "outcome",
)


def _whole_number(text: str, *, decimal_comma: bool, what: str) -> int:
    value = parse_non_negative(text, decimal_comma=decimal_comma, what=what)
    if value != value.to_integral_value():
        raise ValueProblem(f"{text!r} is not a whole number")
    return int(value)


def read_distribution(
    path: str, tariff: Tariff | None, problems: Problems, *, tariff_unreadable: bool = False
) -> list[ProjectionRow]:
    """The projection's rows; every problem of a row is listed (row and column named).
    With ``tariff_unreadable`` (the tariff file has problems of its own), level outcomes
    are not checked against it."""
    rows: list[ProjectionRow] = []
    table = read_csv(path, DISTRIBUTION_COLUMNS, problems)
    if table is None:
        return rows
    comma = table.decimal_comma
    known = ", ".join(str(level) for level in sorted(tariff.levels)) if tariff else ""
    parsers = {
        "service_form": lambda text: parse_service_form(text) if text else _missing(),
        "forlopp": lambda text: _forlopp(text, comma),
        "citizens": lambda text: _whole_number(text, decimal_comma=comma, what="citizens"),
        "monthly_cost_now_low": lambda text: parse_non_negative(
            text, decimal_comma=comma, what="costs"
        ),
        "monthly_cost_now_high": lambda text: parse_non_negative(
            text, decimal_comma=comma, what="costs"
        ),
        "outcome": lambda text: parse_outcome(text) if text else _missing(),
    }
    for number, cells in table.rows:
        values: dict = {}
        for column, parse in parsers.items():
            try:
                values[column] = parse(table.cell(cells, column))
            except (ValueProblem, ProjectionInputError) as error:
                problems.cell(path, number, column, str(error))
        outcome = values.get("outcome")
        if outcome is not None and outcome.kind == OUTCOME_LEVEL:
            problem = None
            if tariff_unreadable:
                pass
            elif tariff is None:
                problem = f"outcome {outcome.code} needs a tariff (--tariff FILE)"
            elif not tariff.prices(outcome.level):
                problem = f"level {outcome.level} is not in the tariff (levels: {known or 'none'})"
            if problem:
                problems.cell(path, number, "outcome", problem)
                values.pop("outcome")
        if len(values) < len(DISTRIBUTION_COLUMNS):
            continue
        try:
            rows.append(ProjectionRow(**values))
        except ProjectionInputError as error:  # the low cost above the high
            problems.row(path, number, str(error))
    return rows


def _missing():
    raise ValueProblem("value is missing")


def _forlopp(text: str, comma: bool) -> int:
    if not text:
        _missing()
    try:
        value = parse_decimal(text, decimal_comma=comma)
    except ValueProblem:
        raise ValueProblem(f"{text!r} is not förlopp 1, 2 or 3") from None
    if value not in FORLOPP_VALUES:
        raise ValueProblem(f"{text!r} is not förlopp 1, 2 or 3")
    return int(value)


def therapist_assumptions(options, problems: Problems) -> TherapistAssumptions | None:
    """H and K together, or --existing-resources: anything else is one problem."""
    hours = options["therapist_hours_per_citizen"]
    cost = options["therapist_hourly_cost"]
    existing = options["existing_resources"]
    if existing and (hours is not None or cost is not None):
        problems.lines.append(
            "error: give either --therapist-hours-per-citizen and --therapist-hourly-cost "
            "or --existing-resources, not both"
        )
        return None
    if existing:
        return TherapistAssumptions(existing_resources=True)
    if hours is None and cost is None:
        problems.lines.append(
            "error: give --therapist-hours-per-citizen H and --therapist-hourly-cost K, "
            "or --existing-resources"
        )
        return None
    if cost is None:
        problems.lines.append(
            "error: --therapist-hours-per-citizen needs --therapist-hourly-cost as well"
        )
        return None
    if hours is None:
        problems.lines.append(
            "error: --therapist-hourly-cost needs --therapist-hours-per-citizen as well"
        )
        return None
    return TherapistAssumptions(hours_per_citizen=hours, hourly_cost=cost)


def projection_table(result: ProjectionResult) -> str:
    assumptions = result.assumptions
    if assumptions["existing_resources"]:
        therapist = "existing resources (no therapist cost)"
    else:
        therapist = (
            f"therapist {assumptions['therapist_hours_per_citizen']} h per citizen × "
            f"{format_kr_price(Decimal(assumptions['therapist_hourly_cost']))}/h = "
            f"{format_kr(Decimal(assumptions['therapist_cost_per_citizen']))} per citizen"
        )
    tariff = assumptions["tariff"]
    tariff_text = (
        ", ".join(
            f"level {level} = {format_kr(Decimal(amount))}/month"
            for level, amount in tariff.items()
        )
        if tariff
        else "none"
    )
    lines = [
        "Projection (breddinförande), yearly net effect",
        f"Assumptions: {therapist}; {assumptions['months_per_year']} months per year",
        f"Tariff: {tariff_text}",
        "",
    ]
    headers = [
        "service form",
        "förlopp",
        "citizens",
        "cost now kr/month",
        "outcome",
        "yearly net",
    ]
    rows = [
        [
            r.row.service_form,
            str(r.row.forlopp),
            group_thousands(r.row.citizens),
            f"{format_kr_amount(r.row.monthly_cost_now_low)}–"
            f"{format_kr_amount(r.row.monthly_cost_now_high)}",
            r.row.outcome.code,
            format_mnkr_range(r.yearly_net_low, r.yearly_net_high),
        ]
        for r in result.rows
    ]
    footer = [
        "total",
        "",
        group_thousands(result.citizens),
        "",
        "",
        format_mnkr_range(result.yearly_net_low, result.yearly_net_high),
    ]
    lines += _grid(headers, rows, footer)
    lines += [
        "",
        *_pairs(
            [
                ("Citizens", group_thousands(result.citizens)),
                (
                    "Yearly net effect",
                    format_mnkr_range(result.yearly_net_low, result.yearly_net_high),
                ),
                (
                    "In kronor",
                    f"{format_kr(result.yearly_net_low)} – {format_kr(result.yearly_net_high)}",
                ),
            ]
        ),
    ]
    return "\n".join(lines)


# --- command ------------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Compute savings from CSV files with the hourly model (saved home-help minutes) or "
        "the level model (tariff levels before and after). Files are UTF-8 (with or without "
        "BOM), comma- or semicolon-separated; semicolon files may use decimal commas. "
        "case_id is kept as text exactly as in the file (stripped of surrounding spaces) and "
        "is always a JSON string. Input problems are listed on stderr, one per line with "
        "row (header = row 1) and column, and the command exits with status 2 without output."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        models = parser.add_subparsers(
            dest="model", required=True, metavar="{hourly,level,projection}"
        )

        hourly = models.add_parser(
            "hourly",
            help="saved minutes per week → hours and kronor",
            description=(
                "Cases CSV columns: case_id, applied_minutes_per_week, "
                "granted_minutes_per_week (one or more rows per case, summed; other "
                "columns are ignored). case_id is kept as text."
            ),
        )
        hourly.add_argument("--cases", required=True, metavar="FILE.csv")
        hourly.add_argument(
            "--hourly-cost",
            type=_amount_argument(minimum_exclusive=False),
            default=HOURLY_COST,
            metavar="KR",
            help="cost of one hour of home help (default: %(default)s)",
        )
        hourly.add_argument(
            "--weeks-per-month",
            type=_amount_argument(minimum_exclusive=True),
            default=WEEKS_PER_MONTH,
            metavar="WEEKS",
            help="weeks per month (default: %(default)s)",
        )
        hourly.add_argument("--format", choices=("json", "table"), default="table")

        level = models.add_parser(
            "level",
            help="tariff level before and after, less the therapist's cost",
            description=(
                "Cases CSV columns: case_id, level_before, level_after, therapist_hours "
                "(one row per case). Tariff CSV columns: level, monthly_compensation_sek. "
                "case_id is kept as text."
            ),
        )
        level.add_argument("--cases", required=True, metavar="FILE.csv")
        level.add_argument("--tariff", required=True, metavar="TARIFF.csv")
        level.add_argument(
            "--therapist-hourly-cost",
            type=_amount_argument(minimum_exclusive=False),
            default=THERAPIST_HOURLY_COST,
            metavar="KR",
            help="therapist cost per hour (default: %(default)s)",
        )
        level.add_argument(
            "--therapist-cost",
            choices=THERAPIST_COST_CHOICES,
            default=LevelAssumptions.therapist_cost,
            help="charge the therapist's cost once (default) or every month",
        )
        level.add_argument(
            "--months",
            type=_months_argument,
            nargs="+",
            default=list(LevelAssumptions.months),
            metavar="N",
            help="month counts to compute the net over (default: 1 6)",
        )
        level.add_argument("--format", choices=("json", "table"), default="table")

        projected = models.add_parser(
            "projection",
            help="yearly net effect of scaling up (breddinförande), low and high",
            description=(
                "Distribution CSV or XLSX columns: service_form (home_help, housing_support, "
                "special_housing, lss_service_housing, or the Swedish name), forlopp (1-3), "
                "citizens, monthly_cost_now_low, monthly_cost_now_high, outcome (independent, "
                "none or level:N). Tariff CSV or XLSX columns: level, monthly_compensation_sek "
                "(needed for level:N). Per row, yearly net = citizens × 12 × (cost now − cost "
                "after) − citizens × H × K, once with the low and once with the high cost now."
            ),
        )
        projected.add_argument("--distribution", required=True, metavar="FILE")
        projected.add_argument("--tariff", metavar="FILE")
        projected.add_argument(
            "--therapist-hours-per-citizen",
            type=_amount_argument(minimum_exclusive=False),
            metavar="H",
            help="therapist hours per citizen (with --therapist-hourly-cost)",
        )
        projected.add_argument(
            "--therapist-hourly-cost",
            type=_amount_argument(minimum_exclusive=False),
            metavar="K",
            help="therapist cost per hour (with --therapist-hours-per-citizen)",
        )
        projected.add_argument(
            "--existing-resources",
            action="store_true",
            help="the therapists work within existing resources: no therapist cost",
        )
        projected.add_argument("--format", choices=("json", "table"), default="table")

    def handle(self, *args, **options):
        problems = Problems()
        warnings: list[str] = []
        if options["model"] == "hourly":
            summary, table = self._hourly(options, problems, warnings)
        elif options["model"] == "projection":
            summary, table = self._projection(options, problems)
        else:
            summary, table = self._level(options, problems)
        if problems:
            for line in problems.lines:
                self.stderr.write(line)
            count = len(problems.lines)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in the input; no output written",
                returncode=INPUT_ERROR_STATUS,
            )
        for line in warnings:
            self.stderr.write(line)
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            self.stdout.write(table)

    def _hourly(self, options, problems: Problems, warnings: list[str]):
        path = options["cases"]
        services, rows_of_case = read_hourly_cases(path, problems)
        if problems:
            return None, None
        result = hourly_model(
            cases_from_services(services),
            HourlyAssumptions(
                hourly_cost=options["hourly_cost"], weeks_per_month=options["weeks_per_month"]
            ),
        )
        for case in result.flagged_cases:
            rows = rows_of_case[case.case_id]
            where = f"row {rows[0]}" if len(rows) == 1 else f"rows {', '.join(map(str, rows))}"
            warnings.append(
                f"warning: {path}, case {case.case_id} ({where}): granted "
                f"{_minutes(case.granted_minutes_per_week)} min/week is above applied "
                f"{_minutes(case.applied_minutes_per_week)} min/week"
            )
        return hourly_summary(result), hourly_table(result)

    def _level(self, options, problems: Problems):
        tariff = read_tariff(options["tariff"], problems)
        cases = read_level_cases(options["cases"], tariff, problems)
        if problems or tariff is None:
            return None, None
        result = level_model(
            cases,
            tariff,
            LevelAssumptions(
                therapist_hourly_cost=options["therapist_hourly_cost"],
                therapist_cost=options["therapist_cost"],
                months=tuple(options["months"]),
            ),
        )
        return level_summary(result), level_table(result)

    def _projection(self, options, problems: Problems):
        therapist = therapist_assumptions(options, problems)
        tariff = read_tariff(options["tariff"], problems) if options["tariff"] else None
        rows = read_distribution(
            options["distribution"],
            tariff,
            problems,
            tariff_unreadable=bool(options["tariff"]) and tariff is None,
        )
        if problems or therapist is None:
            return None, None
        result = projection(rows, tariff, therapist)
        return projection_summary(result), projection_table(result)
