"""Importing performed minutes from a home-care provider's monthly export (CSV or XLSX).

One row per citizen, service and month: ``personnummer``, ``insats`` (a service of the
catalogue, by name or code), ``månad`` (``YYYY-MM``) and ``utförda minuter`` (the minutes
performed in that month). The rules are the intake import's (``assessments.imports``), and
so are the reader, its limits and the header matching: ``check_file`` reads and checks the
whole file and saves nothing (the dry run); ``import_performed`` saves a checked report in
one transaction, and only when no row has an error. A citizen, service and month that is
already stored is replaced, never doubled, so the same file imported twice changes nothing;
the report counts the rows that are new, changed and unchanged.

A row is only accepted for a citizen registered in the importing user's team. A number that
is unknown and one registered in another team get the same error, so the report does not
tell whether a number exists elsewhere.
"""

import datetime
import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.identity import parse_identity_number
from assessments.imports.columns import (
    SERVICE_ALIASES,
    CellError,
    Column,
    as_text,
    fold,
    map_header,
)
from assessments.imports.readers import ImportFileError, read_table
from assessments.imports.report import RowErrors
from assessments.imports.saving import QUERY_CHUNK
from assessments.models import Citizen, ServiceType
from rehab.models import User

from .models import PerformedMinutes

MAX_MINUTES_PER_MONTH = 31 * 24 * 60
MONTH = "månad"
MINUTES = "utförda minuter"

COLUMNS = [
    Column(
        "personnummer",
        True,
        _("Personal identity number or coordination number"),
        _("YYYYMMDD-NNNN or YYMMDD-NNNN, with or without the hyphen"),
        ("personal_number", "personal_identity_number", "samordningsnummer"),
    ),
    Column(
        "insats",
        True,
        _("Service"),
        _("The service's name or code in the service catalogue, e.g. Dusch or dusch"),
        ("service",),
    ),
    Column("månad", True, _("Month"), _("YYYY-MM, e.g. 2026-03"), ("month",)),
    Column(
        "utförda minuter",
        True,
        _("Minutes performed in the month"),
        _("A whole number, 0 or more"),
        ("performed_minutes", "minuter", "minutes"),
    ),
]


@dataclass
class PerformedRow:
    row_number: int
    errors: list[tuple[str, str]] = field(default_factory=list)
    personal_number: str = ""
    service: ServiceType | None = None
    month: datetime.date | None = None
    minutes: int | None = None
    citizen_id: int | None = None
    citizen_ref: uuid.UUID | None = None
    # new, changed or unchanged, against what is stored when the file is checked.
    outcome: str = ""

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def key(self) -> tuple:
        return (self.citizen_id, self.service.pk if self.service else None, self.month)


NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


