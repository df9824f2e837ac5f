"""Granted vs performed minutes per service and month, on hand-made cases whose figures
were worked out beforehand (see the test's text)."""

import datetime

import pytest

from assessments.models import ServiceType
from followup.demo import on_day
from followup.indicators import Scope
from followup.models import FollowUp, PerformedMinutes
from followup.performed import granted_vs_performed
from followup.services import follow_up_record
from tests.factories import TeamFactory, decided_case, received_case
from tests.support import flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(demo_users):
    return demo_users["enhetschef"]


def performed(citizen, code: str, month: str, minutes: int, *, actor):
    return PerformedMinutes.objects.create(
        citizen=citizen,
        service=ServiceType.objects.get(code=code),
        month=datetime.date.fromisoformat(f"{month}-01"),
        minutes=minutes,
        imported_at=datetime.datetime(2026, 7, 2, 8, tzinfo=datetime.UTC),
        imported_by=actor,
    )


def test_granted_vs_performed_on_three_hand_made_cases(
    officer, therapist, manager, django_assert_num_queries
):
    """April (30 days), May (31) and June (30) 2026; a week is 7 days.

    A: shower 70 min/week from 10 March, open. Granted April 70 × 30/7 = 300, May 310,
       June 300; performed April 280, May 310, June nothing.
    B: cleaning 60 min/week decided 16 May, closed 20 June. Granted May 60 × 16/7 = 137.1
       → 137, June 60 × 20/7 = 171.4 → 171; performed May 100, June 257.
    C: shower 35 min/week valid 1 April – 10 May. Granted April 150, May 35 × 10/7 = 50;
       performed April 150, May 60, and June 20 without a grant.

    Shower:   April 2 people, 450 granted, 430 performed, gap 20;
              May 2 people, 360 granted, 370 performed, gap −10;
              June 1 person, 300 granted, 0 performed, gap 300, 20 without a grant.
    Cleaning: May 1 person, 137 granted, 100 performed, gap 37;
              June 1 person, 171 granted, 257 performed, gap −86.
    """
    a = decided_case(
        officer=officer,
        therapist=therapist,
        services=("dusch",),
        received_on=datetime.date(2026, 3, 2),
        decided_on=datetime.date(2026, 3, 10),
        granted=[("dusch", 70)],
    )
    b = decided_case(
        officer=officer,
        therapist=therapist,
        services=("stad",),
        received_on=datetime.date(2026, 5, 4),
        decided_on=datetime.date(2026, 5, 16),
        granted=[("stad", 60)],
    )
    c = flow.decided(
        received_case(
            officer=officer,
            therapist=therapist,
            services=("dusch",),
            received_on=datetime.date(2026, 3, 20),
        ),
        officer=officer,
        therapist=therapist,
        decided_on=datetime.date(2026, 3, 30),
        granted=[("dusch", 35)],
        valid_from=datetime.date(2026, 4, 1),
        valid_until=datetime.date(2026, 5, 10),
    )
    follow_up = FollowUp.objects.filter(application=b).order_by("months").first()
    with on_day(datetime.datetime(2026, 6, 20, 10, tzinfo=datetime.UTC)):
        follow_up_record(
            follow_up=follow_up,
            actor=officer,
            expected_version=follow_up.version,
            services=[],
            early_reason="Den enskilde ringde.",
            close_reason="needs_ended",
        )
    for citizen, code, month, minutes in [
        (a.citizen, "dusch", "2026-04", 280),
        (a.citizen, "dusch", "2026-05", 310),
        (b.citizen, "stad", "2026-05", 100),
        (b.citizen, "stad", "2026-06", 257),
        (c.citizen, "dusch", "2026-04", 150),
        (c.citizen, "dusch", "2026-05", 60),
        (c.citizen, "dusch", "2026-06", 20),
        (c.citizen, "dusch", "2026-07", 999),  # outside the period
    ]:
        performed(citizen, code, month, minutes, actor=manager)
    scope = Scope(
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        team_ids=(officer.team_id,),
    )
    with django_assert_num_queries(3):
        rows = granted_vs_performed(scope)
    assert [
        (
            row.code,
            f"{row.month:%Y-%m}",
            row.people,
            row.granted_minutes,
            row.performed_minutes,
            row.gap,
            row.performed_without_grant,
        )
        for row in rows
    ] == [
        ("dusch", "2026-04", 2, 450, 430, 20, 0),
        ("dusch", "2026-05", 2, 360, 370, -10, 0),
        ("dusch", "2026-06", 1, 300, 0, 300, 20),
        ("stad", "2026-05", 1, 137, 100, 37, 0),
        ("stad", "2026-06", 1, 171, 257, -86, 0),
    ]

    assert all(row.reported for row in rows)
    # July and August: the open case's shower is still granted; the provider reported July
    # (999 minutes for c, who had no grant then) but not August.
    later = Scope(
        period_start=datetime.date(2026, 7, 1),
        period_end=datetime.date(2026, 8, 31),
        team_ids=(officer.team_id,),
    )
    assert [
        (row.code, f"{row.month:%m}", row.people, row.performed_minutes, row.reported)
        for row in granted_vs_performed(later)
    ] == [("dusch", "07", 1, 0, True), ("dusch", "08", 1, 0, False)]

    other_team = Scope(
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 6, 30),
        team_ids=(TeamFactory(name="Team Norr 9").pk,),
    )
    assert granted_vs_performed(other_team) == []


def test_the_demo_has_performed_minutes_some_below_what_was_granted(demo_users):
    from django.utils import timezone

    from followup.demo import generate_through_services

    generate_through_services(citizens=12, seed=3)
    assert PerformedMinutes.objects.exists()
    today = timezone.localdate()
    rows = granted_vs_performed(
        Scope(period_start=today - datetime.timedelta(days=365), period_end=today)
    )
    assert any(row.gap > 0 and row.performed_minutes for row in rows)
    assert all(row.performed_minutes <= row.granted_minutes for row in rows)
