"""Checking a whole file without saving anything: ``parse_file`` reads the table, maps the
header to the documented columns and validates every row into an ``ImportReport``."""

import datetime
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.spreadsheets import Sheet, StreamedSheet

from .. import services
from ..identity import parse_identity_number
from ..models import Application, Citizen, HomeCareArea, ServiceType
from .columns import (
    APPLICATION_FIELD_COLUMNS,
    CITIZEN_FIELD_COLUMNS,
    COLUMNS,
    REQUIRED_COLUMNS,
    CellError,
    as_bool,
    as_date,
    as_minutes,
    as_text,
    fold,
    map_header,
    normalise_postal_code,
    read_channel,
    read_kind,
    service_columns,
)
from .readers import ImportFileError, read_table
from .report import ImportReport, RowData, RowResult
from .saving import check_existing_citizens, existing_import_keys, import_key_for


def _map_header(header: list[str], catalogue: list[ServiceType]) -> tuple[dict, list, list]:
    """Column name → index; unknown headers; file-level problems."""
    found = map_header(header, COLUMNS + service_columns(catalogue))
    positions, unknown = found.positions, found.unknown
    problems = [
        _("The column %(column)s appears twice in the header row.") % {"column": name}
        for name in found.repeated
    ]
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        problems.append(
            _(
                "The header row (row 1) lacks the required columns: %(missing)s. "
                "The columns are described on this page and in the import format document."
            )
            % {"missing": ", ".join(missing)}
        )
    if not any(service.code in positions for service in catalogue):
        problems.append(
            _("The header row (row 1) has no service column (e.g. %(example)s).")
            % {"example": ", ".join(service.code for service in catalogue[:3])}
        )
    return positions, unknown, problems


def _model_errors(model, field_columns: dict[str, str], values: dict) -> list[tuple[str, str]]:
    """The model's own field validation (lengths, choices) for the fields that were read:
    what ``clean_fields`` runs, field by field, without making an instance for each row."""
    errors = []
    for name, value in values.items():
        try:
            model._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            errors.extend((field_columns[name], message) for message in error.messages)
    return errors


def _team_areas(team_id: int | None) -> dict[str, HomeCareArea]:
    """The team's home-care areas by their folded name, for the hemtjanstomrade column."""
    areas = HomeCareArea.objects.filter(team_id=team_id, active=True) if team_id else []
    return {fold(area.name): area for area in areas}


def _read_area(value, areas: dict[str, HomeCareArea]) -> HomeCareArea | None:
    name = as_text(value)
    if not name:
        return None
    area = areas.get(fold(name))
    if area is None:
        raise CellError(
            _("The team has no home-care area called %(name)s; its areas are: %(areas)s.")
            % {
                "name": name,
                "areas": ", ".join(sorted(a.name for a in areas.values())) or _("none"),
            }
        )
    return area


def _validate_row(
    number: int,
    cells: dict[str, object],
    catalogue: list[ServiceType],
    areas: dict[str, HomeCareArea] | None = None,
    today: datetime.date | None = None,
) -> RowResult:
    result = RowResult(row_number=number)
    errors = result.errors
    today = today or timezone.localdate()

    def read(column: str, parse, *, required: bool = False):
        value = cells.get(column)
        if required and not as_text(value):
            errors.append((column, _("This column must be filled in.")))
            return None
        try:
            return parse(value)
        except CellError as error:
            errors.append((column, error.message))
            return None

    identity = None
    raw_number = as_text(cells.get("personnummer"))
    if not raw_number:
        errors.append(("personnummer", _("This column must be filled in.")))
    else:
        try:
            identity = parse_identity_number(raw_number)
        except ValidationError as error:
            errors.extend(("personnummer", message) for message in error.messages)

    citizen_fields = {
        "first_name": read("fornamn", as_text, required=True),
        "last_name": read("efternamn", as_text, required=True),
        "street_address": read("adress", as_text),
        "postal_code": read("postnummer", normalise_postal_code),
        "city": read("ort", as_text),
        "phone": read("telefon", as_text),
        "lives_alone": read("ensamboende", as_bool),
        "home_care_area": read("hemtjanstomrade", lambda value: _read_area(value, areas or {})),
    }
    received_on = read("inkom", as_date, required=True)
    if received_on and received_on > today:
        errors.append(("inkom", _("The date received is in the future.")))
    application_fields = {
        "received_on": received_on,
        "kind": read("arendetyp", read_kind),
        "channel": read("kanal", read_channel, required=True),
        "after_inpatient_stay": read("efter_slutenvard", as_bool),
        "existing_services": read("befintliga_insatser", as_text),
    }
    if application_fields["existing_services"]:
        limit = Application._meta.get_field("existing_services").max_length
        try:
            MaxLengthValidator(limit)(application_fields["existing_services"])
        except ValidationError as error:
            errors.extend(("befintliga_insatser", message) for message in error.messages)

    requests = []
    for service in catalogue:
        if service.code not in cells:
            continue
        if service.has_minutes:
            minutes = read(service.code, as_minutes)
            if minutes:
                requests.append(services.ServiceRequest(service=service, minutes_per_week=minutes))
        elif read(service.code, as_bool):
            requests.append(services.ServiceRequest(service=service, minutes_per_week=None))
    service_errors = any(column in {s.code for s in catalogue} for column, _m in errors)
    if not requests and not service_errors:
        errors.append(
            ("", _("The row applies for no service: fill in at least one service column."))
        )

    citizen_values = {k: v for k, v in citizen_fields.items() if v is not None}
    errors.extend(
        _model_errors(
            Citizen,
            CITIZEN_FIELD_COLUMNS,
            {k: v for k, v in citizen_values.items() if k in CITIZEN_FIELD_COLUMNS},
        )
    )
    application_values = {k: v for k, v in application_fields.items() if v is not None}
    errors.extend(
        _model_errors(
            Application,
            APPLICATION_FIELD_COLUMNS,
            {k: v for k, v in application_values.items() if k in APPLICATION_FIELD_COLUMNS},
        )
    )

    if not errors and identity is not None:
        result.data = RowData(
            personal_number=identity.normalised,
            citizen_fields=citizen_fields,
            application_fields=application_fields,
            services=requests,
        )
        result.import_key = import_key_for(
            identity.normalised, received_on, application_fields["kind"]
        )
    return result


