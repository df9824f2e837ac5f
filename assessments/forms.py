import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.roles import Role

from .identity import parse_identity_number
from .models import Application, Citizen, JointVisit, LifeArea, ServiceType
from .selectors import staff_with_role
from .services import (
    APPLICATION_FIELDS,
    CITIZEN_FIELDS,
    VISIT_FINDING_FIELDS,
    GoalInput,
    ServiceRequest,
)


class VersionedForm(forms.Form):
    """Carries the version the user started editing from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CitizenSearchForm(forms.Form):
    query = forms.CharField(
        label=_("Personal identity number or name"),
        max_length=100,
        help_text=_("Search before you register, so that nobody is registered twice."),
    )


class CitizenForm(forms.ModelForm):
    personal_number = forms.CharField(
        label=_("Personal identity number or coordination number"),
        max_length=20,
        help_text=_("YYYYMMDD-NNNN"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Citizen
        fields = CITIZEN_FIELDS

    # Hidden from users who may not see a protected citizen's identity.
    IDENTITY_FIELDS = [
        "first_name",
        "last_name",
        "street_address",
        "postal_code",
        "city",
        "phone",
        "next_of_kin_name",
        "next_of_kin_relation",
        "next_of_kin_phone",
    ]

    def __init__(self, *args, editing: bool = False, hide_identity: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].required = False
        self.fields["sex"].help_text = _("Taken from the number when left empty.")
        if editing:
            # The number identifies the citizen; it is not changed in this form.
            del self.fields["personal_number"]
            self.fields["version"].required = True
            self.fields["sex"].required = True
        if hide_identity:
            for name in self.IDENTITY_FIELDS:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_personal_number(self):
        return parse_identity_number(self.cleaned_data["personal_number"]).normalised

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].replace(" ", "")
        if value and (not value.isdigit() or len(value) != 5):
            raise ValidationError(_("A postal code has five digits, e.g. 123 45."))
        return value


class ApplicationForm(forms.ModelForm):
    """The application and, per catalogue service, whether it is applied for and how much."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Application
        fields = APPLICATION_FIELDS
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "existing_services": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, team_id: int | None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_officer"].queryset = staff_with_role(Role.CASE_OFFICER, team_id)
        self.fields["therapist"].queryset = staff_with_role(Role.THERAPIST)
        self.fields["physio"].queryset = staff_with_role(Role.PHYSIO)
        self.fields["version"].required = editing
        self.services = list(ServiceType.objects.filter(active=True))
        existing = {}
        if self.instance.pk:
            existing = {row.service_id: row for row in self.instance.applied_services.all()}
        self.service_rows = []
        for service in self.services:
            applied_name, minutes_name = f"applied_{service.code}", f"minutes_{service.code}"
            row = existing.get(service.pk)
            self.fields[applied_name] = forms.BooleanField(
                label=service.name, required=False, initial=row is not None
            )
            if service.has_minutes:
                self.fields[minutes_name] = forms.IntegerField(
                    label=_("%(service)s, minutes per week") % {"service": service.name},
                    required=False,
                    min_value=1,
                    max_value=5000,
                    initial=row.minutes_per_week if row else None,
                )
            self.service_rows.append(
                (service, self[applied_name], self[minutes_name] if service.has_minutes else None)
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise ValidationError(_("The date received cannot be in the future."))
        return received

    def clean(self):
        cleaned = super().clean()
        requests = []
        for service in self.services:
            if not cleaned.get(f"applied_{service.code}"):
                if service.has_minutes and cleaned.get(f"minutes_{service.code}"):
                    self.add_error(
                        f"minutes_{service.code}",
                        _("Tick %(service)s as applied, or clear the minutes.")
                        % {"service": service.name},
                    )
                continue
            minutes = cleaned.get(f"minutes_{service.code}") if service.has_minutes else None
            if service.has_minutes and not minutes and f"minutes_{service.code}" not in self.errors:
                self.add_error(
                    f"minutes_{service.code}",
                    _("Give the applied minutes per week for %(service)s.")
                    % {"service": service.name},
                )
            requests.append(ServiceRequest(service=service, minutes_per_week=minutes))
        if not requests:
            raise ValidationError(_("Choose at least one applied service."))
        cleaned["services"] = requests
        return cleaned


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

    def __init__(self, *args, life_areas, goals=(), needs=None, **kwargs):
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
        self.life_areas = list(life_areas)
        needs = needs or {}
        self.need_fields = []
        for area in self.life_areas:
            name = f"need_{area.code}"
            self.fields[name] = forms.CharField(
                label=area.name,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=needs.get(area.pk, ""),
            )
            self.need_fields.append(self[name])
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

    def findings(self) -> dict:
        return {name: self.cleaned_data[name] for name in VISIT_FINDING_FIELDS}


class AssessmentBasisForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    summary = forms.CharField(
        label=_("Summary of the assessment"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommended_measures = forms.CharField(
        label=_("Recommended measures"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    """Granted minutes per applied service, beside what was applied for."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decided_on = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    level_before = forms.IntegerField(
        label=_("Needs level before"), required=False, min_value=0, max_value=20
    )
    level_after = forms.IntegerField(
        label=_("Needs level after"), required=False, min_value=0, max_value=20
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, applied, granted=None, **kwargs):
        super().__init__(*args, **kwargs)
        granted = granted or {}
        self.rows = []
        for row in applied:
            service = row.service
            name = f"granted_{service.code}"
            if service.has_minutes:
                field = forms.IntegerField(
                    label=_("%(service)s, granted minutes per week") % {"service": service.name},
                    min_value=0,
                    max_value=5000,
                    required=True,
                    initial=granted.get(service.pk, row.minutes_per_week),
                )
            else:
                field = forms.BooleanField(
                    label=_("%(service)s granted") % {"service": service.name},
                    required=False,
                    initial=granted.get(service.pk, True) is not False,
                )
            self.fields[name] = field
            self.rows.append((row, self[name]))

    def clean_decided_on(self):
        decided = self.cleaned_data["decided_on"]
        if decided > timezone.localdate():
            raise ValidationError(_("The decision date cannot be in the future."))
        return decided

    def granted(self) -> list[ServiceRequest]:
        requests = []
        for row, bound in self.rows:
            value = self.cleaned_data.get(bound.name)
            if row.service.has_minutes and value:
                requests.append(ServiceRequest(row.service, value))
            elif not row.service.has_minutes and value:
                requests.append(ServiceRequest(row.service, None))
        return requests
