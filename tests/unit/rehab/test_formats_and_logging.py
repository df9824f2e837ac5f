import datetime
import io
import logging
from decimal import Decimal

import pytest
from django import forms
from django.utils import formats, translation

from rehab.logging import RedactIdentityNumbers, redact


class DateForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("typed", ["2026-03-01", "1/3 2026", "01/03/2026", "20260301"])
def test_dates_are_accepted_as_swedes_type_them(language, typed):
    with translation.override(language):
        form = DateForm({"day": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2026, 3, 1)


def test_an_impossible_date_is_refused_in_swedish():
    with translation.override("sv"):
        form = DateForm({"day": "2026-02-30"})
        assert not form.is_valid()
        assert form.errors["day"] == ["Fyll i ett giltigt datum."]


def test_numbers_and_dates_are_shown_in_swedish_format():
    with translation.override("sv"):
        assert formats.number_format(Decimal("12345.5"), 1, use_l10n=True, force_grouping=True) == (
            "12\xa0345,5"
        )
        assert formats.date_format(datetime.date(2026, 3, 1), "SHORT_DATE_FORMAT") == "2026-03-01"


@pytest.mark.parametrize(
    "text",
    [
        "19121212-1212",
        "191212121212",
        "121212-1212",
        "1212121212",
        "121212+1212",
        "19410317\u20132385",  # en dash, as Word writes it
        "19410317\u22122385",  # minus sign
        "19410317\u20112385",  # non-breaking hyphen
        "19410317\u00a02385",  # non-breaking space
        "19410317%E2%80%932385",  # en dash in a URL
        "19410317%C2%A02385",  # non-breaking space in a URL
        "19410317+2385",
        "19410317%2B2385",
    ],
)
def test_identity_numbers_are_redacted_from_log_lines(text):
    assert text not in redact(f"looked up {text} today")
    assert "[personnummer]" in redact(f"looked up {text} today")


def test_log_filter_rewrites_the_formatted_message(caplog):
    logger = logging.getLogger("samrehab.test")
    logger.addFilter(RedactIdentityNumbers())
    with caplog.at_level(logging.INFO, logger="samrehab.test"):
        logger.info("citizen %s opened", "19121212-1212")
    assert "19121212-1212" not in caplog.text
    assert "citizen [personnummer] opened" in caplog.text


def test_ordinary_numbers_survive_redaction():
    assert redact("2026-03-01 took 125 ms, 790 minutes") == "2026-03-01 took 125 ms, 790 minutes"


def test_a_traceback_quoting_an_identity_number_is_redacted(caplog):
    logger = logging.getLogger("samrehab.test.tb")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactIdentityNumbers())
    logger.addHandler(handler)
    try:
        raise ValueError("Key (personal_number)=(194003073428) already exists.")
    except ValueError:
        logger.exception("insert failed")
    logger.removeHandler(handler)
    assert "194003073428" not in stream.getvalue()
    assert "[personnummer]" in stream.getvalue()
