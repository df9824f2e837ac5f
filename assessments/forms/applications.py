"""Logging an application and changing it."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.roles import Role

from ..models import Application, ServiceType
from ..selectors import staff_with_role
from ..services import APPLICATION_FIELDS, ServiceRequest


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
