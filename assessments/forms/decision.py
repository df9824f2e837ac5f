"""The therapist's assessment basis and the case officer's decision."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..services import ServiceRequest


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
