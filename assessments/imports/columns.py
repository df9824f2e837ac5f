"""The columns the import understands, and how the value of one cell is read.

The column format is documented in ``docs/import-format.md``; the upload page lists the
same columns from ``documented_columns``.
"""

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from rehab.formats.input_formats import DATE_INPUT_FORMATS

from ..models import Application, ServiceType

MINUTES_PER_WEEK = 7 * 24 * 60
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        "hemtjanstomrade",
        False,
        _("Home-care area"),
        _("The name of one of the team's home-care areas, e.g. Norra; empty means not stated"),
        ("home_care_area",),
    ),
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


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case without diacritics, words joined by underscores: "Efter slutenvård" →
    "efter_slutenvard"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


@dataclass
class HeaderMap:
    """Where each known column is in the header row, and what the row got wrong."""

    positions: dict[str, int]
    unknown: list[str]
    repeated: list[str]
    missing: list[str]

    def cells(self, values: list) -> dict[str, object]:
        """One data row's values by column name (None for a cell the row does not reach)."""
        return {
            name: values[index] if index < len(values) else None
            for name, index in self.positions.items()
        }


def map_header(header: list[str], columns: Iterable[Column]) -> HeaderMap:
    """Match the header row to ``columns`` by name or alias, folded ("Utförda minuter" =
    "utforda_minuter"); a column named twice counts at its first place."""
    columns = list(columns)
    aliases: dict[str, str] = {}
    for column in columns:
        for alias in (column.name, *column.aliases):
            aliases.setdefault(fold(alias), column.name)
    found = HeaderMap(positions={}, unknown=[], repeated=[], missing=[])
    for index, title in enumerate(header):
        name = aliases.get(fold(title))
        if name is None:
            if title:
                found.unknown.append(title)
        elif name in found.positions:
            found.repeated.append(name)
        else:
            found.positions[name] = index
    found.missing = [c.name for c in columns if c.required and c.name not in found.positions]
    return found


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


# --- Reading the value of one cell --------------------------------------------------------


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
    if ISO_DATE.fullmatch(text):
        # The usual case, read without trying each format (the first one is this one).
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
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
