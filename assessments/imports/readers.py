"""Reading the uploaded file into a table: which kind of file it is, and its rows.

The reading itself is ``rehab.spreadsheets``; this module sets the import's limits and
words its problems for the case officer.
"""

from collections.abc import Iterator
from pathlib import PurePath

from django.utils.translation import gettext_lazy as _

from rehab import spreadsheets
from rehab.spreadsheets import Sheet, StreamedSheet

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
LIMITS = spreadsheets.Limits(
    max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, max_cell_chars=MAX_CELL_CHARS
)
CSV_EXTENSIONS = {".csv", ".txt"}
XLSX_EXTENSIONS = {".xlsx"}
ACCEPTED_EXTENSIONS = CSV_EXTENSIONS | XLSX_EXTENSIONS


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def file_kind(name: str) -> str:
    extension = PurePath(name or "").suffix.lower()
    if extension in XLSX_EXTENSIONS:
        return "xlsx"
    if extension in CSV_EXTENSIONS:
        return "csv"
    raise ImportFileError(
        _("Upload a CSV file (.csv) or an Excel workbook (.xlsx), not %(extension)s.")
        % {"extension": extension or _("a file without extension")}
    )


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _file_error(error: spreadsheets.SpreadsheetError) -> ImportFileError:
    """The case officer's wording of a problem the spreadsheet reader found."""
    if isinstance(error, spreadsheets.TooManyRows):
        message = _("The file has more than %(max)s rows. Split it into smaller files.") % {
            "max": _number(MAX_ROWS)
        }
    elif isinstance(error, spreadsheets.TooManyColumns):
        message = _(
            "Row %(row)s has values in more than %(max)s columns. Remove the columns that "
            "are not part of the import format."
        ) % {"row": error.row_number, "max": MAX_COLUMNS}
    elif isinstance(error, spreadsheets.CellTooLong):
        message = _(
            "A cell in row %(row)s holds more than %(max)s characters. No column of the "
            "import takes that much text."
        ) % {"row": error.row_number, "max": _number(MAX_CELL_CHARS)}
    elif isinstance(error, spreadsheets.TooLargeUnpacked):
        message = _(
            "The workbook unpacks to far more than its file size. Open it in Excel, delete "
            "everything outside the table, save it and try again."
        )
    elif isinstance(error, spreadsheets.LooksLikeUtf16):
        message = _("The file seems to be UTF-16; save it as UTF-8 or as Excel.")
    elif isinstance(error, spreadsheets.EmptySheet):
        message = _("The file is empty.")
    elif isinstance(error, spreadsheets.UndecodableText):
        message = _("The file's text encoding could not be read.")
    elif isinstance(error, spreadsheets.NotCsv):
        message = _("The file could not be read as CSV.")
    else:
        message = _("The file could not be read as an Excel workbook (.xlsx).")
    return ImportFileError(message)


def _checked_kind(name: str, content: bytes) -> str:
    """The file's kind ("csv" or "xlsx"), or ``ImportFileError`` for a file too large or a
    workbook named as a CSV file."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(max)s MB. Split it into smaller files.")
            % {"max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    kind = file_kind(name)
    if kind == "csv" and content.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("The file is an Excel workbook: give it the extension .xlsx."))
    return kind


def read_table(*, name: str, content: bytes) -> Sheet:
    """The file's header and rows, or ``ImportFileError`` saying why it cannot be read."""
    kind = _checked_kind(name, content)
    try:
        if kind == "xlsx":
            return spreadsheets.read_xlsx(content, limits=LIMITS)
        # Comma-, semicolon- or tab-separated; UTF-8, UTF-16 with a byte order mark or
        # Windows-1252.
        return spreadsheets.read_csv(content, limits=LIMITS)
    except spreadsheets.SpreadsheetError as error:
        raise _file_error(error) from None


def stream_table(*, name: str, content: bytes) -> StreamedSheet:
    """``read_table`` one row at a time: a problem found further down the file is raised
    as ``ImportFileError`` while the rows are iterated."""
    kind = _checked_kind(name, content)
    try:
        if kind == "xlsx":
            streamed = spreadsheets.stream_xlsx(content, limits=LIMITS)
        else:
            streamed = spreadsheets.stream_csv(content, limits=LIMITS)
    except spreadsheets.SpreadsheetError as error:
        raise _file_error(error) from None
    streamed.rows = _worded(streamed.rows)
    return streamed


def _worded(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    try:
        yield from rows
    except spreadsheets.SpreadsheetError as error:
        raise _file_error(error) from None
