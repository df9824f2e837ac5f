"""Reading a spreadsheet (CSV or XLSX) into a header row and numbered data rows.

Shared by every upload and command that takes a table: it knows files, encodings and
separators, not what the columns mean. Blank rows are skipped but still counted, so a row
number is the one the spreadsheet program shows. Problems are raised as ``SpreadsheetError``
subclasses that carry the facts (an offset, a line number, a limit); the caller words the
message for its users.

``Limits`` bound what a file may cost to read, checked before and while reading, never after
the whole file is in memory: an XLSX workbook's zip members are checked for their unpacked
size and compression ratio before openpyxl opens them (Python's zip reader never unpacks
more than a member declares, so a lying header ends in a bad-file error, not in memory);
the sheet is streamed (``read_only``) with its declared dimension ignored, so a workbook
that claims ``A1:XFD1048576`` costs what its cells cost. Reading stops at the row limit, at
a non-blank cell beyond the column limit and at a cell longer than the cell limit. Blank
rows do not count toward the row limit, but after ``max_blank_run`` blank rows in a row the
rest of the sheet is taken to be empty and is not read.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

# Separators tried for CSV, in order of preference when the header line has as many of each.
CSV_SEPARATORS = (";", ",", "\t")
# Bytes at the start of a text file searched for NUL bytes (UTF-16 without byte order mark).
SNIFF_BYTES = 1024
# What the csv module accepts in one field; a longer field is ``CellTooLong``.
CSV_FIELD_LIMIT = csv.field_size_limit()


@dataclass(frozen=True)
class Limits:
    """The most a file may hold; ``None`` is no limit."""

    max_rows: int | None = None
    max_columns: int | None = None
    max_cell_chars: int | None = None
    max_blank_run: int | None = 1_000
    # XLSX only: the unpacked size of each zip member and of them all, and the ratio of a
    # member's unpacked to packed size (ratios are checked for members above 1 MB unpacked).
    max_member_bytes: int | None = 50 * 1024 * 1024
    max_unpacked_bytes: int | None = 100 * 1024 * 1024
    max_compression_ratio: int | None = 100
    ratio_checked_from: int = field(default=1024 * 1024, repr=False)


NO_LIMITS = Limits(
    max_blank_run=None, max_member_bytes=None, max_unpacked_bytes=None, max_compression_ratio=None
)


class SpreadsheetError(Exception):
    """The content cannot be read as a table."""


class UndecodableText(SpreadsheetError):
    """The CSV text is not in an accepted encoding; ``offset`` is the first bad byte."""

    def __init__(self, offset: int) -> None:
        super().__init__(f"invalid byte at offset {offset}")
        self.offset = offset


class LooksLikeUtf16(UndecodableText):
    """The text has NUL bytes near its start: UTF-16 (or binary) without a byte order mark."""


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


class TooManyColumns(SpreadsheetError):
    """A row has a value beyond column ``limit`` (``row_number`` is the row)."""

    def __init__(self, limit: int, row_number: int) -> None:
        super().__init__(f"a value beyond column {limit} in row {row_number}")
        self.limit = limit
        self.row_number = row_number


class CellTooLong(SpreadsheetError):
    """A cell holds more than ``limit`` characters (``row_number`` is its row, or 0 if the
    reader could not tell)."""

    def __init__(self, limit: int, row_number: int) -> None:
        super().__init__(f"a cell longer than {limit} characters in row {row_number}")
        self.limit = limit
        self.row_number = row_number


class TooLargeUnpacked(SpreadsheetError):
    """An XLSX workbook unpacks to more than ``limit`` bytes, or at a suspicious ratio (a zip
    bomb); nothing of it was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"unpacks to more than {limit} bytes")
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
    byte order mark and otherwise Windows-1252 (Latin-1 as the last resort). NUL bytes near
    the start (UTF-16 without a byte order mark, or no text at all) are ``LooksLikeUtf16``."""
    has_bom = content.startswith((b"\xff\xfe", b"\xfe\xff")) and not utf8_only
    nul = -1 if has_bom else content.find(b"\x00", 0, SNIFF_BYTES)
    if nul >= 0:
        raise LooksLikeUtf16(nul)
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


def _limits(limits: Limits | None, max_rows: int | None) -> Limits:
    limits = limits or Limits()
    if max_rows is not None:
        limits = Limits(**{**limits.__dict__, "max_rows": max_rows})
    return limits


def _within_columns(number: int, values: list, max_columns: int | None) -> list:
    """The row without its blank cells beyond ``max_columns``; a value there is an error."""
    if max_columns is None or len(values) <= max_columns:
        return values
    if not _is_blank(values[max_columns:]):
        raise TooManyColumns(max_columns, number)
    return values[:max_columns]


def _check_cells(number: int, values: list, max_cell_chars: int | None) -> None:
    if max_cell_chars is None:
        return
    for value in values:
        if isinstance(value, str) and len(value) > max_cell_chars:
            raise CellTooLong(max_cell_chars, number)


@dataclass
class StreamedSheet:
    """As ``Sheet``, with the data rows read one at a time while ``rows`` is iterated (a
    problem further down the file is raised then), so a large file never has all its rows
    in memory."""

    header: list[str]
    rows: Iterator[tuple[int, list]]
    header_row: int = 1
    separator: str | None = None


def _table_rows(
    numbered_rows: Iterator[tuple[int, list]], *, limits: Limits
) -> Iterator[tuple[int, list]]:
    """The non-blank rows, the header first, with the limits checked as they are read."""
    seen = 0
    blank_run = 0
    for number, values in numbered_rows:
        _check_cells(number, values, limits.max_cell_chars)
        if _is_blank(values):
            blank_run += 1
            if limits.max_blank_run is not None and blank_run >= limits.max_blank_run:
                return
            continue
        blank_run = 0
        values = _within_columns(number, list(values), limits.max_columns)
        if seen and limits.max_rows is not None and seen > limits.max_rows:
            raise TooManyRows(limits.max_rows)
        seen += 1
        yield number, values


def _stream(
    numbered_rows: Iterator[tuple[int, list]], *, limits: Limits, separator: str | None
) -> StreamedSheet:
    rows = _table_rows(numbered_rows, limits=limits)
    first = next(rows, None)
    if first is None:
        raise EmptySheet
    header_row, values = first
    header = ["" if value is None else str(value).strip() for value in values]
    return StreamedSheet(header=header, rows=rows, header_row=header_row, separator=separator)


def _collect(streamed: StreamedSheet) -> Sheet:
    return Sheet(
        header=streamed.header,
        rows=list(streamed.rows),
        header_row=streamed.header_row,
        separator=streamed.separator,
    )


def _first_line(text: str) -> str:
    end = text.find("\n")
    return (text if end < 0 else text[:end]).rstrip("\r")


# A line with its ending (\r\n, \r or \n), as io.StringIO(newline="") hands them to the
# csv module.
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The text's lines one at a time. (io.StringIO would first copy the whole text into
    a buffer of four bytes a character: 40 MB for a file of 100 000 rows.)"""
    for match in LINE.finditer(text):
        yield match.group()


