import datetime

import pytest

from studies import services
from studies.models import NonResponseReason, Respondent
from tests.unit.studies.helpers import answer_all, granted_case, study

SAMPLING_DAY = datetime.date(2026, 6, 15)


@pytest.fixture
def manager(demo_users):
    return demo_users["enhetschef"]


@pytest.fixture
def six_case_study(officer, therapist, manager):
    """Six cases with shower ongoing on the sampling day, all drawn. The case officer
    answered four ("Ja" throughout), one citizen cannot be interviewed because of dementia,
    one case is not answered yet; five citizens answered ("Ja" throughout)."""
    for month in range(1, 7):
        granted_case(
            officer=officer, therapist=therapist, decided_on=datetime.date(2025, month, 10)
        )
    made = study(manager=manager, sampling_day=SAMPLING_DAY)
    cases = services.sample_draw(study=made, actor=manager)
    for case in cases[:4]:
        answer_all(case, respondent=Respondent.CASE_OFFICER, actor=officer)
    services.non_response_record(
        sampled_case=cases[4],
        respondent=Respondent.CASE_OFFICER,
        actor=officer,
        reason=NonResponseReason.DEMENTIA,
        expected_version=None,
    )
    for case in cases[:5]:
        answer_all(case, respondent=Respondent.CITIZEN, actor=manager)
    return made
