"""How many needed less than they applied for: decided cases by the minutes granted in all
against the minutes applied for, on hand-made cases."""

import datetime

import pytest
from django.utils import timezone

from followup import indicators, tables
from followup.indicators import Scope
from tests.factories import received_case
from tests.support import flow

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def decided_with(officer, therapist, change: int):
    """A case applying for a shower, decided with ``change`` minutes more (or fewer) than
    applied for."""
    application = received_case(officer=officer, therapist=therapist, services=("dusch",))
    applied = application.applied_services.get().minutes_per_week
    return flow.decided(
        application, officer=officer, therapist=therapist, granted=[("dusch", applied + change)]
    )


@pytest.fixture
def twelve_cases(officer, therapist):
    """Six granted 15 minutes fewer than applied, five as many, one 30 more."""
    for change in [-15] * 6 + [0] * 5 + [30]:
        decided_with(officer, therapist, change)


def scope_of(officer) -> Scope:
    today = timezone.localdate()
    return Scope(
        period_start=today - datetime.timedelta(days=30),
        period_end=today,
        team_ids=(officer.team_id,),
    )


def test_the_decided_cases_by_minutes_granted_against_applied(officer, twelve_cases):
    assert indicators.needed_less(scope_of(officer)) == {
        "less": {"cases": 6, "people": 6},
        "same": {"cases": 5, "people": 5},
        "more": {"cases": 1, "people": 1},
        "total": {"cases": 12, "people": 12},
    }


def test_the_table_hides_the_lone_small_row_and_its_complement(officer, twelve_cases):
    figures = indicators.dashboard(scope_of(officer), today=timezone.localdate())
    table = tables.needed_table(figures)
    assert [[cell.text for cell in row] for row in table.rows] == [
        ["Beviljades färre minuter än ansökt", "6", f"50{NBSP}%"],
        # 1 would be 12 − 6 − 5: the 5 is hidden with it.
        ["Beviljades lika många minuter som ansökt", "–", "–"],
        ["Beviljades fler minuter än ansökt", "<5", "–"],
        ["Totalt", "12", f"100{NBSP}%"],
    ]
    assert table.key in {t.key for t in tables.all_tables(figures)}


def test_another_teams_cases_are_not_counted(officer, twelve_cases):
    from tests.factories import TeamFactory

    other = Scope(
        period_start=timezone.localdate() - datetime.timedelta(days=30),
        period_end=timezone.localdate(),
        team_ids=(TeamFactory(name="Team Väst").pk,),
    )
    assert indicators.needed_less(other)["total"] == {"cases": 0, "people": 0}
