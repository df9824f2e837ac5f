"""Forms of the projection page (breddinförande): where the counts come from, the tariff,
the therapist's cost, and one row per service form and förlopp.

The forms turn what was typed into the engine's values (``followup.calc``); the view runs
the engine. Every problem is an error at its field, and the row fields name their row, so
the page's error summary says which row is wrong.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from followup.calc import (
    FORLOPP_VALUES,
    OUTCOME_INDEPENDENT,
    OUTCOME_LEVEL,
    OUTCOME_NONE,
    Outcome,
    ServiceForm,
    Tariff,
    TherapistAssumptions,
)

SOURCE_RECORDED = "recorded"
SOURCE_TYPED = "typed"
TARIFF_CURRENT = "current"
TARIFF_TYPED = "typed"
THERAPIST_CHARGED = "charged"
THERAPIST_EXISTING = "existing"

MAX_ROWS = 24
MAX_CITIZENS = 10_000_000
MAX_TARIFF_LINES = 30
# "2 = 9 690", "2: 9690", "2;9690,50" or "2<tab>9690": a level, a separator, an amount.
_TARIFF_LINE = re.compile(
    r"^\s*(\d{1,3})\s*[=:;\t]\s*([0-9][0-9 \u00a0\u202f]*(?:[.,]\d{1,2})?)"
    r"\s*(?:kr)?\s*$",
    re.IGNORECASE,
)
_SPACES = str.maketrans("", "", " \u00a0\u202f")


def _amount(label, *, help_text="", required=True, max_digits=12):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        min_value=Decimal(0),
        max_digits=max_digits,
        decimal_places=2,
        required=required,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def parse_tariff_text(text: str) -> Tariff:
    """A typed tariff, one level a line ("1 = 5 400"); every bad line is one error."""
    levels: dict[int, Decimal] = {}
    errors: list[ValidationError] = []
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise ValidationError(_("Enter at least one level and its monthly compensation."))
    if len(lines) > MAX_TARIFF_LINES:
        raise ValidationError(_("Enter at most %(max)s levels."), params={"max": MAX_TARIFF_LINES})
    for number, line in lines:
        match = _TARIFF_LINE.match(line)
        if not match:
            errors.append(
                ValidationError(
                    _("Line %(line)s: write a level and its kronor per month, e.g. 2 = 9 690."),
                    params={"line": number},
                )
            )
            continue
        level = int(match.group(1))
        try:
            amount = Decimal(match.group(2).translate(_SPACES).replace(",", "."))
        except InvalidOperation:  # the pattern lets only numbers through
            errors.append(
                ValidationError(_("Line %(line)s: not a number."), params={"line": number})
            )
            continue
        if level in levels:
            errors.append(
                ValidationError(
                    _("Line %(line)s: level %(level)s is already given."),
                    params={"line": number, "level": level},
                )
            )
            continue
        levels[level] = amount
    if errors:
        raise ValidationError(errors)
    return Tariff(levels)


class ProjectionForm(forms.Form):
    """Where the counts come from, the tariff and the therapist's cost."""

    source = forms.ChoiceField(
        label=_("Number of citizens"),
        choices=[
            (SOURCE_RECORDED, _("From the recorded cases (förlopp per service form)")),
            (SOURCE_TYPED, _("Typed in for the whole municipality")),
        ],
        initial=SOURCE_RECORDED,
        widget=forms.RadioSelect,
    )
    tariff_source = forms.ChoiceField(
        label=_("Tariff"),
        choices=[
            (TARIFF_CURRENT, _("The level tariff valid today")),
            (TARIFF_TYPED, _("Typed in below")),
        ],
        initial=TARIFF_CURRENT,
        widget=forms.RadioSelect,
        help_text=_("Only needed for rows whose outcome is a needs level."),
    )
    tariff_text = forms.CharField(
        label=_("Tariff, one level a line"),
        help_text=_("For example “1 = 5 400” on the first line and “2 = 9 690” on the next."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    therapist = forms.ChoiceField(
        label=_("Therapist's cost"),
        choices=[
            (THERAPIST_CHARGED, _("Charged: hours per citizen × hourly cost")),
            (
                THERAPIST_EXISTING,
                _("Existing resources (befintliga resurser): no therapist cost"),
            ),
        ],
        initial=THERAPIST_CHARGED,
        widget=forms.RadioSelect,
    )
    therapist_hours = _amount(_("Therapist hours per citizen"), required=False, max_digits=7)
    therapist_hourly_cost = _amount(
        _("Therapist cost per hour (kr)"),
        help_text=_("Prefilled from the savings parameters valid today."),
        required=False,
        max_digits=10,
    )

    def __init__(self, *args, current_tariff: Tariff | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_tariff = current_tariff
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "source",
            Fieldset(_("Tariff"), "tariff_source", "tariff_text"),
            Fieldset(_("Therapist"), "therapist", "therapist_hours", "therapist_hourly_cost"),
        )

    def clean(self):
        data = super().clean()
        if data.get("tariff_source") == TARIFF_TYPED:
            text = data.get("tariff_text") or ""
            try:
                data["tariff"] = parse_tariff_text(text)
            except ValidationError as error:
                self.add_error("tariff_text", error)
        elif data.get("tariff_source") == TARIFF_CURRENT:
            data["tariff"] = self.current_tariff
        if data.get("therapist") == THERAPIST_CHARGED:
            hours, cost = data.get("therapist_hours"), data.get("therapist_hourly_cost")
            if hours is None and "therapist_hours" not in self.errors:
                self.add_error("therapist_hours", _("Enter the therapist's hours per citizen."))
            if cost is None and "therapist_hourly_cost" not in self.errors:
                self.add_error("therapist_hourly_cost", _("Enter the therapist's cost per hour."))
            if hours is not None and cost is not None:
                data["assumptions"] = TherapistAssumptions(
                    hours_per_citizen=hours, hourly_cost=cost
                )
        elif data.get("therapist") == THERAPIST_EXISTING:
            data["assumptions"] = TherapistAssumptions(existing_resources=True)
        return data


class ProjectionRowForm(forms.Form):
    """One row: a service form and förlopp, how many, what they cost now, what is expected."""

    service_form = forms.ChoiceField(
        label=_("Service form"), choices=ServiceForm.choices, initial=ServiceForm.HOME_HELP
    )
    forlopp = forms.TypedChoiceField(
        label=_("Förlopp"),
        choices=[(value, str(value)) for value in FORLOPP_VALUES],
        coerce=int,
    )
    citizens = forms.IntegerField(
        label=_("Citizens"), min_value=0, max_value=MAX_CITIZENS, required=False
    )
    cost_low = _amount(_("Cost now per month, low (kr)"), max_digits=10)
    cost_high = _amount(_("Cost now per month, high (kr)"), max_digits=10)
    outcome = forms.ChoiceField(
        label=_("Expected outcome"),
        choices=[
            (OUTCOME_INDEPENDENT, _("Independent (no cost after)")),
            (OUTCOME_NONE, _("No change (the same cost)")),
            (OUTCOME_LEVEL, _("A needs level (its tariff)")),
        ],
    )
    level = forms.IntegerField(
        label=_("Needs level after"), min_value=0, max_value=999, required=False
    )

    def __init__(self, *args, source: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        number = (self.prefix or "").rsplit("-", 1)[-1]
        row = int(number) + 1 if number.isdigit() else 1
        for name, field in self.fields.items():
            field.label = _("%(column)s, row %(row)s") % {"column": field.label, "row": row}
            field.widget.attrs.setdefault("data-column", name)
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            field.widget.attrs["class"] = css

    # The fields a person types; the selects always carry a value (the starting rows'), so
    # a row counts as filled in only when one of these is.
    TYPED = ("citizens", "cost_low", "cost_high", "level")

    def has_changed(self) -> bool:
        """Whether anything was typed into the row: a row left blank is not validated and
        not counted, whatever its selects say."""
        return any((self[name].value() or "") not in ("", None) for name in self.TYPED)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"

    def clean(self):
        data = super().clean()
        low, high = data.get("cost_low"), data.get("cost_high")
        if low is not None and high is not None and low > high:
            self.add_error("cost_high", _("The high cost must not be below the low cost."))
        if (
            self.source == SOURCE_TYPED
            and data.get("citizens") is None
            and "citizens" not in self.errors
        ):
            self.add_error("citizens", _("Enter the number of citizens."))
        if data.get("outcome") == OUTCOME_LEVEL:
            if data.get("level") is None and "level" not in self.errors:
                self.add_error("level", _("Enter the needs level the outcome is."))
            elif data.get("level") is not None:
                data["parsed_outcome"] = Outcome(OUTCOME_LEVEL, data["level"])
        elif data.get("outcome"):
            data["parsed_outcome"] = Outcome(data["outcome"])
        return data


class BaseProjectionRowFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Every row may stay blank, the starting rows too (Django validates those always).
        kwargs["empty_permitted"] = True
        kwargs.setdefault("use_required_attribute", False)
        return super()._construct_form(i, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if forms.formsets.DELETION_FIELD_NAME in form.fields:
            field = form.fields[forms.formsets.DELETION_FIELD_NAME]
            field.label = _("%(column)s, row %(row)s") % {
                "column": _("Leave out"),
                "row": (index or 0) + 1,
            }
            field.widget.attrs["class"] = "form-check-input"

    def rows(self) -> list[ProjectionRowForm]:
        """The rows filled in and not left out (after validation)."""
        return [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        ]

    def clean(self):
        rows = self.rows()
        if not rows and not any(self.errors):
            raise ValidationError(_("Fill in at least one row."))
        if rows and rows[0].source != SOURCE_RECORDED:
            return
        seen: set[int] = set()
        for form in rows:
            forlopp = form.cleaned_data.get("forlopp")
            if forlopp is None:
                continue
            if forlopp in seen:
                form.add_error(
                    "forlopp",
                    ValidationError(
                        _("Förlopp %(forlopp)s is already on another row."),
                        params={"forlopp": forlopp},
                    ),
                )
            seen.add(forlopp)


ProjectionRowFormSet = forms.formset_factory(
    ProjectionRowForm,
    formset=BaseProjectionRowFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)

# The rows the page starts with: the three förlopp of home help, as the Örebro report has
# them (1: independent, 2: a lower level, 3: no change).
INITIAL_ROWS = [
    {"service_form": ServiceForm.HOME_HELP, "forlopp": 1, "outcome": OUTCOME_INDEPENDENT},
    {"service_form": ServiceForm.HOME_HELP, "forlopp": 2, "outcome": OUTCOME_LEVEL},
    {"service_form": ServiceForm.HOME_HELP, "forlopp": 3, "outcome": OUTCOME_NONE},
]
