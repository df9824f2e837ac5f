"""What may not stand in a positive example's description (a vignette): identity numbers,
phone numbers, and the name and address of the case's citizen.

``problems`` is the check before a description is saved (the service refuses it with a
field error); ``redact`` is the check again before a description reaches a report, where
whatever still matches is replaced by ``REDACTED`` (a description saved before the check
existed, or a citizen whose name or address changed after it was written).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from rehab.identity_numbers import IDENTITY_NUMBER

REDACTED = "[borttaget]"

# Swedish phone numbers: a leading 0, +46 or 0046 and at least seven more digits, written
# with or without spaces and hyphens (070-123 45 67, 08-123 456 78, +46 70 123 45 67).
PHONE_NUMBER = re.compile(r"(?<![\d+])(?:\+46|0046|0)[\s\-]?\(?\d{1,3}\)?(?:[\s\-]?\d){5,8}(?!\d)")
# A street address's name part: "Storgatan" of "Storgatan 12 B".
_STREET_NAME = re.compile(r"^\D*[^\W\d]")

KINDS = {
    "identity_number": _("an identity number (personnummer or samordningsnummer)"),
    "phone": _("a phone number"),
    "name": _("the citizen's name"),
    "address": _("the citizen's address"),
}


def kinds_text(kinds: list[str]) -> str:
    """The kinds found, as one phrase: "a phone number and the citizen's name"."""
    names = [str(KINDS[kind]) for kind in kinds]
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _word(text: str) -> str:
    return rf"(?<!\w){re.escape(text)}(?!\w)"


def _name_patterns(citizen) -> list[str]:
    names = []
    for value in (citizen.first_name, citizen.last_name, citizen.next_of_kin_name):
        value = (value or "").strip()
        if not value:
            continue
        names.append(value)
        # Each part of "Anna-Lisa" or "Af Klint Berg" alone too (two letters or more).
        names += [part for part in re.split(r"[\s\-]+", value) if len(part) >= 2]
    return [_word(name) for name in sorted(set(names), key=len, reverse=True)]


def _address_patterns(citizen) -> list[str]:
    address = (citizen.street_address or "").strip()
    if not address:
        return []
    patterns = [re.escape(address)]
    street = _STREET_NAME.match(address)
    if street and len(street.group(0).strip()) >= 3:
        patterns.append(_word(street.group(0).strip()))
    return patterns


def _patterns(citizen) -> dict[str, re.Pattern]:
    found = {"identity_number": IDENTITY_NUMBER, "phone": PHONE_NUMBER}
    if citizen is not None:
        for kind, patterns in (
            ("address", _address_patterns(citizen)),
            ("name", _name_patterns(citizen)),
        ):
            if patterns:
                found[kind] = re.compile("|".join(patterns), re.IGNORECASE)
    return found


def problems(text: str, citizen) -> list[str]:
    """The kinds (keys of ``KINDS``) of identifying details found in ``text``."""
    return [kind for kind, pattern in _patterns(citizen).items() if pattern.search(text or "")]


def redact(text: str, citizen) -> str:
    """``text`` with every identifying detail replaced by ``REDACTED``."""
    for pattern in _patterns(citizen).values():
        text = pattern.sub(REDACTED, text or "")
    return text
