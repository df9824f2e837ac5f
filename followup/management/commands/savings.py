"""``manage.py savings hourly|level``: the savings models over CSV files.

All input problems are collected first and written to stderr, one line each, naming the
file, row (the header is row 1) and column; the command then exits with status 2 and writes
nothing to stdout.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from followup.calc import (
    THERAPIST_COST_CHOICES,
    HourlyAssumptions,
    HourlyResult,
    LevelAssumptions,
    LevelCase,
    LevelResult,
    ServiceMinutes,
    Tariff,
    cases_from_services,
    decimal_text,
    format_hours_minutes,
    format_kr,
    group_thousands,
    hourly_model,
    hourly_summary,
    level_model,
    level_summary,
    round_half_away,
    round_kr,
)

INPUT_ERROR_STATUS = 2

HOURLY_COLUMNS = ("case_id", "applied_minutes_per_week", "granted_minutes_per_week")
LEVEL_COLUMNS = ("case_id", "level_before", "level_after", "therapist_hours")
TARIFF_COLUMNS = ("level", "monthly_compensation_sek")

# Spaces that spreadsheets put between thousands ("12 000").
_GROUPING_SPACES = str.maketrans("", "", " \u00a0\u202f")


class ValueProblem(ValueError):
    """A cell that cannot be used; the message completes "row N, column C: …"."""


@dataclass
class CsvTable:
    path: str
    decimal_comma: bool
    columns: dict[str, int]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def cell(self, cells: list[str], column: str) -> str:
        index = self.columns[column]
        return cells[index].strip() if index < len(cells) else ""


class Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def file(self, path: str, message: str) -> None:
        self.lines.append(f"error: {path}: {message}")

    def row(self, path: str, row: int, message: str) -> None:
        self.lines.append(f"error: {path}, row {row}: {message}")

    def cell(self, path: str, row: int, column: str, message: str) -> None:
        self.lines.append(f"error: {path}, row {row}, column {column}: {message}")

    def __bool__(self) -> bool:
        return bool(self.lines)


# --- reading ------------------------------------------------------------------------------


def read_csv(path: str, required: tuple[str, ...], problems: Problems) -> CsvTable | None:
    """Read a comma- or semicolon-separated UTF-8 file (BOM allowed) with a header row."""
    file_path = Path(path)
    try:
        data = file_path.read_bytes()
    except FileNotFoundError:
        problems.file(path, "no such file")
        return None
    except IsADirectoryError:
        problems.file(path, "is a directory, not a CSV file")
        return None
    except OSError as error:
        problems.file(path, f"cannot be read ({error.strerror or error})")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.file(path, f"is not UTF-8 text (invalid byte at offset {error.start})")
        return None

    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not header_line:
        problems.row(path, 1, f"the file is empty; expected a header with {', '.join(required)}")
        return None
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        problems.row(path, reader.line_num, f"not readable as CSV ({error})")
        return None

    # Leading blank lines are skipped; row numbers still count them.
    start = next((i for i, record in enumerate(records) if any(c.strip() for c in record)), None)
    if start is None:
        problems.row(path, 1, f"the file is empty; expected a header with {', '.join(required)}")
        return None
    header_row = start + 1
    columns: dict[str, int] = {}
    for index, name in enumerate(records[start]):
        columns.setdefault(name.strip().lower(), index)
    missing = [name for name in required if name not in columns]
    for name in missing:
        problems.cell(path, header_row, name, "missing column")
    if missing:
        return None

    table = CsvTable(path=path, decimal_comma=delimiter == ";", columns=columns)
    for index in range(start + 1, len(records)):
        cells = records[index]
        if any(cell.strip() for cell in cells):
            table.rows.append((index + 1, cells))
    if not table.rows:
        problems.row(path, header_row, "no data rows after the header")
        return None
    return table


def parse_decimal(text: str, *, decimal_comma: bool) -> Decimal:
    if not text:
        raise ValueProblem("value is missing")
    cleaned = text.translate(_GROUPING_SPACES)
    if decimal_comma:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueProblem(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueProblem(f"{text!r} is not a number")
    return value


def parse_non_negative(text: str, *, decimal_comma: bool, what: str) -> Decimal:
    value = parse_decimal(text, decimal_comma=decimal_comma)
    if value < 0:
        raise ValueProblem(f"negative {what} ({text}) are not allowed")
    return value


def parse_level(text: str, *, decimal_comma: bool) -> int:
    value = parse_decimal(text, decimal_comma=decimal_comma)
    if value != value.to_integral_value():
        raise ValueProblem(f"{text!r} is not a whole-number level")
    return int(value)


def read_hourly_cases(
    path: str, problems: Problems
) -> tuple[list[ServiceMinutes], dict[str, list[int]]]:
    """Service rows of the hourly model and, per case, the row numbers it came from."""
    services: list[ServiceMinutes] = []
    rows_of_case: dict[str, list[int]] = {}
    table = read_csv(path, HOURLY_COLUMNS, problems)
    if table is None:
        return services, rows_of_case
    for row, cells in table.rows:
        values: dict[str, Decimal] = {}
        case_id = table.cell(cells, "case_id")
        if not case_id:
            problems.cell(path, row, "case_id", "value is missing")
        for column in HOURLY_COLUMNS[1:]:
            try:
                values[column] = parse_non_negative(
                    table.cell(cells, column), decimal_comma=table.decimal_comma, what="minutes"
                )
            except ValueProblem as error:
                problems.cell(path, row, column, str(error))
        if case_id and len(values) == 2:
            rows_of_case.setdefault(case_id, []).append(row)
            services.append(
                ServiceMinutes(
                    case_id=case_id,
                    applied_minutes_per_week=values["applied_minutes_per_week"],
                    granted_minutes_per_week=values["granted_minutes_per_week"],
                    service=table.cell(cells, "service") if "service" in table.columns else "",
                )
            )
    return services, rows_of_case


def read_tariff(path: str, problems: Problems) -> Tariff | None:
    table = read_csv(path, TARIFF_COLUMNS, problems)
    if table is None:
        return None
    levels: dict[int, Decimal] = {}
    first_row: dict[int, int] = {}
    ok = True
    for row, cells in table.rows:
        try:
            level = parse_level(table.cell(cells, "level"), decimal_comma=table.decimal_comma)
        except ValueProblem as error:
            problems.cell(path, row, "level", str(error))
            ok = False
            level = None
        try:
            amount = parse_non_negative(
                table.cell(cells, "monthly_compensation_sek"),
                decimal_comma=table.decimal_comma,
                what="amounts",
            )
        except ValueProblem as error:
            problems.cell(path, row, "monthly_compensation_sek", str(error))
            ok = False
            amount = None
        if level is None or amount is None:
            continue
        if level in levels:
            problems.cell(
                path, row, "level", f"level {level} appears again (first at row {first_row[level]})"
            )
            ok = False
            continue
        levels[level] = amount
        first_row[level] = row
    return Tariff(levels) if ok else None


def read_level_cases(path: str, tariff: Tariff | None, problems: Problems) -> list[LevelCase]:
    cases: list[LevelCase] = []
    table = read_csv(path, LEVEL_COLUMNS, problems)
    if table is None:
        return cases
    first_row: dict[str, int] = {}
    known = ", ".join(str(level) for level in sorted(tariff.levels)) if tariff else ""
    for row, cells in table.rows:
        case_id = table.cell(cells, "case_id")
        if not case_id:
            problems.cell(path, row, "case_id", "value is missing")
        elif case_id in first_row:
            problems.cell(
                path,
                row,
                "case_id",
                f"case {case_id} appears again (first at row {first_row[case_id]})",
            )
            case_id = ""
        else:
            first_row[case_id] = row
        levels: dict[str, int] = {}
        for column in ("level_before", "level_after"):
            try:
                level = parse_level(table.cell(cells, column), decimal_comma=table.decimal_comma)
            except ValueProblem as error:
                problems.cell(path, row, column, str(error))
                continue
            if tariff is not None and level not in tariff.levels:
                problems.cell(
                    path, row, column, f"level {level} is not in the tariff (levels: {known})"
                )
                continue
            levels[column] = level
        try:
            hours = parse_non_negative(
                table.cell(cells, "therapist_hours"),
                decimal_comma=table.decimal_comma,
                what="hours",
            )
        except ValueProblem as error:
            problems.cell(path, row, "therapist_hours", str(error))
            hours = None
        if case_id and len(levels) == 2 and hours is not None:
            cases.append(
                LevelCase(
                    case_id=case_id,
                    level_before=levels["level_before"],
                    level_after=levels["level_after"],
                    therapist_hours=hours,
                )
            )
    return cases


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


def _kr(value: Decimal) -> str:
    return group_thousands(round_kr(value))


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
            _kr(case.gross_kr_per_month),
            decimal_text(case.therapist_hours),
            _kr(case.therapist_cost_kr),
            *[_kr(case.net_kr[m]) for m in months],
        ]
        for case in result.cases
    ]
    footer = [
        f"total ({result.citizens} citizens)",
        "",
        "",
        _kr(result.gross_kr_per_month),
        decimal_text(sum((c.therapist_hours for c in result.cases), Decimal(0))),
        _kr(result.therapist_cost_kr),
        *[_kr(result.net_kr[m]) for m in months],
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
            default=HourlyAssumptions.hourly_cost,
            metavar="KR",
            help="cost of one hour of home help (default: %(default)s)",
        )
        hourly.add_argument(
            "--weeks-per-month",
            type=_amount_argument(minimum_exclusive=True),
            default=HourlyAssumptions.weeks_per_month,
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
            default=LevelAssumptions.therapist_hourly_cost,
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