def _first_non_blank_line(text: str) -> str:
    for line in _lines(text):
        if line.strip():
            return line
    return ""


def read_csv(
    content: bytes,
    *,
    separators: tuple[str, ...] = CSV_SEPARATORS,
    utf8_only: bool = False,
    excel_separator_line: bool = True,
    max_rows: int | None = None,
    limits: Limits | None = None,
) -> Sheet:
    """Read CSV text; the separator is the one of ``separators`` that the first non-blank
    line has most of. With ``excel_separator_line``, a first line such as ``sep=;`` (Excel
    writes one when asked to) names the separator and is not a row of the sheet."""
    return _collect(
        stream_csv(
            content,
            separators=separators,
            utf8_only=utf8_only,
            excel_separator_line=excel_separator_line,
            max_rows=max_rows,
            limits=limits,
        )
    )


def stream_csv(
    content: bytes,
    *,
    separators: tuple[str, ...] = CSV_SEPARATORS,
    utf8_only: bool = False,
    excel_separator_line: bool = True,
    max_rows: int | None = None,
    limits: Limits | None = None,
) -> StreamedSheet:
    """``read_csv`` one row at a time (see ``StreamedSheet``)."""
    limits = _limits(limits, max_rows)
    text = decode_text(content, utf8_only=utf8_only)
    first = _first_line(text).strip()
    if excel_separator_line and first.lower().startswith("sep=") and len(first) == 5:
        separator = first[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        separator = detect_separator(_first_non_blank_line(text), separators)
    reader = csv.reader(_lines(text), delimiter=separator)

    def numbered() -> Iterator[tuple[int, list]]:
        try:
            yield from enumerate(reader, start=1)
        except csv.Error as error:
            if "field limit" in str(error):
                # Longer than the csv module's own limit, so longer than any cell limit.
                raise CellTooLong(
                    limits.max_cell_chars or CSV_FIELD_LIMIT, reader.line_num
                ) from None
            raise NotCsv(reader.line_num, str(error)) from None

    return _stream(numbered(), limits=limits, separator=separator)


def check_zip_members(content: bytes, limits: Limits) -> None:
    """Refuse a workbook whose members unpack to too much, before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotXlsx from None
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if limits.max_member_bytes is not None and size > limits.max_member_bytes:
            raise TooLargeUnpacked(limits.max_member_bytes)
        if limits.max_unpacked_bytes is not None and total > limits.max_unpacked_bytes:
            raise TooLargeUnpacked(limits.max_unpacked_bytes)
        if (
            limits.max_compression_ratio is not None
            and size >= limits.ratio_checked_from
            and size > limits.max_compression_ratio * max(member.compress_size, 1)
        ):
            raise TooLargeUnpacked(limits.max_member_bytes or size)


def read_xlsx(
    content: bytes, *, max_rows: int | None = None, limits: Limits | None = None
) -> Sheet:
    """Read the first worksheet of an Excel workbook, with the cells' values (not formulas)."""
    return _collect(stream_xlsx(content, max_rows=max_rows, limits=limits))


def stream_xlsx(
    content: bytes, *, max_rows: int | None = None, limits: Limits | None = None
) -> StreamedSheet:
    """``read_xlsx`` one row at a time (see ``StreamedSheet``); the workbook is closed when
    the rows have been read or the iteration is given up."""
    limits = _limits(limits, max_rows)
    check_zip_members(content, limits)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise NotXlsx from None

    def numbered() -> Iterator[tuple[int, list]]:
        try:
            if not workbook.worksheets:
                raise EmptySheet
            sheet = workbook.worksheets[0]
            # The declared dimension is the writer's claim, not the cells: ignore it, so
            # rows are as wide as their last cell and no row is padded to a claimed width.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            for number, values in enumerate(rows, start=1):
                yield number, list(values)
        except SpreadsheetError:
            raise
        except GeneratorExit:
            raise
        except Exception:
            raise NotXlsx from None
        finally:
            workbook.close()

    return _stream(numbered(), limits=limits, separator=None)
