"""The access-log review's forms: a citizen by personnummer, and the list's filters."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..extensions import citizen_directory
from ..models import User


class PersonalNumberForm(forms.Form):
    """A typed personnummer, resolved to the citizen (``citizen``, ``citizen_ref``)."""

    personal_number = forms.CharField(
        label=_("Personal identity number or coordination number"),
        max_length=20,
        help_text=_("YYYYMMDD-NNNN"),
    )

    def __init__(self, *args, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def clean_personal_number(self):
        number = self.cleaned_data["personal_number"]
        citizen = citizen_directory.one().find_by_identity_number(number, viewer=self.viewer)
        if citizen is None:
            raise ValidationError(_("No citizen is registered with this number."))
        self.citizen = citizen
        self.citizen_ref = citizen.public_id
        return number


class FilterForm(forms.Form):
    # Typed, not chosen from a list: a municipality has thousands of users, and a list of
    # them all made every page of the review slow to send and to use.
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.all(),
        to_field_name="username",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The user name; empty for all users."),
        error_messages={"invalid_choice": _("No user has this user name.")},
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    flagged = forms.BooleanField(label=_("Only flagged entries"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("The period must not end before it starts."))
        return data
