"""``manage.py savings hourly|level``: the savings models over CSV files.

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
    HOURLY_COST,
    THERAPIST_COST_CHOICES,
    THERAPIST_HOURLY_COST,
    WEEKS_PER_MONTH,
    HourlyAssumptions,
    HourlyResult,
    LevelAssumptions,
    LevelResult,
    cases_from_services,
    decimal_text,
    format_hours_minutes,
    format_kr,
    format_kr_amount,
    group_thousands,
    hourly_model,
    hourly_summary,
    level_model,
    level_summary,
    round_half_away,
)
from followup.savings_csv import (
    Problems,
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
        models = parser.add_subparsers(dest="model", required=True, metavar="{hourly,level}")

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

    def handle(self, *args, **options):
        problems = Problems()
        warnings: list[str] = []
        if options["model"] == "hourly":
            summary, table = self._hourly(options, problems, warnings)
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
