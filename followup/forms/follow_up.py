"""The form a case officer fills in at a follow-up."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.forms.instruments import FORMS as INSTRUMENT_FORMS
from assessments.services import ServiceRequest
from followup.models import CaseClosure, FollowUp


class FollowUpForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    level_now = forms.IntegerField(
        label=_("Needs level now"), required=False, min_value=0, max_value=20
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    close_reason = forms.ChoiceField(
        label=_("Close the case"),
        required=False,
        choices=[("", _("No, the case stays open"))] + CaseClosure.Reason.choices,
    )

    def __init__(self, *args, services_now, goals, instruments=(), early=False, **kwargs):
        super().__init__(*args, **kwargs)
        if early:
            self.fields["early_reason"] = forms.CharField(
                label=_("Reason for recording before the due date"),
                help_text=_("For example: the citizen called and wants to be followed up now."),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.service_rows = []
        for row in services_now:
            service = row.service
            name = f"minutes_{service.code}"
            if service.has_minutes:
                granted = (
                    _("Granted: %(minutes)s min/week") % {"minutes": row.granted_minutes or 0}
                    if row.granted
                    else _("Not granted")
                )
                self.fields[name] = forms.IntegerField(
                    label=_("%(service)s, minutes per week now") % {"service": service.name},
                    required=False,
                    min_value=0,
                    max_value=5000,
                    initial=row.granted_minutes if row.granted else None,
                    help_text=granted,
                )
            else:
                self.fields[name] = forms.BooleanField(
                    label=_("%(service)s now") % {"service": service.name},
                    required=False,
                    initial=row.granted,
                    help_text=_("Granted") if row.granted else _("Not granted"),
                )
            self.service_rows.append((service, self[name]))
        self.goal_fields = []
        for goal in goals:
            name = f"goal_{goal.pk}"
            self.fields[name] = forms.ChoiceField(
                label=goal.text,
                required=False,
                widget=forms.RadioSelect,
                choices=FollowUp.Attainment.choices,
            )
            self.goal_fields.append(self[name])
        self.goals = list(goals)
        self.services_now = [row.service for row in services_now]
        # One sub-form per instrument the follow-up repeats, its fields named "<code>-<item>";
        # an instrument left blank is not recorded, one begun is scored in full.
        self.instrument_forms = []
        for repeat in instruments:
            form_class = INSTRUMENT_FORMS.get(repeat.spec.code)
            if form_class is None:
                continue
            subform = form_class(self.data or None, prefix=repeat.spec.code)
            subform.use_required_attribute = False
            for field in subform.fields.values():
                field.required = False
            self.instrument_forms.append(
                {"spec": repeat.spec, "at_assessment": repeat.at_assessment, "form": subform}
            )

    def _answered(self, subform) -> bool:
        for name in subform.fields:
            value = subform[name].value()
            if value not in (None, "", [], ()):
                return True
        return False

    def is_valid(self):
        """The form and every instrument begun: each answer checked by its field and the
        instrument scored (as the service will), so that every mistake shows in one round;
        an instrument with mistakes is also named at the top, in the error summary."""
        main = super().is_valid()
        instruments_ok = True
        for entry in self.instrument_forms:
            subform = entry["form"]
            if not (self.is_bound and self._answered(subform)):
                continue
            if subform.is_valid():
                try:
                    entry["spec"].score_answers(subform.answers())
                except ValidationError as error:
                    self._add_to_subform(subform, error)
            if subform.errors:
                instruments_ok = False
                self.add_error(
                    None,
                    _("%(instrument)s: correct the answers marked below.")
                    % {"instrument": entry["spec"].name},
                )
        return main and instruments_ok

    @staticmethod
    def _add_to_subform(subform, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            subform.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            subform.add_error(field if field in subform.fields else None, errors)

    def services(self) -> list[ServiceRequest]:
        requests = []
        for service in self.services_now:
            value = self.cleaned_data.get(f"minutes_{service.code}")
            if service.has_minutes and value:
                requests.append(ServiceRequest(service, value))
            elif not service.has_minutes and value:
                requests.append(ServiceRequest(service, None))
        return requests

    def attainments(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data.get(f"goal_{goal.pk}") for goal in self.goals}

    def instrument_answers(self) -> dict[str, dict]:
        """The answers of each instrument begun, by its code (the blank ones are left out)."""
        return {
            entry["spec"].code: entry["form"].answers()
            for entry in self.instrument_forms
            if self._answered(entry["form"])
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's refusal next to the field: an instrument's under its own
        fields (keyed "<code>-<item>"), the others on this form or above it."""
        subforms = {entry["spec"].code: entry["form"] for entry in self.instrument_forms}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            code, _sep, field = key.partition("-")
            subform = subforms.get(code)
            if subform is not None:
                subform.add_error(field if field in subform.fields else None, errors)
            else:
                self.add_error(key if key in self.fields else None, errors)
