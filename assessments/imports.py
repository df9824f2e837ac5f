"""Importing existing cases from a municipality's spreadsheet (CSV or XLSX).

``parse_file`` reads and validates every row without writing anything and returns a
report; ``import_rows`` saves the report's rows through the same services as the user
interface, in one transaction. Each row carries an import key derived from the citizen,
the date received and the kind of case, so importing the same file twice creates nothing
new. The column format is documented in ``docs/import-format.md``.
"""

import csv
import datetime
import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from rehab.formats.input_formats import DATE_INPUT_FORMATS
from rehab.models import User

from . import services
from .identity import parse_identity_number
from .models import Application, Citizen, ServiceType

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MINUTES_PER_WEEK = 7 * 24 * 60
CSV_EXTENSIONS = {".csv", ".txt"}
XLSX_EXTENSIONS = {".xlsx"}
ACCEPTED_EXTENSIONS = CSV_EXTENSIONS | XLSX_EXTENSIONS
UPLOAD_FOLDER = "imports"
IMPORT_KEY_PREFIX = "imp1:"
QUERY_CHUNK = 500


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ImportRowError(ValidationError):
    """A service refused a row while saving; nothing of the import was kept."""

    def __init__(self, row_number: int, error: ValidationError):
        super().__init__(error)
        self.row_number = row_number


# --- The documented columns -------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    accepted: str
    aliases: tuple[str, ...] = ()


YES_NO = _("ja or nej (also 1 or 0); empty means nej")

COLUMNS = [
    Column(
        "personnummer",
        True,
        _("Personal identity number or coordination number"),
        _("YYYYMMDD-NNNN or YYMMDD-NNNN, with or without the hyphen"),
        ("personal_number", "personal_identity_number", "samordningsnummer"),
    ),
    Column("fornamn", True, _("First name"), _("Text"), ("first_name",)),
    Column("efternamn", True, _("Last name"), _("Text"), ("last_name",)),
    Column("adress", False, _("Street address"), _("Text"), ("address", "street_address")),
    Column("postnummer", False, _("Postal code"), _("Five digits, e.g. 123 45"), ("postal_code",)),
    Column("ort", False, _("City"), _("Text"), ("city",)),
    Column("telefon", False, _("Phone"), _("Text"), ("phone",)),
    Column("ensamboende", False, _("Lives alone"), YES_NO, ("lives_alone",)),
    Column(
        "inkom",
        True,
        _("Date the case was received"),
        _("2026-03-01, 1/3 2026 or an Excel date"),
        ("received", "received_on", "date_received"),
    ),
    Column(
        "arendetyp",
        False,
        _("Kind of case"),
        _("ansokan, anmalan or aktualisering; empty means ansokan"),
        ("kind",),
    ),
    Column(
        "kanal",
        True,
        _("Channel the case came in by"),
        _("telefon, brev, e-tjanst, besok, sjukhus, anhorig or ovrigt"),
        ("channel",),
    ),
    Column(
        "efter_slutenvard",
        False,
        _("Applies after an inpatient stay"),
        YES_NO,
        ("after_inpatient_stay",),
    ),
    Column(
        "befintliga_insatser",
        False,
        _("Services the citizen already has"),
        _("Text"),
        ("existing_services",),
    ),
]
COLUMNS_BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]

# English names for the service columns of the standard catalogue.
SERVICE_ALIASES = {
    "trygghetslarm": ("safety_alarm", "alarm"),
    "dusch": ("shower",),
    "stad": ("cleaning",),
    "mathallning": ("meals",),
    "tvatt": ("laundry",),
    "hushall_baddning": ("household", "household_tasks", "bed_making"),
    "ovrigt": ("other",),
}

