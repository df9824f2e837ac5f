"""Reading the savings models' CSV files: cases (hourly or level model) and tariffs.

Shared by the ``savings`` management command and the what-if page. Files are UTF-8 (BOM
allowed), comma- or semicolon-separated with a header row; semicolon files may use decimal
commas. Every input problem is collected (not raised) in a ``Problems`` object, naming the
file, the row (the header is row 1) and the column, so that all of them can be shown at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from followup.calc import NO_LEVEL, LevelCase, ServiceMinutes, Tariff
from rehab import spreadsheets

HOURLY_COLUMNS = ("case_id", "applied_minutes_per_week", "granted_minutes_per_week")
LEVEL_COLUMNS = ("case_id", "level_before", "level_after", "therapist_hours")
TARIFF_COLUMNS = ("level", "monthly_compensation_sek")
# How a file says that a case had no needs level before (taken as level 0).
NO_LEVEL_TEXTS = ("-", "\u2013", "\u2212")

# Spaces that spreadsheets put between thousands ("12 000").
_GROUPING_SPACES = str.maketrans("", "", " \u00a0\u202f")


class ValueProblem(ValueError):
    """A cell that cannot be used; the message completes "row N, column C: …"."""


@dataclass(frozen=True)
class Problem:
    """One input problem: which file, and where in it (row and column when known)."""

    path: str
    message: str
    row: int | None = None
    column: str | None = None


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
    """The problems found, as text lines (``lines``) and as ``Problem`` entries (``items``)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.items: list[Problem] = []

    def file(self, path: str, message: str) -> None:
        self.lines.append(f"error: {path}: {message}")
        self.items.append(Problem(path, message))

    def row(self, path: str, row: int, message: str) -> None:
        self.lines.append(f"error: {path}, row {row}: {message}")
        self.items.append(Problem(path, message, row=row))

    def cell(self, path: str, row: int, column: str, message: str) -> None:
        self.lines.append(f"error: {path}, row {row}, column {column}: {message}")
        self.items.append(Problem(path, message, row=row, column=column))

    def of_file(self, path: str) -> list[Problem]:
        return [item for item in self.items if item.path == path]

    def __bool__(self) -> bool:
        return bool(self.lines)


# --- reading ------------------------------------------------------------------------------


def _read_bytes(path: str, problems: Problems) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        problems.file(path, "no such file")
    except IsADirectoryError:
        problems.file(path, "is a directory, not a CSV file")
    except OSError as error:
        problems.file(path, f"cannot be read ({error.strerror or error})")
    return None


# An XLSX workbook is a zip archive.
XLSX_MAGIC = b"PK\x03\x04"


def _cell_text(value) -> str:
    """An XLSX cell as the text a CSV file would hold (``5400.0`` → ``"5400"``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def _text_cells(sheet: spreadsheets.Sheet) -> spreadsheets.Sheet:
    sheet.rows = [
        (number, [_cell_text(value) for value in values]) for number, values in sheet.rows
    ]
    return sheet


def read_csv(
    path: str, required: tuple[str, ...], problems: Problems, *, data: bytes | None = None
) -> CsvTable | None:
    """Read a comma- or semicolon-separated UTF-8 file (BOM allowed) with a header row, or
    the first sheet of an XLSX workbook (recognised by its content; numbers as text).

    ``data``, when given, is the file's content (an upload) and ``path`` only names it in
    the problems; otherwise the file at ``path`` is read.
    """
    if data is None:
        data = _read_bytes(path, problems)
        if data is None:
            return None
    try:
        if data.startswith(XLSX_MAGIC):
            sheet = _text_cells(spreadsheets.read_xlsx(data))
        else:
            # A tie between the separators goes to the comma: a semicolon must outnumber it.
            sheet = spreadsheets.read_csv(
                data, separators=(",", ";"), utf8_only=True, excel_separator_line=False
            )
    except spreadsheets.NotXlsx:
        problems.file(path, "is not a readable Excel workbook (XLSX)")
        return None
    except spreadsheets.TooLargeUnpacked as error:
        problems.file(path, f"the workbook unpacks to more than {error.limit} bytes")
        return None
    except spreadsheets.UndecodableText as error:
        problems.file(path, f"is not UTF-8 text (invalid byte at offset {error.offset})")
        return None
    except spreadsheets.EmptySheet:
        problems.row(path, 1, f"the file is empty; expected a header with {', '.join(required)}")
        return None
    except spreadsheets.NotCsv as error:
        problems.row(path, error.line_number, f"not readable as CSV ({error.detail})")
        return None

    columns: dict[str, int] = {}
    for index, name in enumerate(sheet.header):
        columns.setdefault(name.lower(), index)
    missing = [name for name in required if name not in columns]
    for name in missing:
        problems.cell(path, sheet.header_row, name, "missing column")
    if missing:
        return None

    table = CsvTable(
        path=path, decimal_comma=sheet.separator == ";", columns=columns, rows=sheet.rows
    )
    if not table.rows:
        problems.row(path, sheet.header_row, "no data rows after the header")
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
    path: str, problems: Problems, *, data: bytes | None = None
) -> tuple[list[ServiceMinutes], dict[str, list[int]]]:
    """Service rows of the hourly model and, per case, the row numbers it came from."""
    services: list[ServiceMinutes] = []
    rows_of_case: dict[str, list[int]] = {}
    table = read_csv(path, HOURLY_COLUMNS, problems, data=data)
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


def read_tariff(path: str, problems: Problems, *, data: bytes | None = None) -> Tariff | None:
    table = read_csv(path, TARIFF_COLUMNS, problems, data=data)
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


def read_level_cases(
    path: str, tariff: Tariff | None, problems: Problems, *, data: bytes | None = None
) -> list[LevelCase]:
    """Cases of the level model; levels the ``tariff`` (when known) does not price are problems."""
    cases: list[LevelCase] = []
    table = read_csv(path, LEVEL_COLUMNS, problems, data=data)
    if table is None:
        return cases
    first_row: dict[str, int] = {}
    known = ""
    if tariff is not None:
        known = ", ".join(str(level) for level in sorted(tariff.levels)) or "none"
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
            text = table.cell(cells, column)
            if column == "level_before" and text in NO_LEVEL_TEXTS:
                # No needs level before the decision: level 0, which costs nothing.
                levels[column] = NO_LEVEL
                continue
            try:
                level = parse_level(text, decimal_comma=table.decimal_comma)
            except ValueProblem as error:
                problems.cell(path, row, column, str(error))
                continue
            if tariff is not None and not tariff.prices(level):
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
