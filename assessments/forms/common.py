"""What several of the app's forms share."""

from django import forms


class VersionedForm(forms.Form):
    """Carries the version the user started editing from, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
