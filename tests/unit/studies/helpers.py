"""Study cases for the tests: decided cases of the demo team with one granted service, a
study of the demo manager, and another team's study for the permission matrix."""

import datetime

from django.utils import timezone

from assessments.models import ServiceType
from rehab.models import Team, User
from studies import services
from studies.models import Respondent, SampledCase, Study
from tests.factories import decided_case

DAY = datetime.timedelta(days=1)


def granted_case(*, officer, therapist, decided_on, service="dusch", granted=None, **fields):
    """A case decided on ``decided_on`` granting ``service`` (or as ``granted`` says)."""
    fields.setdefault("received_on", decided_on - 10 * DAY)
    return decided_case(
        officer=officer,
        therapist=therapist,
        decided_on=decided_on,
        granted=granted,
        services=(service,),
        **fields,
    )


def study(*, manager, sampling_day, service="dusch", **fields) -> Study:
    fields.setdefault("seed", 42)
    return services.study_create(
        actor=manager,
        name=fields.pop("name", "Dusch 2026"),
        service=ServiceType.objects.get(code=service),
        sampling_day=sampling_day,
        **fields,
    )


def drawn_application_ids(study: Study) -> list[int]:
    return list(
        SampledCase.objects.filter(study=study)
        .order_by("position")
        .values_list("application_id", flat=True)
    )


def answer_all(sampled_case, *, respondent, actor, option_code="ja", name=""):
    """Answer every question of the pinned questionnaire: the option ``option_code`` where
    the question has it (else its first option), "Svar" to a free-text question."""
    questionnaire = sampled_case.study.questionnaire_for(respondent)
    answers = []
    for question in questionnaire.questions.prefetch_related("options"):
        options = list(question.options.all())
        option = next(
            (o for o in options if o.code == option_code), options[0] if options else None
        )
        answers.append(
            services.AnswerInput(question=question, option=option, text="" if option else "Svar")
        )
    return services.response_record(
        sampled_case=sampled_case,
        respondent=respondent,
        actor=actor,
        answers=answers,
        respondent_name=name or ("Eva Utförare" if respondent == Respondent.PROVIDER else ""),
        expected_version=None,
    )


def other_team_study_objects() -> dict:
    """A drawn study of "Team Söder" (from tests.support.cases.other_team_objects) with its
    one case: the URL keys of the permission matrix."""
    team = Team.objects.get(name="Team Söder")
    manager = User.objects.get(username="soder-enhetschef")
    other = services.study_create(
        actor=manager,
        name="Städ Söder",
        service=ServiceType.objects.get(code="stad"),
        sampling_day=timezone.localdate(),
        min_months=0,
        seed=1,
    )
    assert other.team == team
    services.sample_draw(study=other, actor=manager)
    return {
        "studies": other.public_id,
        "study-cases": SampledCase.objects.get(study=other).public_id,
    }
