"""The form for choosing a case as a positive example of the follow-up reports."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PositiveExampleForm(forms.Form):
    description = forms.CharField(
        label=_("Description for the report"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What happened and what it meant for the citizen, without names, addresses, "
            "phone or identity numbers, dates of birth or other details that identify anyone. "
            "Leave empty to withdraw the case as an example."
        ),
    )
    # The version of the example the page was opened on; empty when there was none.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
