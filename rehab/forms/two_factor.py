"""The one-time code of two-factor authentication."""

from django import forms
from django.utils.translation import gettext_lazy


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Six-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"invalid": gettext_lazy("Enter the six digits shown in the app.")},
    )
