"""Temporary increases (tillfälliga utökningar) of a granted service: what the service
refuses, the case officer's page, and the dashboard's indicator.

The dashboard's cases, all decided on 31 January 2026 and granted dusch (case C also städ):

  case  service  extra/week  period
  A     dusch    +60         2026-02-01 – 2026-02-28
  A     dusch    +30         2026-04-01 – 2026-04-30
  B     dusch    +90         2026-02-15 – 2026-03-14
  C     städ     +45         2026-06-01 – 2026-06-30

Worked out by hand: in February–March 2026 dusch has A's first and B's increase (A's
second starts after the period): 2 people, 2 increases, (60 + 90) / 2 = 75 min a week; no
städ row. In the whole of 2026: dusch 2 people, 3 increases, (60 + 30 + 90) / 3 = 60; städ
1 person, 1 increase, 45. Every row counts fewer than five people: "<5", "<5", "–".
With five people who each have dusch +60 in February, one of them +30 in March too:
5 people, 6 increases, (5 × 60 + 30) / 6 = 55 min a week, shown.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import ServiceType
from followup import indicators, tables
from followup.models import TemporaryIncrease
from followup.services import temporary_increase_record
from rehab.models import AccessLogEntry, User
from tests.factories import case_in_track, decided_case

pytestmark = pytest.mark.django_db

DECIDED_ON = datetime.date(2026, 1, 31)
NBSP = "\u00a0"


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def decided(officer, therapist, *, services=("dusch",), granted=(("dusch", 60),)):
    return decided_case(
        officer=officer,
        therapist=therapist,
        services=services,
        granted=list(granted),
        decided_on=DECIDED_ON,
        received_on=DECIDED_ON - datetime.timedelta(days=10),
    )


def service(code: str) -> ServiceType:
    return ServiceType.objects.get(code=code)


def record(application, *, code="dusch", minutes=60, start="2026-02-01", end="2026-02-28"):
    return temporary_increase_record(
        application=application,
        service=service(code),
        extra_minutes_per_week=minutes,
        starts_on=day(start),
        ends_on=day(end),
        reason="Efter sjukhusvistelse",
        actor=application.case_officer,
    )


def refusal(**kwargs) -> dict:
    with pytest.raises(ValidationError) as raised:
        record(**kwargs)
    return {key: [str(m) for m in messages] for key, messages in raised.value.message_dict.items()}


# --- the service --------------------------------------------------------------------------


def test_an_increase_is_recorded_with_its_history(officer, therapist):
    application = decided(officer, therapist)
    increase = record(application)
    assert (increase.service.code, increase.extra_minutes_per_week) == ("dusch", 60)
    assert (increase.starts_on, increase.ends_on) == (day("2026-02-01"), day("2026-02-28"))
    assert increase.decided_by == officer
    assert increase.history.count() == 1


def test_a_case_not_yet_decided_is_refused(officer, therapist):
    application = case_in_track(officer=officer, therapist=therapist)
    assert refusal(application=application) == {
        "__all__": [
            "En tillfällig utökning kan bara registreras i ett beslutat ärende som inte är "
            "avslutat."
        ]
    }


def test_a_service_the_decision_refused_is_refused(officer, therapist):
    application = decided(officer, therapist, services=("dusch", "stad"))
    assert refusal(application=application, code="stad") == {
        "service": ["Bara en insats som beslutet beviljat kan utökas tillfälligt."]
    }
    assert refusal(application=application, code="tvatt") == {
        "service": ["Bara en insats som beslutet beviljat kan utökas tillfälligt."]
    }


def test_a_start_before_the_decision_is_refused(officer, therapist):
    application = decided(officer, therapist)
    assert refusal(application=application, start="2026-01-30") == {
        "starts_on": ["Utökningen kan inte börja före beslutsdatumet, 2026-01-31."]
    }


def test_more_than_six_months_is_refused_and_six_are_accepted(officer, therapist):
    application = decided(officer, therapist)
    assert refusal(application=application, start="2026-02-01", end="2026-08-01") == {
        "ends_on": [
            "En tillfällig utökning gäller i högst 6 månader: sista dagen kan vara senast "
            "2026-07-31."
        ]
    }
    assert refusal(application=application, start="2026-02-01", end="2026-01-31") == {
        "ends_on": ["Sista dagen kan inte vara före första dagen."]
    }
    assert record(application, start="2026-02-01", end="2026-07-31").pk


def test_an_overlap_with_the_same_service_is_refused(officer, therapist):
    application = decided(
        officer,
        therapist,
        services=("dusch", "stad"),
        granted=[
            ("dusch", 60),
            ("stad", 30),
        ],
    )
    record(application, start="2026-02-01", end="2026-02-28")
    assert refusal(application=application, start="2026-02-28", end="2026-03-10") == {
        "starts_on": [
            "Perioden överlappar den tillfälliga utökningen av Dusch 2026-02-01 – 2026-02-28."
        ]
    }
    # The next day, and another service the same days, are not overlaps.
    record(application, start="2026-03-01", end="2026-03-10")
    record(application, code="stad", start="2026-02-10", end="2026-02-20")
    assert TemporaryIncrease.objects.filter(application=application).count() == 3


def test_no_reason_and_no_minutes_are_refused_together(officer, therapist):
    application = decided(officer, therapist)
    with pytest.raises(ValidationError) as raised:
        temporary_increase_record(
            application=application,
            service=service("dusch"),
            extra_minutes_per_week=0,
            starts_on=day("2026-02-01"),
            ends_on=day("2026-02-28"),
            reason="  ",
            actor=officer,
        )
    assert raised.value.message_dict == {
        "extra_minutes_per_week": ["Ange minst en extra minut per vecka."],
        "reason": ["Ange skälet till den tillfälliga utökningen."],
    }
    assert not TemporaryIncrease.objects.exists()


# --- the page -------------------------------------------------------------------------------


def form_data(**fields) -> dict:
    data = {
        "service": service("dusch").pk,
        "extra_minutes_per_week": "60",
        "starts_on": "2026-02-01",
        "ends_on": "2026-02-28",
        "reason": "Efter sjukhusvistelse",
    }
    return {**data, **fields}


def test_the_case_officer_records_one_from_the_case_page(client, officer, therapist):
    application = decided(officer, therapist)
    client.force_login(officer)
    detail = reverse("assessments:application_detail", args=[application.public_id])
    url = reverse("followup:temporary_increase", args=[application.public_id])
    assert url in client.get(detail).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, form_data())
    assert response.status_code == 302
    assert response.url == detail
    page = client.get(detail).content.decode()
    assert "Tillfälliga utökningar" in page
    assert f"+60{NBSP}min" in page or "+60&nbsp;min" in page
    assert "2026-02-01 – 2026-02-28" in page
    assert "Efter sjukhusvistelse" in page
    assert "avslutad" in page
    purposes = set(
        AccessLogEntry.objects.filter(user=officer, view="followup:temporary_increase").values_list(
            "action", flat=True
        )
    )
    assert purposes == {AccessLogEntry.Action.READ, AccessLogEntry.Action.UPDATE}


def test_a_refusal_comes_back_next_to_the_field_and_nothing_is_saved(client, officer, therapist):
    application = decided(officer, therapist)
    client.force_login(officer)
    url = reverse("followup:temporary_increase", args=[application.public_id])
    response = client.post(url, form_data(starts_on="2026-01-20"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert "Utökningen kan inte börja före beslutsdatumet, 2026-01-31." in page
    assert not TemporaryIncrease.objects.exists()


def test_a_therapist_and_another_teams_officer_may_not_record_one(
    client, officer, therapist, other_team_objects
):
    application = decided(officer, therapist)
    url = reverse("followup:temporary_increase", args=[application.public_id])
    client.force_login(therapist)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    # Another team's officer is not told that the case exists (as on every case page).
    client.force_login(User.objects.get(username="soder-handlaggare"))
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    assert not TemporaryIncrease.objects.exists()


# --- the dashboard --------------------------------------------------------------------------


def scope(officer, start: str, end: str) -> indicators.Scope:
    return indicators.Scope(
        period_start=day(start), period_end=day(end), team_ids=(officer.team_id,)
    )


def rows_of(figures) -> list[list[str]]:
    table = {t.key: t for t in tables.all_tables(figures)}["temporary_increases"]
    return [[cell.text for cell in row] for row in table.rows]


def test_the_indicator_counts_the_increases_in_effect_in_the_period(
    officer, therapist, django_assert_num_queries
):
    a = decided(officer, therapist)
    b = decided(officer, therapist)
    c = decided(
        officer,
        therapist,
        services=("dusch", "stad"),
        granted=[
            ("dusch", 60),
            ("stad", 30),
        ],
    )
    record(a, minutes=60, start="2026-02-01", end="2026-02-28")
    record(a, minutes=30, start="2026-04-01", end="2026-04-30")
    record(b, minutes=90, start="2026-02-15", end="2026-03-14")
    record(c, code="stad", minutes=45, start="2026-06-01", end="2026-06-30")

    with django_assert_num_queries(1):
        found = indicators.temporary_increases(scope(officer, "2026-02-01", "2026-03-31"))
    assert [(r["name"], r["people"], r["increases"], r["extra_mean"]) for r in found] == [
        ("Dusch", 2, 2, 75)
    ]
    year = indicators.temporary_increases(scope(officer, "2026-01-01", "2026-12-31"))
    assert [(r["name"], r["people"], r["increases"], r["extra_mean"]) for r in year] == [
        ("Dusch", 2, 3, 60),
        ("Städ", 1, 1, 45),
    ]
    figures = indicators.dashboard(
        scope(officer, "2026-01-01", "2026-12-31"), today=day("2026-12-01")
    )
    assert rows_of(figures) == [["Dusch", "<5", "<5", "–"], ["Städ", "<5", "<5", "–"]]


def test_five_people_are_shown(officer, therapist):
    cases = [decided(officer, therapist) for _ in range(5)]
    for application in cases:
        record(application, minutes=60, start="2026-02-01", end="2026-02-28")
    record(cases[0], minutes=30, start="2026-03-01", end="2026-03-31")
    figures = indicators.dashboard(
        scope(officer, "2026-02-01", "2026-03-31"), today=day("2026-12-01")
    )
    assert rows_of(figures) == [["Dusch", "5", "6", f"55{NBSP}min"]]


def test_the_dashboard_has_no_not_recorded_notice(client, demo_users):
    client.force_login(demo_users["enhetschef"])
    page = client.get(reverse("followup:dashboard")).content.decode()
    assert "inte registreras" not in page
    assert "Tillfälliga utökningar av insatser" in page


def test_the_pdf_report_has_the_table_too(officer, therapist):
    from followup.reports import rows

    application = decided(officer, therapist)
    record(application)
    found = {
        table.key: table
        for table in rows.indicator_tables(
            scope(officer, "2026-02-01", "2026-02-28"), day("2026-12-01")
        )
    }
    assert [[c.text for c in row] for row in found["temporary_increases"].rows] == [
        ["Dusch", "<5", "<5", "–"]
    ]


def test_gallring_removes_the_reason_and_the_history(officer, therapist):
    from followup import services as followup_services
    from followup.models import CaseClosure
    from followup.retention import retention_run

    application = decided(officer, therapist)
    temporary_increase_record(
        application=application,
        service=service("dusch"),
        extra_minutes_per_week=60,
        starts_on=day("2026-02-01"),
        ends_on=day("2026-02-28"),
        reason="Dottern Eva är bortrest",
        actor=officer,
    )
    item = application.follow_ups.order_by("months").first()
    followup_services.follow_up_record(
        follow_up=item,
        actor=officer,
        expected_version=item.version,
        services=[],
        early_reason="Medborgaren ringde",
        close_reason=CaseClosure.Reason.NEEDS_ENDED,
    )
    six_years_on = timezone.localdate() + datetime.timedelta(days=6 * 366)
    assert retention_run(today=six_years_on, dry_run=False).citizens == 1
    increase = TemporaryIncrease.objects.get()
    assert (increase.reason, increase.extra_minutes_per_week) == ("Gallrad", 60)
    assert TemporaryIncrease.history.filter(application_id=application.pk).count() == 0
