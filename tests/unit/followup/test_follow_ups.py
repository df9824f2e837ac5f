import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import Application, InstrumentResult, ServiceType
from followup.models import CaseClosure, FollowUp, FollowUpInterval
from followup.services import add_months, mark_follow_ups_due
from tests.support import flow

pytestmark = pytest.mark.django_db

# The joint visit and the handover of the basis, before the decision of 31 January.
JAN_20 = datetime.date(2026, 1, 20)


@pytest.fixture
def decided(officer, demo_users):
    therapist = demo_users["arbetsterapeut"]
    codes = {s.code: s for s in ServiceType.objects.all()}
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
    )
    application = services.application_create(
        citizen=citizen,
        received_on=datetime.date(2026, 1, 10),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        services=[
            services.ServiceRequest(codes["stad"], 60),
            services.ServiceRequest(codes["trygghetslarm"], None),
        ],
    )
    flow.book_visit(application, therapist=therapist, scheduled_at=flow.at_ten(JAN_20))
    flow.complete_visit(application, therapist=therapist, goals=["Städa köket själv"])
    flow.confirm_track(application, therapist=therapist, track=2)
    flow.hand_over_basis(application, therapist=therapist, on=JAN_20)
    # Cleaning 40 of the 60 minutes applied for; the safety alarm refused.
    flow.decide(
        application, officer=officer, decided_on=datetime.date(2026, 1, 31), granted=[("stad", 40)]
    )
    application.refresh_from_db()
    return application


def test_months_are_added_calendar_wise():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 12, 15), 6) == datetime.date(2028, 6, 15)


def test_a_decision_schedules_the_tracks_follow_ups(decided):
    assert [(f.months, f.due_on) for f in decided.follow_ups.all()] == [
        (3, datetime.date(2026, 4, 30)),
        (6, datetime.date(2026, 7, 31)),
    ]


def test_the_intervals_are_configurable_per_track(officer, demo_users, decided):
    FollowUpInterval.objects.filter(track=2).delete()
    FollowUpInterval.objects.create(track=2, months=12)
    decided.follow_ups.all().delete()
    result = mark_follow_ups_due(today=datetime.date(2026, 2, 1))
    assert result["scheduled"] == 1
    assert list(decided.follow_ups.values_list("months", flat=True)) == [12]


def test_the_daily_job_marks_due_once_and_queues_the_case(decided):
    first = mark_follow_ups_due(today=datetime.date(2026, 5, 1))
    second = mark_follow_ups_due(today=datetime.date(2026, 5, 1))
    assert first == {"scheduled": 0, "due": 1, "queued": 1}
    assert second == {"scheduled": 0, "due": 0, "queued": 0}
    decided.refresh_from_db()
    assert decided.status == Application.Status.FOLLOW_UP_DUE
    assert FollowUp.objects.filter(status=FollowUp.Status.DUE).count() == 1
    assert FollowUp.objects.count() == 2


def test_the_case_officer_records_a_follow_up_and_closes_the_case(client, officer, decided):
    mark_follow_ups_due(today=timezone.localdate())
    item = decided.follow_ups.get(months=3)
    goal = decided.goals.get()
    client.force_login(officer)
    url = reverse("followup:follow_up", args=[decided.public_id, 3])
    response = client.post(
        url,
        {
            "version": item.version,
            "minutes_stad": "30",
            "minutes_trygghetslarm": "on",
            "level_now": "1",
            f"goal_{goal.pk}": "achieved",
            "eq5d5l-mobility": "1",
            "eq5d5l-self_care": "1",
            "eq5d5l-usual_activities": "2",
            "eq5d5l-pain_discomfort": "1",
            "eq5d5l-anxiety_depression": "1",
            "eq5d5l-vas": "80",
            "close_reason": "needs_ended",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.status == FollowUp.Status.DONE and item.level_now == 1
    assert {s.service.code: s.minutes_per_week for s in item.services.all()} == {
        "stad": 30,
        "trygghetslarm": None,
    }
    assert item.goal_attainments.get().attainment == "achieved"
    eq5d = InstrumentResult.objects.get(instrument="eq5d5l")
    assert (eq5d.occasion, eq5d.score_text) == ("follow_up", "11211, VAS 80")
    decided.refresh_from_db()
    assert decided.status == Application.Status.CLOSED
    assert CaseClosure.objects.get().reason == "needs_ended"


def test_an_incomplete_eq5d_is_refused_next_to_the_field(client, officer, decided):
    mark_follow_ups_due(today=timezone.localdate())
    item = decided.follow_ups.get(months=3)
    client.force_login(officer)
    response = client.post(
        reverse("followup:follow_up", args=[decided.public_id, 3]),
        {"version": item.version, "minutes_stad": "30", "eq5d5l-vas": "80"},
    )
    assert response.status_code == 200
    eq5d = next(
        entry["form"]
        for entry in response.context["form"].instrument_forms
        if entry["spec"].code == "eq5d5l"
    )
    assert eq5d.errors.get("mobility")
    item.refresh_from_db()
    assert item.status == FollowUp.Status.DUE


def test_a_therapist_cannot_record_the_follow_up(client, demo_users, decided):
    client.force_login(demo_users["arbetsterapeut"])
    url = reverse("followup:follow_up", args=[decided.public_id, 3])
    assert client.get(url).status_code == 403


def test_the_beat_schedule_runs_the_daily_job(settings, decided):
    from followup.tasks import mark_follow_ups_due as task

    assert settings.CELERY_BEAT_SCHEDULE["mark-follow-ups-due"]["task"] == task.name
    assert task() == {"scheduled": 0, "due": 2, "queued": 1}  # both months have passed
    assert task() == {"scheduled": 0, "due": 0, "queued": 0}


def test_the_case_officer_chooses_a_positive_example_and_can_withdraw_it(
    client, officer, demo_users, decided
):
    from followup.models import PositiveExample

    url = reverse("followup:positive_example", args=[decided.public_id])
    client.force_login(officer)
    assert client.post(url, {"description": "Städar köket själv igen."}).status_code == 302
    assert PositiveExample.objects.get(application=decided).description == (
        "Städar köket själv igen."
    )
    client.post(url, {"description": "", "version": 1})
    assert not PositiveExample.objects.exists()
    for other in ("arbetsterapeut", "enhetschef"):
        client.force_login(demo_users[other])
        assert client.get(url).status_code == 403
