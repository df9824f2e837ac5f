"""What checking a file found: each row's values or errors, and the file's problems.

``ImportReport`` is the check made in the web request; ``CheckSummary`` is what a check made
by a worker (a large file) keeps for the page: the same counts and messages, no row values.
"""

from dataclasses import dataclass, field
from uuid import UUID

from .. import services

# The row numbers of already imported rows the page lists.
DUPLICATES_SHOWN = 200


@dataclass
class RowData:
    personal_number: str
    citizen_fields: dict
    application_fields: dict
    services: list[services.ServiceRequest]


@dataclass
class RowResult:
    row_number: int
    errors: list[tuple[str, str]] = field(default_factory=list)
    data: RowData | None = None
    import_key: str = ""
    already_imported: bool = False
    duplicate_of_row: int | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def is_duplicate(self) -> bool:
        return self.already_imported or self.duplicate_of_row is not None


class RowErrors:
    """What every import report says about its ``rows`` (each with ``row_number``,
    ``errors`` as (column, message) and ``is_valid``)."""

    rows: list

    @property
    def invalid_rows(self) -> list:
        return [row for row in self.rows if not row.is_valid]

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        """(row number, column, message) for every error, in file order."""
        return [
            (row.row_number, column, message) for row in self.rows for column, message in row.errors
        ]


@dataclass
class CheckSummary:
    """A check kept by a worker (``ImportReport.summary``), read back for the page."""

    row_count: int = 0
    importable_count: int = 0
    invalid_count: int = 0
    duplicate_count: int = 0
    duplicate_row_numbers: list[int] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0
    # The worker logged the reads its messages make; the page has nothing left to log.
    revealed_citizen_refs: list[UUID] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict) -> "CheckSummary":
        return cls(
            row_count=int(data.get("row_count", 0)),
            importable_count=int(data.get("importable_count", 0)),
            invalid_count=int(data.get("invalid_count", 0)),
            duplicate_count=int(data.get("duplicate_count", 0)),
            duplicate_row_numbers=[int(n) for n in data.get("duplicate_row_numbers", [])],
            file_errors=list(data.get("file_errors", [])),
            unknown_columns=list(data.get("unknown_columns", [])),
            errors=[(int(row), column, message) for row, column, message in data.get("errors", [])],
            error_count=int(data.get("error_count", 0)),
        )


@dataclass
class ImportReport(RowErrors):
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    # Registered citizens the row errors reveal (another team's, or under another name).
    revealed_citizen_refs: list[UUID] = field(default_factory=list)

    @property
    def duplicate_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.is_valid and row.is_duplicate]

    @property
    def importable_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.is_valid and not row.is_duplicate]

    # The counts the import page shows, the same for a check kept by a worker.
    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def importable_count(self) -> int:
        return len(self.importable_rows)

    @property
    def invalid_count(self) -> int:
        return len(self.invalid_rows)

    @property
    def duplicate_count(self) -> int:
        return len(self.duplicate_rows)

    @property
    def error_count(self) -> int:
        return sum(len(row.errors) for row in self.rows)

    @property
    def duplicate_row_numbers(self) -> list[int]:
        return [row.row_number for row in self.duplicate_rows[:DUPLICATES_SHOWN]]

    def summary(self, *, max_errors: int) -> dict:
        """What the page shows of this check, as JSON (messages as text in the active
        language), for a check made by a worker."""
        return _summary(self, self.errors[:max_errors])


@dataclass
class ReportTally:
    """What ``ImportReport.summary`` keeps of a check, added up a batch of rows at a time,
    so a large file's check keeps its counts and first messages, not its rows."""

    max_errors: int
    row_count: int = 0
    importable_count: int = 0
    invalid_count: int = 0
    duplicate_count: int = 0
    duplicate_row_numbers: list[int] = field(default_factory=list)
    file_errors: list = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0

    def add(self, rows: list[RowResult]) -> None:
        for row in rows:
            self.row_count += 1
            if not row.is_valid:
                self.invalid_count += 1
                self.error_count += len(row.errors)
                room = self.max_errors - len(self.errors)
                self.errors.extend(
                    (row.row_number, column, message) for column, message in row.errors[:room]
                )
            elif row.is_duplicate:
                self.duplicate_count += 1
                if len(self.duplicate_row_numbers) < DUPLICATES_SHOWN:
                    self.duplicate_row_numbers.append(row.row_number)
            else:
                self.importable_count += 1

    def summary(self) -> dict:
        """As ``ImportReport.summary``."""
        return _summary(self, self.errors)


def _summary(check, errors) -> dict:
    """The JSON a check job keeps for the page: ``check``'s counts and ``errors``
    (row, column, message), with messages as text in the active language."""
    return {
        "row_count": check.row_count,
        "importable_count": check.importable_count,
        "invalid_count": check.invalid_count,
        "duplicate_count": check.duplicate_count,
        "duplicate_row_numbers": check.duplicate_row_numbers,
        "file_errors": [str(message) for message in check.file_errors],
        "unknown_columns": [str(name) for name in check.unknown_columns],
        "errors": [[row, str(column), str(message)] for row, column, message in errors],
        "error_count": check.error_count,
    }
