"""The report order form: period, teams and tracks of a follow-up report."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.models import Team
from tracks.models import Track


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _last_month() -> tuple[datetime.date, datetime.date]:
    first_of_this_month = timezone.localdate().replace(day=1)
    end = first_of_this_month - datetime.timedelta(days=1)
    return end.replace(day=1), end


class ReportOrderForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    tracks = forms.TypedMultipleChoiceField(
        label=_("Tracks"),
        choices=Track.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: all cases, including those handed over without a track."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = _last_month()
        self.fields["period_start"].initial = start
        self.fields["period_end"].initial = end
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Div(
                Div(Field("period_start"), css_class="col-sm-6 col-lg-3"),
                Div(Field("period_end"), css_class="col-sm-6 col-lg-3"),
                css_class="row",
            ),
            Field("teams"),
            Field("tracks"),
            Submit("order", _("Order the report")),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return cleaned

    def report_parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "period_start": data["period_start"],
            "period_end": data["period_end"],
            "team_ids": [team.pk for team in data["teams"]],
            "tracks": data["tracks"],
        }
