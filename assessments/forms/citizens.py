"""Finding and registering a citizen, and changing what is known about them."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..identity import parse_identity_number
from ..models import Citizen, HomeCareArea
from ..services import CITIZEN_REGISTRATION_FIELDS


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
        fields = CITIZEN_REGISTRATION_FIELDS

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

    def __init__(
        self,
        *args,
        team_id: int | None = None,
        editing: bool = False,
        hide_identity: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Only the areas of the citizen's team; a retired area stays while the citizen has it.
        area = self.fields["home_care_area"]
        area.queryset = HomeCareArea.objects.filter(team_id=team_id).filter(
            Q(active=True) | Q(pk=self.instance.home_care_area_id or 0)
        )
        area.empty_label = _("Not stated")
        area.error_messages["invalid_choice"] = _("Choose a home-care area of the citizen's team.")
        # The number comes first: it is what the officer has at hand, and it gives the sex
        # and date of birth.
        self.order_fields(["personal_number"])
        self.fields["sex"].required = False
        self.fields["sex"].help_text = _("Taken from the number when left empty.")
        if editing:
            # The number identifies the citizen; it is not changed in this form.
            del self.fields["personal_number"]
            # Protection is set or lifted on its own page, with a reason, by whoever may.
            del self.fields["protected_identity"]
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


REASON_MAX_LENGTH = 100  # what the change history keeps of a reason


class ProtectionForm(forms.Form):
    """Set or lift a citizen's protected identity: the reason, and the record's version."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the access log and in the citizen's change history."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class GrantForm(forms.Form):
    """Let a member of the team see a protected citizen's name."""

    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this person needs to see the name. Kept in the access log."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff
        self.fields["user"].label_from_instance = _staff_label
        self.helper = FormHelper()
        self.helper.form_tag = False


class RevokeForm(forms.Form):
    grant = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for revoking"), max_length=REASON_MAX_LENGTH)


def _staff_label(user) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.title})" if user.title else name
