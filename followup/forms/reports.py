"""The report order form: the half-year, team and track of a follow-up report.

The form offers only what the service accepts: the calendar half-years that have ended
(``followup.reports.periods``, no free dates), one of the teams the user may report on
(``followup.reports.selectors.allowed_teams``) and one track (ADR 0013: the groupings of
reports never overlap).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followup.reports import periods
from followup.reports.selectors import allowed_teams
from tracks.models import Track


class ReportOrderForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Half-year"),
        help_text=_(
            "Reports cover whole calendar half-years that have ended, so that two reports "
            "never overlap and cannot be subtracted from each other."
        ),
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, empty_label=None)
    track = forms.TypedChoiceField(
        label=_("Track"),
        choices=Track.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_(
            "A report covers one team and one track, so that no two reports overlap; "
            "add up the reports of several tracks or teams for their total."
        ),
    )

    therapist_cost = forms.ChoiceField(
        label=_("The therapist's cost in the level model"),
        choices=[
            ("once", _("Once per case (the hours of the rehabilitation)")),
            ("monthly", _("Every month of the period compared (as the Örebro report counts)")),
        ],
        initial="once",
        required=False,
        widget=forms.RadioSelect,
        help_text=_("The report states which one it used."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offered = periods.ended_periods(timezone.localdate())
        self.fields["period"].choices = [(period.key, period.label) for period in offered]
        self.fields["period"].initial = offered[0].key
        teams = allowed_teams(user)
        self.fields["team"].queryset = teams
        only = list(teams[:2])
        if len(only) == 1:
            self.fields["team"].initial = only[0].pk
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("period", wrapper_class="col-sm-8 col-lg-5"),
            Field("team", wrapper_class="col-sm-8 col-lg-5"),
            Field("track"),
            Field("therapist_cost"),
            Submit("order", _("Order the report")),
        )

    def report_parameters(self) -> dict:
        data = self.cleaned_data
        period = periods.from_key(data["period"])
        return {
            "period_start": period.start,
            "period_end": period.end,
            "team_ids": [data["team"].pk],
            "tracks": [data["track"]],
            "therapist_cost": data["therapist_cost"] or "once",
        }
