"""The demo as bin/run loads it: every case walked through the services."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.integrity import untruthful_cases
from assessments.models import Application, Citizen, Decision, Goal, InstrumentResult
from followup.demo import generate_through_services
from followup.models import CaseClosure, FollowUp, GoalAttainment, TemporaryIncrease
from tracks.models import Handover, TrackAssignment

pytestmark = pytest.mark.django_db


def test_the_demo_of_300_citizens_tells_the_truth_in_every_case(client):
    out = StringIO()
    call_command("setup_demo", citizens=300, seed=1, stdout=out)
    assert re.search(
        r"Generated 300 citizens, \d+ applications through the services", out.getvalue()
    )
    assert untruthful_cases() == []
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {
        "received",
        "visit_booked",
        "assessed",
        "in_track",
        "awaiting_decision",
        "decided",
        "follow_up_due",
        "closed",
    }
    # The variety of the demo: several queues, visits ahead, overdue follow-ups, closures
    # with their reasons, the three tracks and handovers.
    officers = set(Application.objects.values_list("case_officer__username", flat=True))
    assert {"handlaggare", "handlaggare2", "handlaggare3"} <= officers
    assert Application.objects.filter(
        status="visit_booked", visits__scheduled_at__gt=timezone.now()
    ).exists()
    assert FollowUp.objects.filter(status="due", due_on__lt=timezone.localdate()).exists()
    assert (
        CaseClosure.objects.exclude(reason="").count()
        == Application.objects.filter(status="closed").count()
    )
    assert set(TrackAssignment.objects.values_list("track", flat=True)) == {1, 2, 3}
    assert Handover.objects.exists()
    # The instruments the dashboard and the projection count: förlopp and EQ-5D-5L at every
    # visit done, EQ-5D-5L again at every follow-up done (the pilot cohort, loaded from the
    # published figures, has none).
    visited = (
        Application.objects.filter(visits__status="done")
        .exclude(import_key__startswith="pilot:")
        .values("pk")
        .distinct()
    )
    results = InstrumentResult.objects.filter(application__in=visited)
    for instrument in ("trajectory", "eq5d5l"):
        assert set(
            results.filter(instrument=instrument, occasion="assessment").values_list(
                "application", flat=True
            )
        ) == set(visited.values_list("pk", flat=True)), instrument
    assert set(results.filter(instrument="trajectory").values_list("score", flat=True)) == {1, 2, 3}
    # Needs levels at every decision, goals in their life areas, attainments at follow-ups.
    decided = Decision.objects.filter(application__in=visited)
    assert decided.exists() and not decided.filter(level_before=None).exists()
    goals = Goal.objects.filter(application__in=visited)
    assert goals.exists() and not goals.filter(life_area=None).exists()
    assert set(
        GoalAttainment.objects.filter(goal__in=goals).values_list("attainment", flat=True)
    ) == {"achieved", "partly", "not"}
    assert (
        results.filter(instrument="eq5d5l", occasion="follow_up").count()
        == FollowUp.objects.filter(status="done", application__in=visited).count()
        > 0
    )
    # Some decided cases have a temporary increase of a granted service after the decision.
    increases = TemporaryIncrease.objects.select_related("application__decision")
    assert increases.exists()
    for increase in increases:
        assert increase.starts_on > increase.application.decision.decided_on
        assert increase.reason == "Efter sjukhusvistelse"
        assert increase.extra_minutes_per_week == 60
    # Every follow-up opens for the case's officer.
    for follow_up in FollowUp.objects.select_related("application__case_officer"):
        client.force_login(follow_up.application.case_officer)
        url = reverse(
            "followup:follow_up", args=[follow_up.application.public_id, follow_up.months]
        )
        assert client.get(url).status_code == 200, (follow_up.status, url)


def test_the_same_seed_walks_the_same_cases(demo_users):
    generate_through_services(citizens=15, seed=4)
    first = list(
        Application.objects.order_by("pk").values_list(
            "citizen__personal_number", "status", "received_on"
        )
    )
    Citizen.objects.all().delete()
    generate_through_services(citizens=15, seed=4)
    again = Application.objects.order_by("pk").values_list(
        "citizen__personal_number", "status", "received_on"
    )
    assert list(again) == first
