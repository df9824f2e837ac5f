"""Forms of the what-if page: the hourly model and the level (tariff) model.

The forms only check the typed values and the uploads' size; the CSV content is read by
``followup.savings_csv`` in the view, which attaches its problems to the upload fields.
"""

from __future__ import annotations

import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_MONTHS = 120
MAX_MONTH_COUNTS = 12

SOURCE_FILE = "file"
SOURCE_TOTALS = "totals"


def _amount(label, *, help_text="", minimum=Decimal(0), required=True, max_digits=12):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=minimum,
        max_digits=max_digits,
        decimal_places=2,
        required=required,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _csv_upload(label, *, help_text, required):
    return forms.FileField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's <form> has the token
    helper.error_text_inline = False  # one error per line: a file can have many problems
    return helper


def _check_upload_size(upload):
    if upload and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than %(max)s MB."),
            params={"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    return upload


class HourlyWhatIfForm(forms.Form):
    """Saved home-help minutes: from a CSV file of cases or from totals for a cohort."""

    prefix = "hourly"

    source = forms.ChoiceField(
        label=_("Input"),
        choices=[
            (SOURCE_FILE, _("Upload a CSV file of cases")),
            (SOURCE_TOTALS, _("Enter totals for a group of citizens")),
        ],
        initial=SOURCE_FILE,
        widget=forms.RadioSelect,
    )
    cases_file = _csv_upload(
        _("Cases (CSV file)"),
        help_text=_(
            "Columns: case_id, applied_minutes_per_week, granted_minutes_per_week. A case may "
            "have several rows (one per service); they are added up. Other columns are ignored."
        ),
        required=False,
    )
    applied_minutes = _amount(
        _("Applied minutes per week, in total"),
        help_text=_("All citizens together."),
        required=False,
    )
    granted_minutes = _amount(
        _("Granted minutes per week, in total"),
        help_text=_("All citizens together."),
        required=False,
    )
    citizens = forms.IntegerField(
        label=_("Number of citizens"), min_value=1, max_value=1_000_000, required=False
    )
    hourly_cost = _amount(
        _("Home care cost per hour (kr)"),
        help_text=_("Prefilled from the savings parameters valid today; change it to try."),
        max_digits=10,
    )
    weeks_per_month = _amount(
        _("Weeks per month"),
        help_text=_("Prefilled from the savings parameters valid today; change it to try."),
        minimum=Decimal("0.01"),
        max_digits=4,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.layout = Layout(
            "source",
            Fieldset(_("From a file"), "cases_file"),
            Fieldset(_("Or as totals"), "applied_minutes", "granted_minutes", "citizens"),
            Fieldset(_("Assumptions"), "hourly_cost", "weeks_per_month"),
        )

    def clean_cases_file(self):
        return _check_upload_size(self.cleaned_data.get("cases_file"))

    def clean_weeks_per_month(self):
        weeks = self.cleaned_data["weeks_per_month"]
        if weeks is not None and weeks > 5:
            raise ValidationError(_("A month has at most 5 weeks."))
        return weeks

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == SOURCE_FILE:
            if not cleaned.get("cases_file") and "cases_file" not in self.errors:
                self.add_error("cases_file", _("Choose a CSV file to upload."))
        elif cleaned.get("source") == SOURCE_TOTALS:
            for name in ("applied_minutes", "granted_minutes", "citizens"):
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Fill in this value to compute from totals."))
        return cleaned


def parse_months(text: str) -> tuple[int, ...]:
    """``"1 6"`` or ``"1, 6, 12"`` → ``(1, 6, 12)``; raises ``ValidationError``."""
    parts = [part for part in re.split(r"[\s,;]+", text.strip()) if part]
    if not parts:
        raise ValidationError(_("Enter at least one number of months, e.g. 1 6."))
    months: list[int] = []
    for part in parts:
        if not part.isascii() or not part.isdigit():
            raise ValidationError(
                _("“%(value)s” is not a whole number of months."), params={"value": part}
            )
        value = int(part)
        if not 1 <= value <= MAX_MONTHS:
            raise ValidationError(
                _("The number of months must be between 1 and %(max)s."),
                params={"max": MAX_MONTHS},
            )
        if value not in months:
            months.append(value)
    if len(months) > MAX_MONTH_COUNTS:
        raise ValidationError(
            _("Enter at most %(max)s numbers of months."), params={"max": MAX_MONTH_COUNTS}
        )
    return tuple(months)


class LevelWhatIfForm(forms.Form):
    """Needs levels before and after, priced by a tariff, less the therapist's cost."""

    prefix = "level"

    cases_file = _csv_upload(
        _("Cases (CSV file)"),
        help_text=_(
            "Columns: case_id, level_before, level_after, therapist_hours. One row per case."
        ),
        required=True,
    )
    tariff_file = _csv_upload(
        _("Tariff (CSV file)"),
        help_text="",  # set in __init__: it depends on the tariff valid today
        required=False,
    )
    therapist_hourly_cost = _amount(
        _("Therapist cost per hour (kr)"),
        help_text=_("Prefilled from the savings parameters valid today; change it to try."),
        max_digits=10,
    )
    therapist_cost = forms.ChoiceField(
        label=_("The therapist's cost is charged"),
        choices=[
            ("once", _("Once (net = months × gross − cost)")),
            ("monthly", _("Every month (net = months × (gross − cost))")),
        ],
        initial="once",
        widget=forms.RadioSelect,
    )
    months = forms.CharField(
        label=_("Months"),
        help_text=_("One or more numbers of months to compute the net over, e.g. 1 6."),
        initial="1 6",
        max_length=100,
    )

    def __init__(self, *args, current_tariff_text: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current_tariff_text:
            self.fields["tariff_file"].help_text = _(
                "Columns: level, monthly_compensation_sek. Leave empty to use the tariff "
                "valid today: %(tariff)s."
            ) % {"tariff": current_tariff_text}
        else:
            self.fields["tariff_file"].required = True
            self.fields["tariff_file"].help_text = _(
                "Columns: level, monthly_compensation_sek. No tariff is valid today, so a "
                "tariff file is needed."
            )
        self.helper = _helper()
        self.helper.layout = Layout(
            Fieldset(_("Files"), "cases_file", "tariff_file"),
            Fieldset(_("Assumptions"), "therapist_hourly_cost", "therapist_cost", "months"),
        )

    def clean_cases_file(self):
        return _check_upload_size(self.cleaned_data.get("cases_file"))

    def clean_tariff_file(self):
        return _check_upload_size(self.cleaned_data.get("tariff_file"))

    def clean_months(self):
        return parse_months(self.cleaned_data["months"])
