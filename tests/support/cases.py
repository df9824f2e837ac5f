"""Fixture: a citizen, a decided application with a due follow-up, and a report, all of
another team than the demo staff's."""

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Application, ServiceType
from followup.models import FollowUp, ReportRequest
from rehab.models import Team, User

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
    application = services.application_create(
        citizen=citizen,
        received_on=timezone.localdate(),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        physio=physio,
        services=[services.ServiceRequest(stad, 60)],
    )
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.AWAITING_DECISION
    )
    services.decision_record(
        application=application,
        actor=officer,
        decided_on=timezone.localdate(),
        granted=[services.ServiceRequest(stad, 30)],
    )
    FollowUp.objects.get_or_create(
        application=application,
        months=3,
        defaults={
            "due_on": timezone.localdate() - datetime.timedelta(days=1),
            "status": FollowUp.Status.DUE,
        },
    )
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
