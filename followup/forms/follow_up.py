"""The form a case officer fills in at a due follow-up."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments import scoring
from assessments.services import ServiceRequest
from followup.models import CaseClosure, FollowUp

EQ5D_CHOICES = [("", "—")] + [
    (level.value, f"{level.value} – {level.label}") for level in scoring.Eq5dLevel
]


class FollowUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    level_now = forms.IntegerField(
        label=_("Needs level now"), required=False, min_value=0, max_value=20
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    close_reason = forms.ChoiceField(
        label=_("Close the case"),
        required=False,
        choices=[("", _("No, the case stays open"))] + CaseClosure.Reason.choices,
    )
    vas = forms.IntegerField(label=_("EQ-5D-5L: health today (VAS)"), required=False)

    def __init__(self, *args, services_now, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.service_rows = []
        for service, minutes in services_now:
            name = f"minutes_{service.code}"
            if service.has_minutes:
                self.fields[name] = forms.IntegerField(
                    label=_("%(service)s, minutes per week now") % {"service": service.name},
                    required=False,
                    min_value=0,
                    max_value=5000,
                    initial=minutes,
                )
            else:
                self.fields[name] = forms.BooleanField(
                    label=_("%(service)s now") % {"service": service.name},
                    required=False,
                    initial=minutes is not None,
                )
            self.service_rows.append((service, self[name]))
        self.goal_fields = []
        for goal in goals:
            name = f"goal_{goal.pk}"
            self.fields[name] = forms.ChoiceField(
                label=goal.text,
                required=False,
                widget=forms.RadioSelect,
                choices=FollowUp.Attainment.choices,
            )
            self.goal_fields.append(self[name])
        self.eq5d_fields = []
        for item in scoring.EQ5D_DIMENSIONS:
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.label,
                required=False,
                choices=EQ5D_CHOICES,
                coerce=int,
                empty_value=None,
            )
            self.eq5d_fields.append(self[item.code])
        self.goals = list(goals)
        self.services_now = [service for service, _minutes in services_now]

    def services(self) -> list[ServiceRequest]:
        requests = []
        for service in self.services_now:
            value = self.cleaned_data.get(f"minutes_{service.code}")
            if service.has_minutes and value:
                requests.append(ServiceRequest(service, value))
            elif not service.has_minutes and value:
                requests.append(ServiceRequest(service, None))
        return requests

    def attainments(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data.get(f"goal_{goal.pk}") for goal in self.goals}

    def eq5d(self) -> dict | None:
        """The EQ-5D-5L answers, or None when none was given (it is optional)."""
        codes = [item.code for item in scoring.EQ5D_DIMENSIONS] + ["vas"]
        values = {code: self.cleaned_data.get(code) for code in codes}
        if all(value in (None, "") for value in values.values()):
            return None
        return values
