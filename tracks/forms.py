from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Handover, Intervention, Track
from .services import MAX_MINUTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the template has its own {% csrf_token %}
    return helper


class TrackForm(forms.Form):
    track = forms.TypedChoiceField(
        label=_("Track"), choices=Track.choices, coerce=int, widget=forms.RadioSelect
    )
    # The application's version the user saw: a stale one means somebody else confirmed a
    # track (or moved the case on) meanwhile, see ``services.track_confirm``.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    override_reason = forms.CharField(
        label=_("Reason for another track"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you choose another track than the proposed one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = [
            "performed_on",
            "kind",
            "minutes",
            "devices_prescribed",
            "notes",
            "extra_visit_reason",
        ]
        widgets = {
            "performed_on": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "extra_visit_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"] = forms.IntegerField(
            label=self.fields["minutes"].label, min_value=1, max_value=MAX_MINUTES
        )
        self.helper = _helper()


class InterventionEditForm(InterventionForm):
    """A correction of a recorded intervention, with the version the user opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class InterventionRemoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason for the removal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the case's change history, with who removed it and when."),
        error_messages={"required": _("Give the reason for removing the intervention.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class HandoverForm(forms.ModelForm):
    class Meta:
        model = Handover
        fields = ["recipient", "recipient_detail", "handed_over_on", "summary"]
        widgets = {
            "handed_over_on": DATE_WIDGET,
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
