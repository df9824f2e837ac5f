"""Every read of the follow-up studies that a page, a download or a service needs. A study
and its sampled cases are scoped to the user's team here, once."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from assessments.display import citizen_display_name
from assessments.models import GrantedService
from assessments.selectors import name_granted
from followup.services import add_months
from rehab.models import User

from .models import Question, Questionnaire, Respondent, Response, SampledCase, Study

ONGOING = [GrantedService.Outcome.GRANTED, GrantedService.Outcome.PARTLY_GRANTED]


def latest_questionnaires() -> dict[str, Questionnaire]:
    latest: dict[str, Questionnaire] = {}
    for questionnaire in Questionnaire.objects.order_by("respondent", "-version"):
        latest.setdefault(questionnaire.respondent, questionnaire)
    return latest


def questionnaire_in_use(questionnaire: Questionnaire) -> bool:
    return Study.objects.filter(
        Q(case_officer_questionnaire=questionnaire)
        | Q(provider_questionnaire=questionnaire)
        | Q(citizen_questionnaire=questionnaire)
    ).exists()


def sampling_bounds(study: Study) -> tuple[datetime.date, datetime.date]:
    """The earliest and the latest start of a service ongoing between the study's bounds on
    its sampling day (both days included)."""
    return (
        add_months(study.sampling_day, -study.max_months),
        add_months(study.sampling_day, -study.min_months),
    )


def sampling_candidates(study: Study) -> list[tuple[int, datetime.date]]:
    """(application id, service start) of every case of the study's team with the study's
    service granted (fully or partly), started between the bounds, still valid and the case
    not closed on the sampling day; in the order of the cases, so a seed picks the same."""
    earliest, latest = sampling_bounds(study)
    day = study.sampling_day
    return list(
        GrantedService.objects.filter(
            service=study.service,
            outcome__in=ONGOING,
            decision__application__team=study.team,
        )
        .annotate(start=Coalesce("decision__valid_from", "decision__decided_on"))
        .filter(start__gte=earliest, start__lte=latest)
        .filter(Q(decision__valid_until__isnull=True) | Q(decision__valid_until__gte=day))
        .exclude(decision__application__closure__closed_on__lte=day)
        .order_by("decision__application_id")
        .values_list("decision__application_id", "start")
    )


def studies_for(user: User) -> QuerySet[Study]:
    return (
        Study.objects.filter(team_id=user.team_id)
        .select_related("service")
        .annotate(n_sampled=Count("sampled_cases"))
    )


def study_for(user: User, public_id) -> Study:
    """The study of the user's team (Study.DoesNotExist otherwise)."""
    return Study.objects.select_related(
        "service",
        "team",
        "case_officer_questionnaire",
        "provider_questionnaire",
        "citizen_questionnaire",
    ).get(public_id=public_id, team_id=user.team_id)


def sampled_case_for(user: User, public_id) -> SampledCase:
    """A sampled case of a study of the user's team, with the citizen's name visibility."""
    return (
        SampledCase.objects.select_related(
            "study__service",
            "study__case_officer_questionnaire",
            "study__provider_questionnaire",
            "study__citizen_questionnaire",
            "application__citizen",
            "application__case_officer",
        )
        .annotate(name_granted=name_granted(user, "application__citizen"))
        .get(public_id=public_id, study__team_id=user.team_id)
    )


@dataclass(frozen=True)
class SampleRow:
    sampled_case: SampledCase
    citizen_ref: object
    display_name: str
    case_officer: str
    statuses: dict[str, Response | None]


def sample_rows(study: Study, user: User) -> list[SampleRow]:
    """The sampled cases with each respondent's response, in two queries."""
    cases = (
        SampledCase.objects.filter(study=study)
        .select_related("application__citizen", "application__case_officer")
        .annotate(name_granted=name_granted(user, "application__citizen"))
        .prefetch_related(Prefetch("responses", queryset=Response.objects.all()))
        .order_by("position")
    )
    rows = []
    for case in cases:
        by_respondent = {r.respondent: r for r in case.responses.all()}
        citizen = case.application.citizen
        rows.append(
            SampleRow(
                sampled_case=case,
                citizen_ref=citizen.public_id,
                display_name=citizen_display_name(citizen, case.name_granted),
                case_officer=case.application.case_officer.get_full_name()
                or case.application.case_officer.username,
                statuses={r.value: by_respondent.get(r.value) for r in Respondent},
            )
        )
    return rows


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.select_related("life_area").prefetch_related("options"))


def response_of(sampled_case: SampledCase, respondent: str) -> Response | None:
    return (
        Response.objects.filter(sampled_case=sampled_case, respondent=respondent)
        .prefetch_related("answers")
        .first()
    )
