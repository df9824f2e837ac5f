"""Booking the joint home visit and recording what it found."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.roles import Role

from ..models import JointVisit, LifeArea
from ..selectors import staff_with_role
from ..services import VISIT_FINDING_FIELDS, GoalInput
from .common import VersionedForm


class VisitBookingForm(VersionedForm):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))
    case_officer = forms.ModelChoiceField(label=_("Case officer"), queryset=None)
    therapist = forms.ModelChoiceField(label=_("Occupational therapist"), queryset=None)

    def __init__(self, *args, team_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_officer"].queryset = staff_with_role(Role.CASE_OFFICER, team_id)
        self.fields["therapist"].queryset = staff_with_role(Role.THERAPIST)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date") and cleaned.get("time"):
            scheduled = timezone.make_aware(
                datetime.datetime.combine(cleaned["date"], cleaned["time"])
            )
            if scheduled < timezone.now() - datetime.timedelta(hours=1):
                self.add_error("date", _("The visit cannot be booked in the past."))
            cleaned["scheduled_at"] = scheduled
        return cleaned


def _labelled_with_icf_code(item) -> str:
    """ "Personlig vård (d5)": a life area's or related factor's name with its ICF code."""
    return f"{item.name} ({item.icf_code})" if item.icf_code else item.name


YES_NO_OPEN = [(None, _("Not decided")), (True, _("Yes")), (False, _("No"))]
GOAL_SLOTS = 5


class JointVisitForm(forms.ModelForm):
    """What the joint visit found. Needs per life area and up to five goals are extra fields."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = JointVisit
        fields = VISIT_FINDING_FIELDS
        widgets = {
            "housing": forms.Textarea(attrs={"rows": 2}),
            "stairs": forms.Textarea(attrs={"rows": 2}),
            "bathroom": forms.Textarea(attrs={"rows": 2}),
            "assistive_devices": forms.Textarea(attrs={"rows": 2}),
            "network": forms.Textarea(attrs={"rows": 2}),
            "measures_agreed": forms.Textarea(attrs={"rows": 3}),
            "potential_reasoning": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args,
        life_areas,
        goals=(),
        needs=None,
        factors=(),
        related_factors=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        for name in ("potential_for_independence", "motivated_to_train"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=YES_NO_OPEN,
                required=False,
                widget=forms.RadioSelect,
                coerce=lambda value: {"True": True, "False": False}.get(value),
                empty_value=None,
            )
        # Not required to save a draft, but to complete the visit (see the service).
        for name in ("potential_for_independence", "potential_reasoning"):
            self.fields[name].required_to_complete = True
        self.life_areas = list(life_areas)
        needs = needs or {}
        self.need_fields = []
        for area in self.life_areas:
            name = f"need_{area.code}"
            self.fields[name] = forms.CharField(
                label=_labelled_with_icf_code(area),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=needs.get(area.pk, ""),
            )
            self.need_fields.append(self[name])
        # IBIC's related factors (relaterade faktorer): the body functions that bear on the
        # needs, each described in its own field; a factor left empty is not recorded.
        self.factors = list(factors)
        related_factors = related_factors or {}
        self.factor_fields = []
        for factor in self.factors:
            name = f"factor_{factor.code}"
            self.fields[name] = forms.CharField(
                label=_labelled_with_icf_code(factor),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=related_factors.get(factor.pk, ""),
            )
            self.factor_fields.append(self[name])
        goals = list(goals)
        self.goal_fields = []
        for slot in range(GOAL_SLOTS):
            goal = goals[slot] if slot < len(goals) else None
            text_name, area_name = f"goal_{slot}", f"goal_{slot}_area"
            self.fields[text_name] = forms.CharField(
                label=_("Goal %(number)s in the citizen's words") % {"number": slot + 1},
                required=False,
                max_length=500,
                initial=goal.text if goal else "",
            )
            self.fields[area_name] = forms.ModelChoiceField(
                label=_("Life area of goal %(number)s") % {"number": slot + 1},
                queryset=LifeArea.objects.filter(active=True),
                required=False,
                initial=goal.life_area_id if goal else None,
            )
            self.goal_fields.append((self[text_name], self[area_name]))

    def goals(self) -> list[GoalInput]:
        data = self.cleaned_data
        return [
            GoalInput(text=data[f"goal_{slot}"], life_area=data[f"goal_{slot}_area"])
            for slot in range(GOAL_SLOTS)
            if data.get(f"goal_{slot}", "").strip()
        ]

    def needs(self) -> dict:
        return {area: self.cleaned_data.get(f"need_{area.code}", "") for area in self.life_areas}

    def related_factors(self) -> dict:
        return {
            factor: self.cleaned_data.get(f"factor_{factor.code}", "") for factor in self.factors
        }

    def findings(self) -> dict:
        return {name: self.cleaned_data[name] for name in VISIT_FINDING_FIELDS}

    def draft_data(self, data) -> dict[str, str]:
        """The fields a user has typed so far, as posted, kept as a draft without checking."""
        return {
            name: data[name]
            for name in self.fields
            if name != "version" and isinstance(data.get(name), str)
        }

    def draft_differences(self, draft_data: dict) -> list[tuple[str, str]]:
        """(label, value) of each field where an older draft says something else than the
        saved visit, so that what was typed can be copied back by hand."""
        differences = []
        for name, value in draft_data.items():
            if name not in self.fields or str(value) == str(self[name].initial or ""):
                continue
            field = self.fields[name]
            if hasattr(field, "choices"):
                value = next(
                    (str(label) for key, label in field.choices if str(key) == str(value)), value
                )
            if value:
                differences.append((str(field.label), value))
        return differences
