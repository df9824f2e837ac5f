"""One form per standardised instrument, built from the scoring module's constants.

Labels and choices come from ``assessments.scoring`` so that they have one source. The
fields check only what a widget can offer (a choice among the choices, a whole number, some
text); whether an answer is in range is decided by the scoring function alone, and the
service's ``ValidationError`` is keyed by these same field names (``spec.fields``), so a
refusal lands next to the field it concerns.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import scoring

BLANK_CHOICE = [("", "—")]


def _numbered(choices):
    """(value, "value – label") pairs, so the number on the paper form is visible too."""
    return [(value, format_lazy("{} – {}", value, label)) for value, label in choices]


def _to_bool(value: str) -> bool:
    return {"True": True, "False": False}[value]


def _radio(label, choices, *, coerce=str, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=list(choices),
        coerce=coerce,
        empty_value=None,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def _select(label, choices, *, coerce=int, help_text=""):
    """A drop-down that starts on a blank option: an unanswered item is never a level."""
    return forms.TypedChoiceField(
        label=label,
        choices=BLANK_CHOICE + list(choices),
        coerce=coerce,
        empty_value=None,
        help_text=help_text,
    )


def _checkboxes(label, choices, *, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=list(choices),
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class InstrumentForm(forms.Form):
    """What every instrument form shares: its spec, a crispy layout and the answers."""

    code = ""
    column_class = "col-md-6"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = scoring.INSTRUMENTS[self.code]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            Div(
                *(Div(name, css_class=self.column_class) for name in self.fields),
                css_class="row",
            )
        )

    def answers(self) -> dict:
        """The cleaned data by the names the scoring function takes."""
        return {name: self.cleaned_data.get(name) for name in self.spec.fields}


# --------------------------------------------------------------------------- Downton

DOWNTON_LABELS = {item.code: item.label for item in scoring.DOWNTON_ITEMS}
TICK_ALL = _("Tick all that apply, or “None”.")


class DowntonForm(InstrumentForm):
    code = scoring.DOWNTON

    previous_falls = _radio(DOWNTON_LABELS["previous_falls"], scoring.DowntonPreviousFalls.choices)
    medications = _checkboxes(
        DOWNTON_LABELS["medications"], scoring.DowntonMedication.choices, help_text=TICK_ALL
    )
    sensory_deficits = _checkboxes(
        DOWNTON_LABELS["sensory_deficits"],
        scoring.DowntonSensoryDeficit.choices,
        help_text=TICK_ALL,
    )
    mental_state = _radio(DOWNTON_LABELS["mental_state"], scoring.DowntonMentalState.choices)
    gait = _radio(DOWNTON_LABELS["gait"], scoring.DowntonGait.choices)


# --------------------------------------------------------------------------- FES-I and FES(S)


def _item_form(name: str, code: str, items, make_field, column_class: str, **extra_fields):
    """A form class with one declared field per item, in the items' order, then the extras."""
    attrs = {item.code: make_field(item) for item in items}
    attrs.update(extra_fields)
    attrs.update(code=code, column_class=column_class, __module__=__name__, __qualname__=name)
    return type(name, (InstrumentForm,), attrs)


FES_I_CHOICES = _numbered(scoring.FesIConcernAnswer.choices)
FES_S_CHOICES = [
    (
        value,
        {
            scoring.FES_S_MIN_ANSWER: format_lazy("{} – {}", value, _("not at all confident")),
            scoring.FES_S_MAX_ANSWER: format_lazy("{} – {}", value, _("completely confident")),
        }.get(value, str(value)),
    )
    for value in range(scoring.FES_S_MIN_ANSWER, scoring.FES_S_MAX_ANSWER + 1)
]

FesIForm = _item_form(
    "FesIForm",
    scoring.FES_I,
    scoring.FES_I_ITEMS,
    lambda item: _radio(item.label, FES_I_CHOICES, coerce=int),
    "col-md-6 col-xl-4",
)
FesSForm = _item_form(
    "FesSForm",
    scoring.FES_S,
    scoring.FES_S_ITEMS,
    lambda item: _select(item.label, FES_S_CHOICES),
    "col-md-6 col-xl-4",
)


# --------------------------------------------------------------------------- TUG


class TugForm(InstrumentForm):
    code = scoring.TUG

    # Text, not a number field: "12,5" and "12.5" both reach the scorer, which parses them.
    seconds = forms.CharField(
        label=_("Time in seconds"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("With one decimal, for example 12,5."),
    )
    walking_aid_used = forms.TypedChoiceField(
        label=_("Walking aid used"),
        choices=[("True", _("Yes")), ("False", _("No"))],
        coerce=_to_bool,
        empty_value=None,
        widget=forms.RadioSelect,
    )


# --------------------------------------------------------------------------- EQ-5D-5L

# Our own short level labels; the licensed questionnaire wording is never shown.
EQ5D_LEVEL_CHOICES = _numbered(scoring.Eq5dLevel.choices)


Eq5d5lForm = _item_form(
    "Eq5d5lForm",
    scoring.EQ5D5L,
    scoring.EQ5D_DIMENSIONS,
    lambda item: _select(item.label, EQ5D_LEVEL_CHOICES),
    "col-md-6 col-xl-4",
    vas=forms.IntegerField(
        label=_("Health today (VAS)"),
        help_text=format_lazy(
            _("A whole number from {low} to {high}."),
            low=scoring.EQ5D_VAS_MIN,
            high=scoring.EQ5D_VAS_MAX,
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    ),
)


# --------------------------------------------------------------------------- trajectory


class TrajectoryForm(InstrumentForm):
    code = scoring.TRAJECTORY
    column_class = "col-md-12"

    trajectory = _radio(
        _("Activity-capacity trajectory"), _numbered(scoring.Trajectory.choices), coerce=int
    )


FORMS: dict[str, type[InstrumentForm]] = {
    form.code: form
    for form in (DowntonForm, FesIForm, FesSForm, TugForm, Eq5d5lForm, TrajectoryForm)
}
