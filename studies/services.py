"""Every write of the follow-up studies: defining a study, drawing its sample, recording a
respondent's answers or non-response, and revising a question (a new questionnaire version).
"""

import datetime
import random
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import LifeArea, ServiceType
from assessments.services import ConflictError
from rehab.models import User

from . import selectors
from .models import (
    Answer,
    AnswerOption,
    NonResponseReason,
    Question,
    Questionnaire,
    Respondent,
    Response,
    SampledCase,
    Study,
)

# Seeds are stored and shown, so that a sample can be drawn again exactly.
MAX_SEED = 2**31 - 1


@transaction.atomic
def study_create(
    *,
    actor: User,
    name: str,
    service: ServiceType,
    sampling_day: datetime.date,
    min_months: int = 3,
    max_months: int = 24,
    sample_size: int | None = None,
    seed: int | None = None,
) -> Study:
    """A study of the actor's team, pinning the latest version of each questionnaire."""
    errors = {}
    if actor.team_id is None:
        errors["name"] = _("You belong to no team, so a study has no cases to draw from.")
    if max_months < min_months:
        errors["max_months"] = _("The upper bound cannot be below the lower bound.")
    if sample_size is not None and sample_size < 1:
        errors["sample_size"] = _("A sample has at least one case.")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        errors["seed"] = _("The seed is a whole number from 0 to 2147483647.")
    if errors or actor.team_id is None:
        raise ValidationError(errors)
    latest = selectors.latest_questionnaires()
    return Study.objects.create(
        name=name,
        service=service,
        team_id=actor.team_id,
        sampling_day=sampling_day,
        min_months=min_months,
        max_months=max_months,
        sample_size=sample_size,
        seed=secrets.randbelow(MAX_SEED) if seed is None else seed,
        case_officer_questionnaire=latest[Respondent.CASE_OFFICER],
        provider_questionnaire=latest[Respondent.PROVIDER],
        citizen_questionnaire=latest[Respondent.CITIZEN],
        created_by=actor,
    )


def draw(candidates: list[tuple[int, datetime.date]], *, sample_size: int | None, seed: int):
    """The sample from the candidates (in a fixed order): all of them, or ``sample_size``
    of them picked by a generator started from ``seed``, so the same seed picks the same."""
    if sample_size is None or sample_size >= len(candidates):
        return list(candidates)
    # Not for security: a reproducible pick that the stored seed repeats.
    return random.Random(seed).sample(candidates, sample_size)  # noqa: S311