KIND_WORDS = {
    "ansokan": Application.Kind.APPLICATION,
    "application": Application.Kind.APPLICATION,
    "anmalan": Application.Kind.NOTIFICATION,
    "notification": Application.Kind.NOTIFICATION,
    "aktualisering": Application.Kind.REVIEW,
    "review": Application.Kind.REVIEW,
}
CHANNEL_WORDS = {
    **{value: value for value in Application.Channel.values},
    "telefon": Application.Channel.PHONE,
    "brev": Application.Channel.LETTER,
    "e_tjanst": Application.Channel.E_SERVICE,
    "etjanst": Application.Channel.E_SERVICE,
    "eservice": Application.Channel.E_SERVICE,
    "besok": Application.Channel.IN_PERSON,
    "personligt_besok": Application.Channel.IN_PERSON,
    "sjukhus": Application.Channel.HOSPITAL,
    "sjukhuset": Application.Channel.HOSPITAL,
    "vardplanering": Application.Channel.HOSPITAL,
    "anhorig": Application.Channel.NEXT_OF_KIN,
    "ovrigt": Application.Channel.OTHER,
    "annat": Application.Channel.OTHER,
}
KIND_NAMES = "ansokan, anmalan, aktualisering"
CHANNEL_NAMES = "telefon, brev, e-tjanst, besok, sjukhus, anhorig, ovrigt"
YES_WORDS = {"ja", "j", "1", "yes", "y", "true", "sant", "x"}
NO_WORDS = {"nej", "n", "0", "no", "false", "falskt", ""}

# Model fields checked with the model's own field validation, and the column each comes from.
CITIZEN_FIELD_COLUMNS = {
    "first_name": "fornamn",
    "last_name": "efternamn",
    "street_address": "adress",
    "postal_code": "postnummer",
    "city": "ort",
    "phone": "telefon",
}
APPLICATION_FIELD_COLUMNS = {
    "received_on": "inkom",
    "kind": "arendetyp",
    "channel": "kanal",
    "existing_services": "befintliga_insatser",
}