# Rows checked together: their registered citizens and import keys are looked up at once.
CHECK_BATCH_ROWS = 1000


@dataclass
class CheckedBatch:
    rows: list[RowResult]
    # Registered citizens the batch's row errors reveal (see ``check_existing_citizens``).
    revealed_citizen_refs: list[uuid.UUID]


def check_table(
    table: Sheet | StreamedSheet, *, team_id: int | None = None, batch_rows: int = CHECK_BATCH_ROWS
) -> tuple[ImportReport, Iterator[CheckedBatch]]:
    """The file-level findings (a report without rows) and the rows, checked a batch at a
    time as the table is read, so a streamed table is checked in constant memory. A row
    is compared with the rows before it in the file (the same case twice, one number
    under two names) and with the database (registered citizens, imported cases)."""
    catalogue = list(ServiceType.objects.filter(active=True).order_by("sort_order", "name"))
    positions, unknown, problems = _map_header(table.header, catalogue)
    report = ImportReport(unknown_columns=unknown, file_errors=problems)
    if problems:
        return report, iter(())
    return report, _checked_batches(table, positions, catalogue, team_id, batch_rows)


def _checked_batches(
    table: Sheet | StreamedSheet,
    positions: dict[str, int],
    catalogue: list[ServiceType],
    team_id: int | None,
    batch_rows: int,
) -> Iterator[CheckedBatch]:
    areas = _team_areas(team_id)
    today = timezone.localdate()
    first_row_of_key: dict[str, int] = {}
    # personnummer → (first row, its name folded): one number is one person in the file.
    first_row_of_number: dict[str, tuple[int, tuple[str, str]]] = {}
    batch: list[RowResult] = []
    for number, values in table.rows:
        cells = {
            name: values[index] if index < len(values) else None
            for name, index in positions.items()
        }
        row = _validate_row(number, cells, catalogue, areas, today)
        if row.is_valid:
            fields = row.data.citizen_fields
            name = (fold(fields["first_name"]), fold(fields["last_name"]))
            first = first_row_of_number.setdefault(row.data.personal_number, (number, name))
            if first[1] != name:
                row.errors.append(
                    (
                        "personnummer",
                        _(
                            "The personnummer is also on row %(row)s, under another name; "
                            "check the number or the name."
                        )
                        % {"row": first[0]},
                    )
                )
        if row.is_valid:
            if row.import_key in first_row_of_key:
                row.duplicate_of_row = first_row_of_key[row.import_key]
            else:
                first_row_of_key[row.import_key] = number
        batch.append(row)
        if len(batch) >= batch_rows:
            yield _against_database(batch, team_id)
            batch = []
    if batch:
        yield _against_database(batch, team_id)


def _against_database(rows: list[RowResult], team_id: int | None) -> CheckedBatch:
    revealed = check_existing_citizens(rows, team_id)
    already = existing_import_keys(row.import_key for row in rows if row.is_valid)
    for row in rows:
        if row.is_valid and row.duplicate_of_row is None and row.import_key in already:
            row.already_imported = True
    return CheckedBatch(rows=rows, revealed_citizen_refs=revealed)


def build_report(table: Sheet, *, team_id: int | None = None) -> ImportReport:
    report, batches = check_table(table, team_id=team_id)
    for batch in batches:
        report.rows.extend(batch.rows)
        report.revealed_citizen_refs.extend(batch.revealed_citizen_refs)
    return report


def parse_file(*, name: str, content: bytes, team_id: int | None = None) -> ImportReport:
    """Read and check the whole file; nothing is saved."""
    try:
        table = read_table(name=name, content=content)
    except ImportFileError as error:
        return ImportReport(file_errors=[error.message])
    return build_report(table, team_id=team_id)
