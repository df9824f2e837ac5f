"""Reading a spreadsheet (CSV or XLSX) into a header row and numbered data rows.

Shared by every upload and command that takes a table: it knows files, encodings and
separators, not what the columns mean. Blank rows are skipped but still counted, so a row
number is the one the spreadsheet program shows. Problems are raised as ``SpreadsheetError``
subclasses that carry the facts (an offset, a line number, a limit); the caller words the
message for its users.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# Separators tried for CSV, in order of preference when the header line has as many of each.
CSV_SEPARATORS = (";", ",", "\t")


class SpreadsheetError(Exception):
    """The content cannot be read as a table."""


class UndecodableText(SpreadsheetError):
    """The CSV text is not in an accepted encoding; ``offset`` is the first bad byte."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"invalid byte at offset {offset}")
        self.offset = offset


class NotCsv(SpreadsheetError):
    """The csv module refused the text at ``line_number`` (``detail`` says why)."""

    def __init__(self, line_number: int, detail: str) -> None:
        super().__init__(detail)
        self.line_number = line_number
        self.detail = detail


class NotXlsx(SpreadsheetError):
    """The content is no readable Excel workbook."""


class EmptySheet(SpreadsheetError):
    """The table has no row with a value in it, so no header either."""


class TooManyRows(SpreadsheetError):
    """The table has more data rows than ``limit``."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} rows")
        self.limit = limit


@dataclass
class Sheet:
    """The first non-blank row as ``header`` (stripped text) and the non-blank rows after
    it as (row number, cell values); ``separator`` is the CSV separator (None for XLSX)."""

    header: list[str]
    rows: list[tuple[int, list]]
    header_row: int = 1
    separator: str | None = None


def decode_text(content: bytes, *, utf8_only: bool = False) -> str:
    """UTF-8 with or without a byte order mark. Unless ``utf8_only``, also UTF-16 with a
    byte order mark and otherwise Windows-1252 (Latin-1 as the last resort)."""
    try:
        if utf8_only:
            return content.decode("utf-8-sig")
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            return content.decode("utf-16")
        if content.startswith(b"\xef\xbb\xbf"):
            return content.decode("utf-8-sig")
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            return content.decode("latin-1")
    except UnicodeDecodeError as error:
        raise UndecodableText(error.start) from None


def detect_separator(first_line: str, separators: Iterable[str] = CSV_SEPARATORS) -> str:
    """The separator that occurs most often in the line; a tie, or none at all, goes to the
    earlier one in ``separators``."""
    return max(separators, key=first_line.count)


def _is_blank(values: Iterable) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _collect(
    numbered_rows: Iterator[tuple[int, list]], *, max_rows: int | None, separator: str | None
) -> Sheet:
    header: list[str] | None = None
    header_row = 1
    rows: list[tuple[int, list]] = []
    for number, values in numbered_rows:
        if _is_blank(values):
            continue
        if header is None:
            header = ["" if value is None else str(value).strip() for value in values]
            header_row = number
            continue
        rows.append((number, list(values)))
        if max_rows is not None and len(rows) > max_rows:
            raise TooManyRows(max_rows)
    if header is None:
        raise EmptySheet
    return Sheet(header=header, rows=rows, header_row=header_row, separator=separator)


def read_csv(
    content: bytes,
    *,
    separators: tuple[str, ...] = CSV_SEPARATORS,
    utf8_only: bool = False,
    excel_separator_line: bool = True,
    max_rows: int | None = None,
) -> Sheet:
    """Read CSV text; the separator is the one of ``separators`` that the first non-blank
    line has most of. With ``excel_separator_line``, a first line such as ``sep=;`` (Excel
    writes one when asked to) names the separator and is not a row of the sheet."""
    text = decode_text(content, utf8_only=utf8_only)
    lines = text.splitlines()
    if (
        excel_separator_line
        and lines
        and lines[0].strip().lower().startswith("sep=")
        and len(lines[0].strip()) == 5
    ):
        separator = lines[0].strip()[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        first = next((line for line in lines if line.strip()), "")
        separator = detect_separator(first, separators)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        return _collect(
            ((number, row) for number, row in enumerate(reader, start=1)),
            max_rows=max_rows,
            separator=separator,
        )
    except csv.Error as error:
        raise NotCsv(reader.line_num, str(error)) from None


def read_xlsx(content: bytes, *, max_rows: int | None = None) -> Sheet:
    """Read the first worksheet of an Excel workbook, with the cells' values (not formulas)."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise NotXlsx from None
    try:
        if not workbook.worksheets:
            raise EmptySheet
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        return _collect(
            ((number, list(values)) for number, values in enumerate(rows, start=1)),
            max_rows=max_rows,
            separator=None,
        )
    except SpreadsheetError:
        raise
    except Exception:
        raise NotXlsx from None
    finally:
        workbook.close()
