"""Fixture: a citizen, a decided application with a due follow-up, and a report, all of
another team than the demo staff's."""

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import ServiceType
from followup.models import FollowUp, ReportRequest
from rehab.models import Team, User
from tests.support import flow

CASE_OFFICER, THERAPIST, PHYSIO, MANAGER = (
    "handlaggare",
    "arbetsterapeut",
    "fysioterapeut",
    "enhetschef",
)


@pytest.fixture
def other_team_objects(demo_users):
    """A citizen, a decided application with a follow-up, and a report, of another team."""
    team = Team.objects.create(name="Team Söder")
    officer = User.objects.create_user("soder-handlaggare", team=team)
    officer.groups.add(*demo_users[CASE_OFFICER].groups.all())
    therapist = User.objects.create_user("soder-arbetsterapeut", team=team)
    therapist.groups.add(*demo_users[THERAPIST].groups.all())
    physio = User.objects.create_user("soder-fysioterapeut", team=team)
    physio.groups.add(*demo_users[PHYSIO].groups.all())
    manager = User.objects.create_user("soder-enhetschef", team=team)
    manager.groups.add(*demo_users[MANAGER].groups.all())
    citizen = services.citizen_create(
        personal_number="19400307-3428", team=team, first_name="Astrid", last_name="Söder"
    )
    stad = ServiceType.objects.get(code="stad")
    today = timezone.localdate()
    application = services.application_create(
        citizen=citizen,
        received_on=today - datetime.timedelta(days=150),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        physio=physio,
        services=[services.ServiceRequest(stad, 60)],
    )
    flow.awaiting_decision(
        application, therapist=therapist, on=today - datetime.timedelta(days=100)
    )
    flow.decide(
        application,
        officer=officer,
        decided_on=today - datetime.timedelta(days=100),
        granted=[("stad", 30)],
    )
    flow.follow_ups_fall_due(today=today)
    assert application.follow_ups.filter(months=3, status=FollowUp.Status.DUE).exists()
    report = ReportRequest.objects.create(
        requested_by=manager,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 6, 30),
        request_key="other-team",
    )
    return {
        "citizens": citizen.public_id,
        "applications": application.public_id,
        "reports": report.public_id,
    }
