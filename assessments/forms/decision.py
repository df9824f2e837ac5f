"""The therapist's assessment basis and the case officer's decision."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import GrantedService, LegalBasis
from ..services import ServiceDecision, decision_line_field


class AssessmentBasisForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    summary = forms.CharField(
        label=_("Summary of the assessment"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommended_measures = forms.CharField(
        label=_("Recommended measures"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    """The decision per applied service (granted, partly granted or refused, with the
    minutes and the reason beside what was applied for), the legal basis, the validity and
    an urgent decision's reason."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decided_on = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    urgent = forms.BooleanField(
        label=_("Urgent decision"),
        required=False,
        help_text=_(
            "Taken before the joint visit or the report back, for a need that cannot wait."
        ),
    )
    urgent_reason = forms.CharField(
        label=_("Reason for the urgent decision"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    legal_basis = forms.ModelChoiceField(
        label=_("Legal basis"), queryset=LegalBasis.objects.none(), empty_label=_("Choose…")
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for a decision that is not time-limited."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    level_before = forms.IntegerField(
        label=_("Needs level before"), required=False, min_value=0, max_value=20
    )
    level_after = forms.IntegerField(
        label=_("Needs level after"), required=False, min_value=0, max_value=20
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_over_grant = forms.BooleanField(
        label=_("I confirm granting more minutes than applied for"), required=False
    )

    def __init__(self, *args, applied, lines=None, current_basis=None, **kwargs):
        """``applied``: the application's applied services; ``lines``: the recorded
        ``GrantedService`` rows by service id, when the decision is being corrected."""
        super().__init__(*args, **kwargs)
        bases = LegalBasis.objects.filter(active=True)
        if current_basis is not None:
            bases = LegalBasis.objects.filter(Q(active=True) | Q(pk=current_basis.pk))
        self.fields["legal_basis"].queryset = bases.order_by("sort_order", "name")
        Outcome = GrantedService.Outcome
        self.rows = []
        for row in applied:
            service = row.service
            line = (lines or {}).get(service.pk)
            if lines is not None and line is None:
                # Not granted by the decision being corrected: never the applied amount.
                initial = (Outcome.REFUSED, 0, "")
            elif line is not None:
                initial = (line.outcome, line.minutes_per_week, line.reason)
            else:
                initial = (Outcome.GRANTED, row.minutes_per_week, "")
            outcome_name = decision_line_field("outcome", service)
            choices = Outcome.choices
            if not service.has_minutes:
                choices = [c for c in choices if c[0] != Outcome.PARTLY_GRANTED]
            self.fields[outcome_name] = forms.ChoiceField(
                label=_("%(service)s, decision") % {"service": service.name},
                choices=choices,
                initial=initial[0],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            minutes = None
            if service.has_minutes:
                minutes_name = decision_line_field("minutes", service)
                self.fields[minutes_name] = forms.IntegerField(
                    label=_("%(service)s, granted minutes per week") % {"service": service.name},
                    min_value=0,
                    max_value=5000,
                    required=False,
                    initial=initial[1],
                    widget=forms.NumberInput(attrs={"class": "form-control"}),
                )
                minutes = self[minutes_name]
            reason_name = decision_line_field("reason", service)
            self.fields[reason_name] = forms.CharField(
                label=_("%(service)s, reason") % {"service": service.name},
                required=False,
                max_length=2000,
                initial=initial[2],
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )
            self.rows.append(
                {
                    "applied": row,
                    "outcome": self[outcome_name],
                    "minutes": minutes,
                    "reason": self[reason_name],
                }
            )

    def clean_decided_on(self):
        decided = self.cleaned_data["decided_on"]
        if decided > timezone.localdate():
            raise ValidationError(_("The decision date cannot be in the future."))
        return decided

    def clean(self):
        data = super().clean()
        if data.get("urgent") and not (data.get("urgent_reason") or "").strip():
            self.add_error("urgent_reason", _("Give the reason why the decision is urgent."))
        if not data.get("urgent"):
            data["urgent_reason"] = ""
        return data

    @property
    def asks_to_confirm(self) -> bool:
        """The form came back because more minutes than applied for were granted."""
        return bool(self.errors.get("confirm_over_grant")) or bool(
            self.is_bound and self.data.get("confirm_over_grant")
        )

    def lines(self) -> list[ServiceDecision]:
        Outcome = GrantedService.Outcome
        decided = []
        for row in self.rows:
            service = row["applied"].service
            outcome = self.cleaned_data.get(row["outcome"].name)
            minutes = None
            if row["minutes"] is not None:
                minutes = self.cleaned_data.get(row["minutes"].name)
                if minutes is None and outcome == Outcome.REFUSED:
                    minutes = 0
            decided.append(
                ServiceDecision(
                    service=service,
                    outcome=outcome or "",
                    minutes_per_week=minutes,
                    reason=self.cleaned_data.get(row["reason"].name) or "",
                )
            )
        return decided
