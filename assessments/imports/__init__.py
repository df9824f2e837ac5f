"""Importing existing cases from a municipality's spreadsheet (CSV or XLSX).

``parse_file`` reads and validates every row without writing anything and returns a
report; ``import_rows`` saves the report's rows, built and validated by the same services
as the user interface, in one transaction. The rooms: ``readers`` (the file into a table,
or a stream of rows), ``columns`` (the documented columns and cell values), ``validation``
(the rows into a report, or checked a batch at a time by ``check_table`` for the background
jobs), ``saving`` (import keys and the transaction) and ``storage`` (the upload kept
between the check and the save). The names below are the import's interface for the views,
the cleanup task and the tests.
"""

from .columns import Column, documented_columns
from .readers import (
    LIMITS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportFileError,
    file_kind,
)
from .report import CheckSummary, ImportReport, RowResult
from .saving import ImportResult, ImportRowError, import_rows
from .storage import UPLOAD_FOLDER, delete_stale_uploads, is_stored_upload_name, store_upload
from .validation import build_report, parse_file

__all__ = [
    "LIMITS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "UPLOAD_FOLDER",
    "CheckSummary",
    "Column",
    "ImportFileError",
    "ImportReport",
    "ImportResult",
    "ImportRowError",
    "RowResult",
    "build_report",
    "delete_stale_uploads",
    "documented_columns",
    "file_kind",
    "import_rows",
    "is_stored_upload_name",
    "parse_file",
    "store_upload",
]
