"""The form for recording a temporary increase (tillfällig utökning) of a granted service."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TemporaryIncreaseForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=None,
        empty_label=_("Choose a service"),
        error_messages={"required": _("Choose the service to increase.")},
        help_text=_("The services the decision granted, measured in minutes per week."),
    )
    extra_minutes_per_week = forms.IntegerField(
        label=_("Extra minutes per week"),
        min_value=1,
        max_value=10080,
        error_messages={"required": _("Enter the extra minutes per week.")},
        help_text=_("On top of the granted minutes, for the period below."),
    )
    starts_on = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the first day of the increase.")},
    )
    ends_on = forms.DateField(
        label=_("To and including"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the last day of the increase.")},
        help_text=_("At most 6 months after the first day."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the temporary increase.")},
        help_text=_("For example after a hospital stay, or a relative who helps is away."),
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
