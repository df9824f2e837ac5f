"""Defining a study, answering a questionnaire and recording a non-response."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import ServiceType

from .models import NonResponseReason, Question
from .services import MAX_SEED, AnswerInput


def _no_form_tag() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class StudyForm(forms.Form):
    name = forms.CharField(label=_("Name of the study"), max_length=200)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.filter(active=True)
    )
    sampling_day = forms.DateField(
        label=_("Sampling day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The cases whose service is ongoing on this day are drawn."),
    )
    min_months = forms.IntegerField(
        label=_("Service ongoing at least (months)"), min_value=0, max_value=600, initial=3
    )
    max_months = forms.IntegerField(
        label=_("Service ongoing at most (months)"), min_value=0, max_value=600, initial=24
    )
    sample_size = forms.IntegerField(
        label=_("Random sample of (cases)"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to take every case that meets the rule."),
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=MAX_SEED,
        required=False,
        help_text=_(
            "Leave empty for a new random sample; give another study's seed to draw its "
            "sample again."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"sampling_day": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag()


class AnswersForm(forms.Form):
    """One field per question of the pinned questionnaire version (``q<pk>`` for the
    option, ``q<pk>_text`` for the free text), and the contact person's name for the
    provider's questionnaire."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questions: list[Question], ask_name: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        if ask_name:
            self.fields["respondent_name"] = forms.CharField(
                label=_("Name of the provider's contact person"),
                max_length=200,
                error_messages={"required": _("Write the name of the provider's contact person.")},
            )
        for question in questions:
            if question.kind == Question.Kind.CHOICE:
                self.fields[f"q{question.pk}"] = forms.ChoiceField(
                    label=question.text,
                    choices=[(str(o.pk), o.label) for o in question.options.all()],
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose one of the answers.")},
                )
                if question.text_prompt:
                    self.fields[f"q{question.pk}_text"] = forms.CharField(
                        label=question.text_prompt,
                        required=False,
                        max_length=2000,
                        widget=forms.Textarea(attrs={"rows": 2}),
                    )
            else:
                self.fields[f"q{question.pk}_text"] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        self.helper = _no_form_tag()

    def answers(self) -> list[AnswerInput]:
        data = self.cleaned_data
        result = []
        for question in self.questions:
            options = {str(o.pk): o for o in question.options.all()}
            result.append(
                AnswerInput(
                    question=question,
                    option=options.get(data.get(f"q{question.pk}") or ""),
                    text=data.get(f"q{question.pk}_text", ""),
                )
            )
        return result


class NonResponseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.ChoiceField(
        label=_("Reason for the non-response"),
        choices=NonResponseReason.choices,
        widget=forms.RadioSelect,
    )
    other_text = forms.CharField(
        label=_("Other reason"),
        required=False,
        max_length=300,
        help_text=_("Required when the reason is “Something else”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="non_response", **kwargs)
        self.helper = _no_form_tag()
