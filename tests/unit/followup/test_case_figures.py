"""Each case's figures (``followup.CaseFigures``) follow the services' writes at once, the
nightly rebuild writes the same rows, and the overview keeps its figures with their date.

The cases are those of test_dashboard.py (walked through the services): case 1 applies for
60 minutes of dusch a week and is granted 30, förlopp 2, EQ-5D 22222 (sum 10) and VAS 50
at the visit; its 3-month follow-up records 11222 (sum 8) and VAS 70.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from followup import dashboard_figures, indicators, tasks
from followup.models import CaseFigures
from tests.support import flow
from tests.unit.followup.test_dashboard import decision_day, follow_up, walk_case

pytestmark = pytest.mark.django_db


def figures_of(application) -> tuple:
    row = CaseFigures.objects.get(application=application)
    return (
        row.applied_minutes,
        row.granted_minutes,
        row.applied_services,
        row.granted_services,
        row.trajectory,
        row.eq5d_sum_before,
        row.vas_before,
        row.eq5d_sum_after,
        row.vas_after,
        row.joint_assessment,
    )


def test_a_decision_through_the_services_is_in_the_figures_at_once(officer, therapist):
    decided_on = decision_day()
    application = walk_case(1, officer=officer, therapist=therapist, decided_on=decided_on)

    # Written by the services themselves (nothing has read the indicators yet).
    assert figures_of(application) == (
        60,
        30,
        1,
        1,
        Decimal(2),
        Decimal(10),
        50.0,
        None,
        None,
        True,
    )
    hourly = indicators.compute(indicators.Scope(decided_on, decided_on, (officer.team_id,))).hourly
    assert (hourly.citizens, hourly.applied_minutes_per_week, hourly.granted_minutes_per_week) == (
        1,
        60,
        30,
    )


def test_a_follow_up_through_the_services_is_in_the_figures_at_once(officer, therapist):
    application = walk_case(1, officer=officer, therapist=therapist, decided_on=decision_day())
    flow.follow_ups_fall_due(today=timezone.localdate())

    follow_up(application, officer=officer, level=1, attainment="achieved")

    assert figures_of(application)[7:9] == (Decimal(8), 70.0)


def test_the_rebuild_writes_the_same_rows_as_the_services_and_heals_a_drifted_one(
    officer, therapist
):
    decided_on = decision_day()
    cases = [
        walk_case(number, officer=officer, therapist=therapist, decided_on=decided_on)
        for number in (1, 2, 6)
    ]
    flow.follow_ups_fall_due(today=timezone.localdate())
    follow_up(cases[0], officer=officer, level=1, attainment="achieved")
    written = list(CaseFigures.objects.order_by("pk").values())
    assert len(written) == 3

    CaseFigures.objects.filter(application=cases[1]).update(granted_minutes=999)
    assert tasks.rebuild_case_figures() == 3

    assert list(CaseFigures.objects.order_by("pk").values()) == written


def test_a_case_without_figures_gets_them_when_the_indicators_read_it(officer, therapist):
    decided_on = decision_day()
    application = walk_case(2, officer=officer, therapist=therapist, decided_on=decided_on)
    CaseFigures.objects.all().delete()  # as after a load written around the services

    hourly = indicators.compute(indicators.Scope(decided_on, decided_on, (officer.team_id,))).hourly

    assert (hourly.applied_minutes_per_week, hourly.granted_minutes_per_week) == (60, 30)
    assert figures_of(application)[:2] == (60, 30)


def test_the_overview_shows_when_its_kept_figures_were_computed_and_a_decision_refreshes_them(
    client, demo_users, officer, therapist, django_capture_on_commit_callbacks
):
    client.force_login(demo_users["enhetschef"])
    first = client.get(reverse("followup:overview"), HTTP_ACCEPT_LANGUAGE="sv")
    computed_at = first.context["computed_at"]
    assert (
        f"Siffrorna beräknades {timezone.localtime(computed_at):%Y-%m-%d %H:%M}"
        in first.content.decode()
    )

    with django_capture_on_commit_callbacks() as callbacks:
        walk_case(1, officer=officer, therapist=therapist, decided_on=decision_day())
    # The decision asked for the team's figures to be computed again after its commit.
    assert callbacks
    # Until then the page shows the kept figures, with their time.
    assert client.get(reverse("followup:overview")).context["computed_at"] == computed_at

    tasks.refresh_team_figures(officer.team_id)

    today = timezone.localdate()
    kept = dashboard_figures.overview_for(
        dashboard_figures.overview_scope([officer.team_id], today), today
    )
    assert kept.figures.hourly.citizens == 1
    assert kept.figures.hourly.granted_minutes_per_week == 30
    assert client.get(reverse("followup:overview")).context["computed_at"] == kept.computed_at
    assert kept.computed_at > computed_at


def test_before_the_first_refresh_of_the_day_the_overview_shows_yesterdays_figures(
    client, demo_users, officer
):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    kept = dashboard_figures.compute_overview(
        dashboard_figures.overview_scope([officer.team_id], yesterday), yesterday
    )
    client.force_login(demo_users["enhetschef"])

    response = client.get(reverse("followup:overview"))

    assert response.context["computed_at"] == kept.computed_at
    assert response.context["scope"].period_end == yesterday