@dataclass
class PerformedReport(RowErrors):
    rows: list[PerformedRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    def _count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.is_valid and row.outcome == outcome)

    @property
    def new(self) -> int:
        return self._count(NEW)

    @property
    def changed(self) -> int:
        return self._count(CHANGED)

    @property
    def unchanged(self) -> int:
        return self._count(UNCHANGED)

    @property
    def can_be_saved(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.invalid_rows

    @property
    def citizen_refs(self) -> list[uuid.UUID]:
        """The team's citizens the file's rows were matched to (the check reads them)."""
        return list(dict.fromkeys(row.citizen_ref for row in self.rows if row.citizen_ref))


@dataclass
class PerformedResult:
    new: int
    changed: int
    unchanged: int
    saved_citizen_refs: list[uuid.UUID]


# --- cells -------------------------------------------------------------------------------------


def as_month(value) -> datetime.date:
    """A month as its first day: ``2026-03`` (also ``2026-3``), or a date cell of a workbook
    (Excel turns a typed ``2026-03`` into the first of March)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    match = re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{1,2})", as_text(value))
    if match and 1 <= int(match[2]) <= 12:
        return datetime.date(int(match[1]), int(match[2]), 1)
    raise CellError(_("Write the month as YYYY-MM, e.g. 2026-03."))


def as_performed_minutes(value) -> int:
    text = as_text(value).replace(" ", "").replace("\u00a0", "")
    if isinstance(value, bool) or not re.fullmatch(r"-?\d+(\.0+)?", text):
        raise CellError(_("Write the minutes performed as a whole number, e.g. 480."))
    minutes = int(float(text))
    if minutes < 0:
        raise CellError(_("The minutes performed cannot be negative."))
    if minutes > MAX_MINUTES_PER_MONTH:
        raise CellError(
            _("A month has at most %(max)s minutes; check the number.")
            % {"max": MAX_MINUTES_PER_MONTH}
        )
    return minutes


def _service_names(catalogue: list[ServiceType]) -> dict[str, ServiceType]:
    """Every folded code, name and English alias of the catalogue's services."""
    names: dict[str, ServiceType] = {}
    for service in catalogue:
        for name in (service.code, service.name, *SERVICE_ALIASES.get(service.code, ())):
            names.setdefault(fold(name), service)
    return names


# --- the check (dry run) ---------------------------------------------------------------------


def _validate_row(number: int, cells: dict, services: dict[str, ServiceType]) -> PerformedRow:
    row = PerformedRow(row_number=number)
    this_month = timezone.localdate().replace(day=1)

    def read(column: str, parse):
        value = cells.get(column)
        if not as_text(value):
            row.errors.append((column, _("This column must be filled in.")))
            return None
        try:
            return parse(value)
        except CellError as error:
            row.errors.append((column, error.message))
            return None

    raw_number = as_text(cells.get("personnummer"))
    if not raw_number:
        row.errors.append(("personnummer", _("This column must be filled in.")))
    else:
        try:
            row.personal_number = parse_identity_number(raw_number).normalised
        except ValidationError as error:
            row.errors.extend(("personnummer", message) for message in error.messages)
    service_text = as_text(cells.get("insats"))
    if not service_text:
        row.errors.append(("insats", _("This column must be filled in.")))
    else:
        row.service = services.get(fold(service_text))
        if row.service is None:
            row.errors.append(
                (
                    "insats",
                    _("Unknown service “%(value)s”: write a service of the catalogue.")
                    % {"value": service_text[:40]},
                )
            )
        elif not row.service.has_minutes:
            row.errors.append(
                (
                    "insats",
                    _("%(service)s is granted without minutes, so it has no performed minutes.")
                    % {"service": row.service.name},
                )
            )
    row.month = read(MONTH, as_month)
    if row.month is not None and row.month > this_month:
        row.errors.append((MONTH, _("The month has not begun yet.")))
    row.minutes = read(MINUTES, as_performed_minutes)
    return row


def _match_citizens(rows: list[PerformedRow], team_id: int | None) -> None:
    """Each row's citizen, among the team's only; an unknown number and another team's get
    the same error."""
    numbers = sorted({row.personal_number for row in rows if row.personal_number})
    citizens: dict[str, tuple[int, uuid.UUID]] = {}
    if team_id is not None:
        for start in range(0, len(numbers), QUERY_CHUNK):
            citizens.update(
                (number, (pk, ref))
                for number, pk, ref in Citizen.objects.filter(
                    team_id=team_id, personal_number__in=numbers[start : start + QUERY_CHUNK]
                ).values_list("personal_number", "pk", "public_id")
            )
    for row in rows:
        if not row.personal_number:
            continue
        found = citizens.get(row.personal_number)
        if found is None:
            row.errors.append(
                (
                    "personnummer",
                    _(
                        "No citizen in your team has this number. Rows are imported only for "
                        "the team's own citizens."
                    ),
                )
            )
            continue
        row.citizen_id, row.citizen_ref = found


def _stored(rows: list[PerformedRow], *, lock: bool = False) -> dict[tuple, PerformedMinutes]:
    """What is stored for the rows' citizens in the rows' months, by (citizen, service,
    month); ``lock`` holds those rows until the transaction ends."""
    citizen_ids = sorted({row.citizen_id for row in rows if row.citizen_id is not None})
    months = sorted({row.month for row in rows if row.month is not None})
    stored: dict[tuple, PerformedMinutes] = {}
    if not months:
        return stored
    for start in range(0, len(citizen_ids), QUERY_CHUNK):
        found = PerformedMinutes.objects.filter(
            citizen_id__in=citizen_ids[start : start + QUERY_CHUNK],
            month__gte=months[0],
            month__lte=months[-1],
        ).order_by("pk")
        if lock:
            found = found.select_for_update()
        stored.update(((row.citizen_id, row.service_id, row.month), row) for row in found)
    return stored


def _set_outcomes(rows: list[PerformedRow], stored: dict[tuple, PerformedMinutes]) -> None:
    for row in rows:
        if row.is_valid:
            before = stored.get(row.key)
            if before is None:
                row.outcome = NEW
            else:
                row.outcome = UNCHANGED if before.minutes == row.minutes else CHANGED


def check_file(*, name: str, content: bytes, team_id: int | None) -> PerformedReport:
    """Read and check the whole file against what is stored; nothing is saved."""
    try:
        table = read_table(name=name, content=content)
    except ImportFileError as error:
        return PerformedReport(file_errors=[error.message])
    header = map_header(table.header, COLUMNS)
    report = PerformedReport(unknown_columns=header.unknown)
    report.file_errors = [
        _("The column %(column)s appears twice in the header row.") % {"column": name}
        for name in header.repeated
    ]
    if header.missing:
        report.file_errors.append(
            _(
                "The header row (row 1) lacks the required columns: %(missing)s. "
                "The columns are described on this page."
            )
            % {"missing": ", ".join(header.missing)}
        )
    if report.file_errors:
        return report
    services = _service_names(list(ServiceType.objects.order_by("sort_order", "name")))
    report.rows = [
        _validate_row(number, header.cells(values), services) for number, values in table.rows
    ]
    _match_citizens(report.rows, team_id)
    first_row: dict[tuple, int] = {}
    for row in report.rows:
        if row.is_valid:
            first = first_row.setdefault(row.key, row.row_number)
            if first != row.row_number:
                row.errors.append(
                    (
                        "",
                        _(
                            "Row %(row)s has the same citizen, service and month; each may "
                            "appear once in a file."
                        )
                        % {"row": first},
                    )
                )
    _set_outcomes(report.rows, _stored(report.rows))
    return report


# --- saving ------------------------------------------------------------------------------------


@transaction.atomic
def import_performed(*, report: PerformedReport, actor: User, source_file: str) -> PerformedResult:
    """Save a checked report, all or nothing: new rows are added, changed ones replaced.

    Raises ``ValidationError`` when the report has any error (nothing is saved). The stored
    rows are compared again under a lock, so the counts are those of this save even when
    somebody imported the same months a moment earlier."""
    if not report.can_be_saved:
        raise ValidationError(
            _("Nothing was saved: the file has errors. Correct them and check the file again.")
        )
    rows = report.rows
    stored_rows = _stored(rows, lock=True)
    now = timezone.now()
    source_file = source_file[:200]
    _set_outcomes(rows, stored_rows)
    created, changed = [], []
    for row in rows:
        if row.outcome == NEW:
            created.append(
                PerformedMinutes(
                    citizen_id=row.citizen_id,
                    service=row.service,
                    month=row.month,
                    minutes=row.minutes,
                    imported_at=now,
                    imported_by=actor,
                    source_file=source_file,
                )
            )
        elif row.outcome == CHANGED:
            existing = stored_rows[row.key]
            existing.minutes = row.minutes
            existing.imported_at = now
            existing.imported_by = actor
            existing.source_file = source_file
            changed.append(existing)
    PerformedMinutes.objects.bulk_create(created, batch_size=QUERY_CHUNK)
    PerformedMinutes.objects.bulk_update(
        changed, ["minutes", "imported_at", "imported_by", "source_file"], batch_size=QUERY_CHUNK
    )
    saved = {row.citizen_ref for row in rows if row.outcome in (NEW, CHANGED)}
    return PerformedResult(
        new=len(created),
        changed=len(changed),
        unchanged=len(rows) - len(created) - len(changed),
        saved_citizen_refs=[ref for ref in report.citizen_refs if ref in saved],
    )


@transaction.atomic
def performed_minutes_save(
    *,
    citizen: Citizen,
    service: ServiceType,
    month: datetime.date,
    minutes: int,
    actor: User,
    source_file: str = "",
) -> PerformedMinutes:
    """One citizen's performed minutes of one service and month, replacing what is stored
    (the import's rule for one row)."""
    if not service.has_minutes:
        raise ValidationError(
            _("%(service)s is granted without minutes, so it has no performed minutes.")
            % {"service": service.name}
        )
    row, _created = PerformedMinutes.objects.update_or_create(
        citizen=citizen,
        service=service,
        month=month.replace(day=1),
        defaults={
            "minutes": minutes,
            "imported_at": timezone.now(),
            "imported_by": actor,
            "source_file": source_file[:200],
        },
    )
    return row