@transaction.atomic
def sample_draw(*, study: Study, actor: User) -> list[SampledCase]:
    """Draw (or draw again, before anybody answered) the study's sample and store it."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    if Response.objects.filter(sampled_case__study=study).exists():
        raise ValidationError(_("Answers have been recorded, so the sample cannot be drawn again."))
    chosen = draw(
        selectors.sampling_candidates(study), sample_size=study.sample_size, seed=study.seed
    )
    SampledCase.objects.filter(study=study).delete()
    rows = SampledCase.objects.bulk_create(
        SampledCase(study=study, application_id=app_id, service_start=start, position=n)
        for n, (app_id, start) in enumerate(chosen, start=1)
    )
    study.drawn_at = timezone.now()
    study.save(update_fields=["drawn_at"])
    return rows


@dataclass(frozen=True)
class AnswerInput:
    question: Question
    option: AnswerOption | None = None
    text: str = ""


def _check_answers(questionnaire: Questionnaire, answers: list[AnswerInput]) -> None:
    errors = {}
    by_question = {answer.question.pk: answer for answer in answers}
    for question in questionnaire.questions.prefetch_related("options"):
        answer = by_question.get(question.pk)
        field = f"q{question.pk}"
        if question.kind == Question.Kind.CHOICE:
            if answer is None or answer.option is None:
                errors[field] = _("Choose one of the answers.")
            elif answer.option.question_id != question.pk:
                errors[field] = _("That answer does not belong to this question.")
    if any(a.question.questionnaire_id != questionnaire.pk for a in answers):
        errors["__all__"] = _("An answer belongs to another questionnaire.")
    if errors:
        raise ValidationError(errors)


def _response_for(sampled_case, respondent, expected_version):
    response = (
        Response.objects.select_for_update()
        .filter(sampled_case=sampled_case, respondent=respondent)
        .first()
    )
    current = response.version if response else None
    if current != expected_version:
        raise ConflictError()
    return response


@transaction.atomic
def response_record(
    *,
    sampled_case: SampledCase,
    respondent: str,
    actor: User,
    answers: list[AnswerInput],
    respondent_name: str = "",
    expected_version: int | None,
) -> Response:
    """Record (or correct) one respondent's answers for one sampled case, against the
    questionnaire version the study pinned. ``expected_version`` is the version the page
    was opened on (None when there was no response yet); a later save refuses the stale one."""
    respondent = Respondent(respondent)
    questionnaire = sampled_case.study.questionnaire_for(respondent)
    if respondent == Respondent.PROVIDER and not respondent_name.strip():
        raise ValidationError(
            {"respondent_name": _("Write the name of the provider's contact person.")}
        )
    _check_answers(questionnaire, answers)
    response = _response_for(sampled_case, respondent, expected_version)
    fields = {
        "questionnaire": questionnaire,
        "status": Response.Status.ANSWERED,
        "non_response_reason": "",
        "non_response_text": "",
        "respondent_name": respondent_name.strip(),
        "recorded_by": actor,
        "recorded_at": timezone.now(),
    }
    if response is None:
        response = Response.objects.create(
            sampled_case=sampled_case, respondent=respondent, **fields
        )
    else:
        for name, value in fields.items():
            setattr(response, name, value)
        response.version += 1
        response.save(update_fields=[*fields, "version"])
        response.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(response=response, question=a.question, option=a.option, text=a.text.strip())
        for a in answers
        if a.option is not None or a.text.strip()
    )
    return response


@transaction.atomic
def non_response_record(
    *,
    sampled_case: SampledCase,
    respondent: str,
    actor: User,
    reason: str,
    other_text: str = "",
    expected_version: int | None,
) -> Response:
    """Record that the respondent did not answer, and why: the drop-out is a result too."""
    respondent = Respondent(respondent)
    if reason not in NonResponseReason.values:
        raise ValidationError({"reason": _("Choose the reason for the non-response.")})
    if reason == NonResponseReason.OTHER and not other_text.strip():
        raise ValidationError({"other_text": _("Describe the other reason.")})
    response = _response_for(sampled_case, respondent, expected_version)
    fields = {
        "questionnaire": sampled_case.study.questionnaire_for(respondent),
        "status": Response.Status.NON_RESPONSE,
        "non_response_reason": reason,
        "non_response_text": other_text.strip() if reason == NonResponseReason.OTHER else "",
        "respondent_name": "",
        "recorded_by": actor,
        "recorded_at": timezone.now(),
    }
    if response is None:
        return Response.objects.create(sampled_case=sampled_case, respondent=respondent, **fields)
    for name, value in fields.items():
        setattr(response, name, value)
    response.version += 1
    response.save(update_fields=[*fields, "version"])
    response.answers.all().delete()
    return response


@dataclass(frozen=True)
class OptionInput:
    code: str
    label: str
    sort_order: int = 0


@transaction.atomic
def question_revise(
    *,
    question: Question,
    text: str,
    kind: str,
    text_prompt: str,
    life_area: LifeArea | None,
    sort_order: int,
    options: list[OptionInput],
) -> Question:
    """Change a question. A questionnaire no study uses yet is changed where it is; one in
    use is copied whole to a new version with the change, so the studies that pinned the
    old version keep their questions, options and answers unchanged. Returns the question
    as it now stands (in the new version when one was made)."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=question.questionnaire_id)
    if selectors.questionnaire_in_use(questionnaire):
        questionnaire = _copy_questionnaire(questionnaire)
        question = questionnaire.questions.get(key=question.key)
    question.text, question.kind, question.text_prompt = text, kind, text_prompt
    question.life_area, question.sort_order = life_area, sort_order
    question.save(update_fields=["text", "kind", "text_prompt", "life_area", "sort_order"])
    kept = {option.code for option in options}
    question.options.exclude(code__in=kept).delete()
    for option in options:
        AnswerOption.objects.update_or_create(
            question=question,
            code=option.code,
            defaults={"label": option.label, "sort_order": option.sort_order},
        )
    return question


def _copy_questionnaire(old: Questionnaire) -> Questionnaire:
    latest = Questionnaire.objects.filter(respondent=old.respondent).aggregate(v=Max("version"))
    new = Questionnaire.objects.create(
        respondent=old.respondent, version=latest["v"] + 1, title=old.title
    )
    for question in old.questions.prefetch_related("options"):
        copy = Question.objects.create(
            questionnaire=new,
            key=question.key,
            text=question.text,
            kind=question.kind,
            text_prompt=question.text_prompt,
            life_area_id=question.life_area_id,
            sort_order=question.sort_order,
        )
        AnswerOption.objects.bulk_create(
            AnswerOption(question=copy, code=o.code, label=o.label, sort_order=o.sort_order)
            for o in question.options.all()
        )
    return new
