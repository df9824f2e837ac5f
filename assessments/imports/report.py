"""What checking a file found: each row's values or errors, and the file's problems."""

from dataclasses import dataclass, field
from uuid import UUID

from .. import services


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
