"""The generator's COPY path (PostgreSQL only): the rows it writes with COPY are the rows
``bulk_create`` would write, each case tells the truth, and the access log has the rows
asked for."""

import pytest

from assessments import demo_data
from assessments.integrity import untruthful_cases
from assessments.models import Application, Citizen, InstrumentResult
from followup.models import GoalAttainment, PerformedMinutes
from rehab.models import AccessLogEntry, Team

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_the_generator_writes_every_record_with_copy(monkeypatch):
    monkeypatch.setattr(demo_data, "ONE_TEAM_UP_TO", 100)
    monkeypatch.setattr(demo_data, "CITIZENS_PER_TEAM", 100)
    result = demo_data.generate(citizens=300, seed=4, access_log_rows=120)

    assert untruthful_cases() == []
    assert Citizen.objects.count() == result.tables["assessments_citizen"] == 300
    assert Application.objects.count() == result.applications
    assert Team.objects.filter(citizens__isnull=False).distinct().count() >= 3
    eq5d = InstrumentResult.objects.filter(instrument="eq5d5l").first()
    assert isinstance(eq5d.answers, dict)
    assert eq5d.score_text.startswith(eq5d.answers["health_state"])
    assert GoalAttainment.objects.exists()
    assert PerformedMinutes.objects.exists()
    assert AccessLogEntry.objects.count() == 120
    entry = AccessLogEntry.objects.first()
    assert entry.purpose
    assert str(entry.ip_address).startswith("10.")