def fold(text: str) -> str:
    """Lower case without diacritics, words joined by underscores: "Efter slutenvård" →
    "efter_slutenvard"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def service_columns(catalogue: Iterable[ServiceType]) -> list[Column]:
    return [
        Column(
            service.code,
            False,
            service.name,
            _("ja or nej (also 1 or 0)")
            if not service.has_minutes
            else _("Applied minutes per week, a whole number; empty or 0 means not applied"),
            (fold(service.name), *SERVICE_ALIASES.get(service.code, ())),
        )
        for service in catalogue
    ]


def documented_columns() -> list[Column]:
    """Every column the import understands, for the upload page and the documentation."""
    return COLUMNS + service_columns(ServiceType.objects.filter(active=True))


# --- The report -------------------------------------------------------------------------


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


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def invalid_rows(self) -> list[RowResult]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def duplicate_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.is_valid and row.is_duplicate]

    @property
    def importable_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.is_valid and not row.is_duplicate]

    @property
    def errors(self) -> list[tuple[int, str, str]]:
        """(row number, column, message) for every error, in file order."""
        return [
            (row.row_number, column, message) for row in self.rows for column, message in row.errors
        ]


@dataclass
class ImportResult:
    saved: bool
    created_citizens: int = 0
    created_applications: int = 0
    skipped_duplicates: int = 0
    invalid_rows: int = 0
    created_citizen_ids: list[uuid.UUID] = field(default_factory=list)
    updated_citizen_ids: list[uuid.UUID] = field(default_factory=list)


# --- Reading the file -------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet row number, cell values)


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


def _is_empty(values: Iterable) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _collect(numbered_rows: Iterator[tuple[int, list]]) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list]] = []
    for number, values in numbered_rows:
        if _is_empty(values):
            continue
        if header is None:
            header = ["" if value is None else str(value).strip() for value in values]
            continue
        rows.append((number, list(values)))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
            )
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return Table(header=header, rows=rows)


def decode_csv(content: bytes) -> str:
    """UTF-8 with or without a byte order mark, UTF-16 with one, otherwise Windows-1252."""
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


def detect_separator(first_line: str) -> str:
    counts = {separator: first_line.count(separator) for separator in (";", ",", "\t")}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ";"


def read_csv(content: bytes) -> Table:
    try:
        text = decode_csv(content)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file's text encoding could not be read.")) from None
    lines = text.splitlines()
    # Excel writes "sep=;" as a first line when asked to; it is not a row of the sheet.
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        separator = lines[0].strip()[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        first = next((line for line in lines if line.strip()), "")
        separator = detect_separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        return _collect((number, row) for number, row in enumerate(reader, start=1))
    except csv.Error:
        raise ImportFileError(_("The file could not be read as CSV.")) from None


def read_xlsx(content: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The file is empty."))
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        return _collect((number, list(values)) for number, values in enumerate(rows, start=1))
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            _("The file could not be read as an Excel workbook (.xlsx).")
        ) from None
    finally:
        workbook.close()


def read_table(*, name: str, content: bytes) -> Table:
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("The file is larger than %(max)s MB. Split it into smaller files.")
            % {"max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if file_kind(name) == "xlsx":
        return read_xlsx(content)
    if content.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("The file is an Excel workbook: give it the extension .xlsx."))
    return read_csv(content)


# --- Reading the values of one row ------------------------------------------------------


class CellError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    word = fold(as_text(value))
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise CellError(_("Write ja or nej (or 1 or 0)."))


def as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 100_000:
        return from_excel(value).date()
    text = as_text(value)
    for date_format in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007
        except ValueError:
            continue
    try:
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        raise CellError(_("Write the date as 2026-03-01 or 1/3 2026.")) from None


def as_minutes(value) -> int | None:
    """Whole minutes per week; None when empty or zero (the service is not applied for)."""
    if isinstance(value, bool):
        raise CellError(_("Write the minutes per week as a whole number, e.g. 30."))
    text = as_text(value).replace(",", ".").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("Write the minutes per week as a whole number, e.g. 30.")) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("Write the minutes per week as a whole number, e.g. 30."))
    if number < 0:
        raise CellError(_("The minutes per week cannot be negative."))
    if number > MINUTES_PER_WEEK:
        raise CellError(
            _("A week has %(max)s minutes; check the number.") % {"max": MINUTES_PER_WEEK}
        )
    return int(number) or None


def as_choice(value, words: dict[str, str], accepted: str) -> str:
    choice = words.get(fold(as_text(value)))
    if choice is None:
        raise CellError(
            _("Unknown value “%(value)s”. Write one of: %(accepted)s.")
            % {"value": as_text(value)[:40], "accepted": accepted}
        )
    return choice


def read_kind(value) -> str:
    if not as_text(value):
        return Application.Kind.APPLICATION
    return as_choice(value, KIND_WORDS, KIND_NAMES)


def read_channel(value) -> str:
    return as_choice(value, CHANNEL_WORDS, CHANNEL_NAMES)


def normalise_postal_code(value) -> str:
    text = re.sub(r"\s", "", as_text(value))
    if not text:
        return ""
    if not re.fullmatch(r"\d{5}", text):
        raise CellError(_("Write the postal code as five digits, e.g. 123 45."))
    return text


def import_key_for(personal_number: str, received_on: datetime.date, kind: str) -> str:
    digest = hashlib.sha256(f"{personal_number}|{received_on:%Y-%m-%d}|{kind}".encode())
    return (IMPORT_KEY_PREFIX + digest.hexdigest())[:100]


# --- Validating the table ---------------------------------------------------------------


def _map_header(header: list[str], catalogue: list[ServiceType]) -> tuple[dict, list, list]:
    """Column name → index; unknown headers; file-level problems."""
    aliases: dict[str, str] = {}
    for column in COLUMNS + service_columns(catalogue):
        for alias in (column.name, *column.aliases):
            aliases.setdefault(fold(alias), column.name)
    positions: dict[str, int] = {}
    unknown, problems = [], []
    for index, title in enumerate(header):
        name = aliases.get(fold(title))
        if name is None:
            if title:
                unknown.append(title)
            continue
        if name in positions:
            problems.append(
                _("The column %(column)s appears twice in the header row.") % {"column": name}
            )
            continue
        positions[name] = index
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


def _model_errors(instance, field_columns: dict[str, str], values: dict) -> list[tuple[str, str]]:
    """The model's own field validation (lengths, choices) for the fields that were read."""
    checked = set(values)
    try:
        instance.clean_fields(
            exclude=[f.name for f in instance._meta.fields if f.name not in checked]
        )
    except ValidationError as error:
        return [
            (field_columns[name], message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _validate_row(number: int, cells: dict[str, object], catalogue: list[ServiceType]) -> RowResult:
    result = RowResult(row_number=number)
    errors = result.errors
    today = timezone.localdate()

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
            Citizen(**citizen_values),
            CITIZEN_FIELD_COLUMNS,
            {k: v for k, v in citizen_values.items() if k in CITIZEN_FIELD_COLUMNS},
        )
    )
    application_values = {k: v for k, v in application_fields.items() if v is not None}
    errors.extend(
        _model_errors(
            Application(**application_values),
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


def _chunks(items: list, size: int = QUERY_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_import_keys(keys: Iterable[str]) -> set[str]:
    wanted = sorted({key for key in keys if key})
    found: set[str] = set()
    for chunk in _chunks(wanted):
        found.update(
            Application.objects.filter(import_key__in=chunk).values_list("import_key", flat=True)
        )
    return found


def _check_existing_citizens(rows: list[RowResult], team_id: int | None) -> None:
    """A number that is already registered must belong to the importer's team and to the
    person the row names; otherwise a mistyped number would attach a case to someone else."""
    numbers = sorted({row.data.personal_number for row in rows if row.is_valid})
    existing: dict[str, Citizen] = {}
    for chunk in _chunks(numbers):
        existing.update(
            (citizen.personal_number, citizen)
            for citizen in Citizen.objects.filter(personal_number__in=chunk)
        )
    for row in rows:
        citizen = existing.get(row.data.personal_number) if row.is_valid else None
        if citizen is None:
            continue
        if team_id is not None and citizen.team_id != team_id:
            row.errors.append(
                (
                    "personnummer",
                    _(
                        "The citizen is registered in another team; "
                        "that team imports or logs the case."
                    ),
                )
            )
            continue
        fields = row.data.citizen_fields
        typed = (fields.get("first_name", ""), fields.get("last_name", ""))
        if tuple(fold(part) for part in typed) != (
            fold(citizen.first_name),
            fold(citizen.last_name),
        ):
            row.errors.append(
                (
                    "personnummer",
                    _(
                        "The number belongs to a registered citizen with another name; "
                        "check the number."
                    ),
                )
            )


def build_report(table: Table, *, team_id: int | None = None) -> ImportReport:
    catalogue = list(ServiceType.objects.filter(active=True).order_by("sort_order", "name"))
    positions, unknown, problems = _map_header(table.header, catalogue)
    report = ImportReport(unknown_columns=unknown)
    if problems:
        report.file_errors = problems
        return report
    first_row_of_key: dict[str, int] = {}
    for number, values in table.rows:
        cells = {
            name: values[index] if index < len(values) else None
            for name, index in positions.items()
        }
        row = _validate_row(number, cells, catalogue)
        if row.is_valid:
            if row.import_key in first_row_of_key:
                row.duplicate_of_row = first_row_of_key[row.import_key]
            else:
                first_row_of_key[row.import_key] = number
        report.rows.append(row)
    _check_existing_citizens(report.rows, team_id)
    valid_keys = {row.import_key for row in report.rows if row.is_valid}
    already = existing_import_keys(valid_keys)
    for row in report.rows:
        if row.is_valid and row.duplicate_of_row is None and row.import_key in already:
            row.already_imported = True
    return report


def parse_file(*, name: str, content: bytes, team_id: int | None = None) -> ImportReport:
    """Read and check the whole file; nothing is saved."""
    try:
        table = read_table(name=name, content=content)
    except ImportFileError as error:
        return ImportReport(file_errors=[error.message])
    return build_report(table, team_id=team_id)


# --- Saving -----------------------------------------------------------------------------


def import_rows(*, report: ImportReport, actor: User, only_valid: bool) -> ImportResult:
    """Create the report's citizens and applications, all or nothing.

    With rows in error, nothing is saved unless ``only_valid``. A citizen who is already
    registered is reused; a row whose import key exists is skipped. If a service refuses a
    row, ``ImportRowError`` is raised and the whole import is rolled back.
    """
    invalid = len(report.invalid_rows)
    if report.file_errors or (invalid and not only_valid):
        return ImportResult(
            saved=False, invalid_rows=invalid, skipped_duplicates=len(report.duplicate_rows)
        )
    if actor.team_id is None:
        raise ValidationError(_("You belong to no team, so imported cases would have no team."))
    result = ImportResult(saved=True, invalid_rows=invalid)
    result.skipped_duplicates = len(report.duplicate_rows)
    rows = report.importable_rows
    with transaction.atomic():
        already = existing_import_keys(row.import_key for row in rows)
        numbers = sorted({row.data.personal_number for row in rows})
        citizens: dict[str, Citizen] = {}
        for chunk in _chunks(numbers):
            citizens.update(
                (citizen.personal_number, citizen)
                for citizen in Citizen.objects.filter(personal_number__in=chunk)
            )
        created: set[uuid.UUID] = set()
        updated: set[uuid.UUID] = set()
        for row in rows:
            if row.import_key in already:
                result.skipped_duplicates += 1
                continue
            data = row.data
            try:
                citizen = citizens.get(data.personal_number)
                if citizen is not None and citizen.team_id != actor.team_id:
                    raise ValidationError(_("The citizen is registered in another team."))
                if citizen is None:
                    try:
                        citizen = services.citizen_create(
                            personal_number=data.personal_number,
                            team=actor.team,
                            **data.citizen_fields,
                        )
                        created.add(citizen.public_id)
                        result.created_citizen_ids.append(citizen.public_id)
                    except services.DuplicateCitizenError as duplicate:
                        citizen = duplicate.existing
                    citizens[data.personal_number] = citizen
                if citizen.public_id not in created and citizen.public_id not in updated:
                    updated.add(citizen.public_id)
                    result.updated_citizen_ids.append(citizen.public_id)
                services.application_create(
                    citizen=citizen,
                    case_officer=actor,
                    services=data.services,
                    import_key=row.import_key,
                    **data.application_fields,
                )
            except ValidationError as error:
                raise ImportRowError(row.row_number, error) from error
            already.add(row.import_key)
            result.created_applications += 1
    result.created_citizens = len(result.created_citizen_ids)
    return result


# --- Keeping an uploaded file between the check and the save ----------------------------


def store_upload(storage: Storage, *, name: str, content: bytes) -> str:
    """Save the file under a random name; only that name is handed around."""
    extension = ".xlsx" if file_kind(name) == "xlsx" else ".csv"
    return storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}{extension}", ContentFile(content))


def is_stored_upload_name(name: str) -> bool:
    return bool(re.fullmatch(rf"{UPLOAD_FOLDER}/[0-9a-f]{{32}}\.(csv|xlsx)", name or ""))


def delete_stale_uploads(storage: Storage, *, older_than: datetime.timedelta) -> int:
    """Remove uploads left behind by checks that were never saved or cancelled."""
    try:
        _folders, files = storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - older_than
    removed = 0
    for file_name in files:
        path = f"{UPLOAD_FOLDER}/{file_name}"
        if is_stored_upload_name(path) and storage.get_created_time(path) < limit:
            storage.delete(path)
            removed += 1
    return removed
