"""The bulk generator above the one-team size: many teams with their staff, every record
each status implies (instruments, needs levels, goals and their attainment, performed
minutes, positive examples) and an access log of a given size; the same seed gives the
same data."""

import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from assessments import demo_data, scoring
from assessments.integrity import untruthful_cases
from assessments.models import Application, Citizen, Decision, Goal, InstrumentResult
from followup.models import FollowUp, GoalAttainment, PerformedMinutes, PositiveExample
from rehab.demo import DEMO_TEAM
from rehab.models import AccessLogEntry, Team, User
from tracks.models import Intervention

pytestmark = pytest.mark.django_db

SIZE = 2100  # just above demo_data.ONE_TEAM_UP_TO


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """One generation for the tests below (it takes seconds), rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("generate_data", citizens=SIZE, seed=11, access_log_rows=700, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _snapshot():
    return (
        list(Citizen.objects.order_by("pk").values_list("personal_number", "team__name")),
        list(
            Application.objects.order_by("pk").values_list(
                "public_id", "status", "case_officer__username", "therapist__username"
            )
        ),
        list(
            InstrumentResult.objects.order_by("pk").values_list(
                "instrument", "score", "recorded_at"
            )
        ),
        list(FollowUp.objects.order_by("pk").values_list("due_on", "level_now")),
        list(PerformedMinutes.objects.order_by("pk").values_list("month", "minutes")),
    )


def test_the_same_seed_gives_the_same_teams_cases_and_access_log(monkeypatch):
    # Cross the one-team size with a few citizens.
    monkeypatch.setattr(demo_data, "ONE_TEAM_UP_TO", 100)
    monkeypatch.setattr(demo_data, "CITIZENS_PER_TEAM", 100)
    demo_data.generate(citizens=300, seed=4, access_log_rows=50)
    first = _snapshot()
    log = list(AccessLogEntry.objects.order_by("pk").values_list("at", "user_id", "citizen_ref"))
    assert len({team for _number, team in first[0]}) >= 3
    Citizen.objects.all().delete()

    demo_data.generate(citizens=300, seed=4)
    assert _snapshot() == first
    demo_data.write_access_log(rows=50, seed=4)
    again = list(AccessLogEntry.objects.order_by("pk").values_list("at", "user_id", "citizen_ref"))[
        50:
    ]
    assert again == log


def _open_cases_per_officer() -> dict[str, int]:
    return dict(
        Application.objects.exclude(status="closed")
        .values_list("case_officer__username")
        .annotate(n=Count("pk"))
    )


def test_many_teams_each_with_staff_carrying_40_to_150_open_cases(generated):
    teams = Team.objects.annotate(citizens_count=Count("citizens")).filter(citizens_count__gt=0)
    assert teams.count() >= 3
    assert set(teams.values_list("name", flat=True)) >= {
        DEMO_TEAM,
        demo_data.LARGE_TEAM_NAME,
    }
    per_officer = _open_cases_per_officer()
    assert len(per_officer) >= 15
    assert all(40 <= n <= 150 for n in per_officer.values()), sorted(per_officer.values())
    # Everyone of a case works in the citizen's team; the demo users stay in the demo team.
    assert not Application.objects.exclude(team=F("citizen__team")).exists()
    assert not Application.objects.exclude(case_officer__team=F("team")).exists()
    assert not Application.objects.exclude(
        Q(therapist=None) | Q(therapist__team=F("team"))
    ).exists()
    assert not Citizen.objects.exclude(home_care_area__team=F("team")).exists()
    for username in ("handlaggare", "arbetsterapeut", "fysioterapeut", "enhetschef"):
        assert User.objects.get(username=username).team.name == DEMO_TEAM
    staff = User.objects.filter(username__startswith="t001-")
    assert {u.title for u in staff} == {
        "Biståndshandläggare",
        "Arbetsterapeut",
        "Fysioterapeut",
        "Enhetschef",
    }
    assert not any(u.has_usable_password() for u in staff)
    therapists = Counter(
        Application.objects.exclude(status="closed")
        .exclude(therapist=None)
        .values_list("therapist__username", flat=True)
    )
    assert len(therapists) >= 10
    assert Application.objects.exclude(physio=None).exists()
    assert Intervention.objects.filter(profession="pt").exists()


def test_every_case_is_truthful_with_its_measures_and_minutes(generated):
    assert untruthful_cases() == []
    done_visits = Application.objects.filter(visits__status="done")
    for instrument in (scoring.TRAJECTORY, scoring.EQ5D5L):
        with_it = done_visits.filter(
            instrument_results__instrument=instrument, instrument_results__occasion="assessment"
        )
        assert with_it.distinct().count() == done_visits.distinct().count()
    eq5d = InstrumentResult.objects.filter(instrument=scoring.EQ5D5L).first()
    assert re.fullmatch(r"\d{5}, VAS \d+", eq5d.score_text)
    assert set(eq5d.answers) >= {"mobility", "vas"}
    assert not Decision.objects.filter(Q(level_before=None) | Q(level_after=None)).exists()
    done = FollowUp.objects.filter(status="done")
    assert done.exists()
    assert not done.filter(level_now=None).exists()
    assert done.filter(application__instrument_results__occasion="follow_up").exists()
    assert Goal.objects.exists()
    assert not Goal.objects.filter(life_area=None).exists()
    assert GoalAttainment.objects.filter(follow_up__in=done).exists()
    assert not GoalAttainment.objects.exclude(follow_up__status="done").exists()
    assert PerformedMinutes.objects.filter(month__lt=timezone.localdate().replace(day=1)).exists()
    assert PositiveExample.objects.filter(application__status="closed").exists()
    # Instruments are dated when they were recorded, not when the generator ran.
    first = InstrumentResult.objects.order_by("recorded_at").first().recorded_at
    assert first < timezone.now() - datetime.timedelta(days=30)


def test_the_access_log_has_the_rows_asked_for_over_five_years(generated):
    assert AccessLogEntry.objects.count() == 700
    today = timezone.localdate()
    first, last = (
        AccessLogEntry.objects.order_by("at").first(),
        AccessLogEntry.objects.order_by("at").last(),
    )
    assert (today - timezone.localdate(first.at)).days <= 5 * 366
    assert timezone.localdate(last.at) <= today
    citizens = set(Citizen.objects.values_list("public_id", flat=True))
    entries = list(AccessLogEntry.objects.select_related("user"))
    assert {entry.citizen_ref for entry in entries} <= citizens
    assert all(entry.purpose and entry.user.team_id for entry in entries)
    assert {"list", "read", "update"} <= {entry.action for entry in entries}
    assert "assessments:application_detail" in {entry.view for entry in entries}
    assert re.search(r"rehab_accesslogentry +700\n", generated)
    assert re.search(r"assessments_citizen +2100\n", generated)
