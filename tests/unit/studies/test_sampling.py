"""Drawing a study's sample: the bounds on hand-picked days, and the seed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from studies import services
from studies.models import Respondent, SampledCase
from tests.unit.studies.helpers import answer_all, drawn_application_ids, granted_case, study

pytestmark = pytest.mark.django_db

SAMPLING_DAY = datetime.date(2026, 6, 15)


@pytest.fixture
def manager(demo_users):
    return demo_users["enhetschef"]


def test_the_sample_holds_the_services_ongoing_between_the_bounds(officer, therapist, manager):
    """On 15 June 2026, "at least 3 months and at most 2 years" means started between
    15 June 2024 and 15 March 2026, both days included."""
    made = {
        day: granted_case(officer=officer, therapist=therapist, decided_on=day)
        for day in (
            datetime.date(2026, 3, 15),  # exactly 3 months: in
            datetime.date(2026, 3, 16),  # a day short of 3 months: out
            datetime.date(2024, 6, 15),  # exactly 2 years: in
            datetime.date(2024, 6, 14),  # a day over 2 years: out
        )
    }
    granted_case(  # another service
        officer=officer, therapist=therapist, decided_on=datetime.date(2025, 6, 1), service="stad"
    )
    granted_case(  # shower applied for and refused
        officer=officer, therapist=therapist, decided_on=datetime.date(2025, 6, 1), granted=[]
    )
    default = study(manager=manager, sampling_day=SAMPLING_DAY)
    services.sample_draw(study=default, actor=manager)
    assert set(drawn_application_ids(default)) == {
        made[datetime.date(2026, 3, 15)].pk,
        made[datetime.date(2024, 6, 15)].pk,
    }
    start = SampledCase.objects.get(study=default, application=made[datetime.date(2024, 6, 15)])
    assert start.service_start == datetime.date(2024, 6, 15)

    # Both bounds are the manager's: 1 to 6 months takes 16 Dec 2025 – 15 May 2026.
    narrow = study(manager=manager, sampling_day=SAMPLING_DAY, min_months=1, max_months=6)
    services.sample_draw(study=narrow, actor=manager)
    assert set(drawn_application_ids(narrow)) == {
        made[datetime.date(2026, 3, 15)].pk,
        made[datetime.date(2026, 3, 16)].pk,
    }


def test_the_upper_bound_may_not_be_below_the_lower(manager):
    with pytest.raises(ValidationError) as refused:
        study(manager=manager, sampling_day=SAMPLING_DAY, min_months=6, max_months=3)
    assert "max_months" in refused.value.error_dict


def test_the_same_seed_draws_the_same_sample():
    candidates = [(n, datetime.date(2025, 1, n)) for n in range(1, 11)]
    first = services.draw(candidates, sample_size=3, seed=20261202)
    assert len(first) == 3 and set(first) <= set(candidates)
    assert services.draw(candidates, sample_size=3, seed=20261202) == first
    # A sample as large as the candidates (or none asked for) takes every one, in order.
    assert services.draw(candidates, sample_size=10, seed=1) == candidates
    assert services.draw(candidates, sample_size=None, seed=1) == candidates


def test_drawing_again_and_another_study_with_the_seed_give_the_same_cases(
    officer, therapist, manager
):
    for day in (datetime.date(2025, 1, 10), datetime.date(2025, 2, 10), datetime.date(2025, 3, 10)):
        granted_case(officer=officer, therapist=therapist, decided_on=day)
    first = study(manager=manager, sampling_day=SAMPLING_DAY, sample_size=2, seed=7)
    services.sample_draw(study=first, actor=manager)
    drawn = drawn_application_ids(first)
    assert len(drawn) == 2

    services.sample_draw(study=first, actor=manager)
    assert drawn_application_ids(first) == drawn
    again = study(manager=manager, sampling_day=SAMPLING_DAY, sample_size=2, seed=first.seed)
    services.sample_draw(study=again, actor=manager)
    assert drawn_application_ids(again) == drawn


def test_a_sample_with_answers_is_not_drawn_again(officer, therapist, manager):
    granted_case(officer=officer, therapist=therapist, decided_on=datetime.date(2025, 1, 10))
    drawn = study(manager=manager, sampling_day=SAMPLING_DAY)
    services.sample_draw(study=drawn, actor=manager)
    answer_all(drawn.sampled_cases.get(), respondent=Respondent.CASE_OFFICER, actor=officer)
    with pytest.raises(ValidationError):
        services.sample_draw(study=drawn, actor=manager)
    assert drawn.sampled_cases.count() == 1


def test_a_new_study_has_a_stored_seed_and_the_latest_questionnaires(manager):
    made = services.study_create(
        actor=manager,
        name="Städ",
        service=granted_service_type("stad"),
        sampling_day=SAMPLING_DAY,
    )
    assert 0 <= made.seed < services.MAX_SEED
    assert (made.min_months, made.max_months) == (3, 24)
    assert made.citizen_questionnaire.version == 1
    assert made.citizen_questionnaire.title == "Medborgarens frågor"


def granted_service_type(code):
    from assessments.models import ServiceType

    return ServiceType.objects.get(code=code)
