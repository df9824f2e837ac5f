"""Answering a questionnaire for one sampled case, or recording its non-response.

The case officer answers her own questionnaire; the citizen's answers are recorded by the
interviewer (a case officer or the manager) on the citizen's behalf, and the provider's by
the manager with the name of the provider's contact person. Each page shows the citizen and
logs it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from assessments.display import citizen_display_name
from assessments.views.common import add_form_errors
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import selectors, services
from ..forms import AnswersForm, NonResponseForm
from ..models import Respondent
from .common import sampled_case_from_url


def _initial(response) -> dict:
    if response is None:
        return {}
    initial = {"version": response.version, "respondent_name": response.respondent_name}
    for answer in response.answers.all():
        if answer.option_id:
            initial[f"q{answer.question_id}"] = str(answer.option_id)
        if answer.text:
            initial[f"q{answer.question_id}_text"] = answer.text
    return initial


def _answer_page(request, respondent: Respondent):
    sampled_case = request.permission_object
    study = sampled_case.study
    questionnaire = study.questionnaire_for(respondent)
    questions = selectors.questions_of(questionnaire)
    response = selectors.response_of(sampled_case, respondent)
    citizen = sampled_case.application.citizen
    ask_name = respondent == Respondent.PROVIDER
    initial = _initial(response)
    version = response.version if response else None
    posted_non_response = request.method == "POST" and "record_non_response" in request.POST
    posted_answers = request.method == "POST" and not posted_non_response
    form = AnswersForm(
        request.POST if posted_answers else None,
        initial=initial,
        questions=questions,
        ask_name=ask_name,
    )
    non_response_form = NonResponseForm(
        request.POST if posted_non_response else None,
        initial={
            "version": version,
            "reason": response.non_response_reason if response else None,
            "other_text": response.non_response_text if response else "",
        },
    )
    if posted_answers and form.is_valid():
        try:
            services.response_record(
                sampled_case=sampled_case,
                respondent=respondent,
                actor=request.user,
                answers=form.answers(),
                respondent_name=form.cleaned_data.get("respondent_name", ""),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            log_access(request, [citizen.public_id], AccessLogEntry.Action.UPDATE)
            messages.success(request, _("The answers were saved."))
            return redirect("studies:study_detail", study.public_id)
    if posted_non_response and non_response_form.is_valid():
        data = non_response_form.cleaned_data
        try:
            services.non_response_record(
                sampled_case=sampled_case,
                respondent=respondent,
                actor=request.user,
                reason=data["reason"],
                other_text=data["other_text"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            add_form_errors(non_response_form, error)
        else:
            log_access(request, [citizen.public_id], AccessLogEntry.Action.UPDATE)
            messages.success(request, _("The non-response was recorded."))
            return redirect("studies:study_detail", study.public_id)
    log_access(request, [citizen.public_id], AccessLogEntry.Action.READ)
    return render(
        request,
        "studies/answer_form.html",
        {
            "study": study,
            "sampled_case": sampled_case,
            "respondent": respondent,
            "questionnaire": questionnaire,
            "response": response,
            "display_name": citizen_display_name(citizen, sampled_case.name_granted),
            "form": form,
            "non_response_form": non_response_form,
        },
    )


@permission_required("studies.answer_case_officer", fn=sampled_case_from_url)
def answer_case_officer(request, public_id):
    return _answer_page(request, Respondent.CASE_OFFICER)


@permission_required("studies.answer_provider", fn=sampled_case_from_url)
def answer_provider(request, public_id):
    return _answer_page(request, Respondent.PROVIDER)


@permission_required("studies.answer_citizen", fn=sampled_case_from_url)
def answer_citizen(request, public_id):
    return _answer_page(request, Respondent.CITIZEN)
