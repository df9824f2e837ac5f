"""Personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

The ``personnummer`` package decides validity; this module only sorts a refusal into the
kind of mistake a person made, so the message can say what to correct.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from personnummer import personnummer

from rehab.identity_numbers import normalise_separators

SHAPE = re.compile(r"^(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+]?)(?P<serial>\d{4})$")


@dataclass(frozen=True)
class IdentityNumber:
    normalised: str  # 12 digits, YYYYMMDDNNNN
    birth_date: datetime.date
    is_coordination_number: bool
    is_female: bool

    @property
    def display(self) -> str:
        return f"{self.normalised[:8]}-{self.normalised[8:]}"


def parse_identity_number(raw: str) -> IdentityNumber:
    """Validate and normalise; raise ValidationError with a message per kind of mistake."""
    text = normalise_separators(raw)
    match = SHAPE.match(text)
    if not match:
        raise ValidationError(
            _("Write the number as YYYYMMDD-NNNN (12 digits) or YYMMDD-NNNN (10 digits)."),
            code="format",
        )
    century = match["century"]
    if century and century not in {"18", "19", "20"}:
        raise ValidationError(
            _("The century %(century)s is not possible: the year must start with 18, 19 or 20."),
            code="century",
            params={"century": century},
        )
    try:
        parsed = personnummer.parse(text)
    except personnummer.PersonnummerParseException:
        raise ValidationError(
            _("The number is not a personal identity number or coordination number."),
            code="format",
        ) from None
    except personnummer.PersonnummerInvalidException:
        parsed = None

    date_part = match["date"]
    if parsed is None:
        # Sort the refusal: an impossible date, or a wrong check digit.
        year = int(century + date_part[:2]) if century else _full_year(date_part[:2], match["sep"])
        day = int(date_part[4:6])
        coordination = day > 60
        try:
            datetime.date(year, int(date_part[2:4]), day - 60 * coordination)
        except ValueError:
            raise ValidationError(
                _("The date in the number does not exist (month %(month)s, day %(day)s)."),
                code="date",
                params={"month": date_part[2:4], "day": date_part[4:6]},
            ) from None
        raise ValidationError(
            _("The check digit is wrong: check the last four digits for typing mistakes."),
            code="checksum",
        )

    birth_date = parsed.get_date()
    if birth_date > timezone.localdate():
        raise ValidationError(_("The birth date in the number is in the future."), code="future")
    return IdentityNumber(
        normalised=parsed.format(long_format=True),
        birth_date=birth_date,
        is_coordination_number=parsed.is_coordination_number(),
        is_female=parsed.is_female(),
    )


def _full_year(two_digits: str, separator: str) -> int:
    """The century of a 10-digit number: the latest year not in the future, one century
    further back after a "+" (100 years or older), as the personnummer package reckons."""
    base = timezone.localdate().year - (100 if separator == "+" else 0)
    return base - ((base - int(two_digits)) % 100)


def looks_like_identity_number(text: str) -> bool:
    return bool(SHAPE.match(normalise_separators(text)))
