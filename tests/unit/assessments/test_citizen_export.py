"""Registerutdrag: everything held about a citizen, as JSON and PDF, for the case officer
of the citizen's team only, logged as an export and never named by the personnummer."""

import datetime
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Goal, ServiceType
from followup.models import FollowUp
from rehab.models import AccessLogEntry
from tests.factories import ApplicationFactory, AppliedServiceFactory, CitizenFactory

pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2026, 2, 3)


@pytest.fixture
def citizen(officer, therapist):
    citizen = CitizenFactory(team=officer.team, first_name="Gunborg", last_name="Lindqvist")
    application = ApplicationFactory(
        citizen=citizen, case_officer=officer, therapist=therapist, received_on=RECEIVED
    )
    AppliedServiceFactory(
        application=application, service=ServiceType.objects.get(code="dusch"), minutes_per_week=45
    )
    Goal.objects.create(application=application, text="Gå till affären själv")
    FollowUp.objects.create(application=application, months=3, due_on=datetime.date(2026, 6, 1))
    return citizen


def urls(citizen):
    return [
        reverse(f"assessments:citizen_export_{kind}", args=[citizen.public_id])
        for kind in ("json", "pdf")
    ]


def exports(citizen):
    return AccessLogEntry.objects.filter(
        citizen_ref=citizen.public_id, action=AccessLogEntry.Action.EXPORT
    )


def test_json_holds_the_applications_and_services(client, officer, citizen):
    client.force_login(officer)
    response = client.get(urls(citizen)[0])
    assert response.status_code == 200
    data = json.loads(response.content)["citizen"]
    assert data["personal_number"] == citizen.personal_number
    assert data["first_name"] == "Gunborg"
    [application] = data["applications"]
    assert application["received_on"] == "2026-02-03"
    [service] = application["applied_services"]
    assert service["service"] == "Dusch" and service["minutes_per_week"] == 45
    assert application["goals"][0]["text"] == "Gå till affären själv"
    assert application["follow_ups"][0]["months"] == 3
    assert application["decision"] is None and application["track_assignment"] is None
    assert exports(citizen).count() == 1


def test_pdf_holds_the_name_and_the_application_date(client, officer, citizen):
    client.force_login(officer)
    response = client.get(urls(citizen)[1])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Gunborg Lindqvist" in text
    assert "2026-02-03" in text
    assert exports(citizen).count() == 1


def test_the_file_names_have_no_personnummer(client, officer, citizen):
    client.force_login(officer)
    for url, name in zip(urls(citizen), ("registerutdrag.json", "registerutdrag.pdf"), strict=True):
        disposition = client.get(url)["Content-Disposition"]
        assert disposition == f'attachment; filename="{name}"'
        assert citizen.personal_number not in disposition
        assert citizen.personal_number[2:8] not in disposition
        assert citizen.personal_number not in url


def test_the_citizen_page_links_to_the_exports_for_the_case_officer(
    client, officer, therapist, citizen
):
    detail = reverse("assessments:citizen_detail", args=[citizen.public_id])
    client.force_login(officer)
    page = client.get(detail).content.decode()
    assert all(url in page for url in urls(citizen))
    client.force_login(therapist)
    page = client.get(detail).content.decode()
    assert not any(url in page for url in urls(citizen))


def test_a_therapist_may_not_export(client, therapist, citizen):
    client.force_login(therapist)
    for url in urls(citizen):
        assert client.get(url).status_code == 403
    assert not exports(citizen).exists()


def test_another_teams_case_officer_gets_404(client, officer, other_team_objects):
    client.force_login(officer)
    for kind in ("json", "pdf"):
        url = reverse(f"assessments:citizen_export_{kind}", args=[other_team_objects["citizens"]])
        assert client.get(url).status_code == 404
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()


def test_a_protected_identity_needs_a_grant(client, officer, citizen):
    citizen.protected_identity = True
    citizen.save()
    client.force_login(officer)
    assert client.get(urls(citizen)[0]).status_code == 403
    citizen.grants.create(user=officer, granted_by=officer, reason="Registerutdrag")
    assert client.get(urls(citizen)[0]).status_code == 200


def test_the_extract_holds_temporary_increases_performed_minutes_and_study_answers(
    client, officer, therapist, demo_users
):
    from followup import services as followup_services
    from followup.performed_import import performed_minutes_save
    from studies.models import Respondent, SampledCase
    from tests.factories import decided_case
    from tests.unit.studies.helpers import answer_all, study

    application = decided_case(
        officer=officer,
        therapist=therapist,
        received_on=datetime.date(2025, 12, 1),
        decided_on=datetime.date(2026, 1, 12),
    )
    shower = ServiceType.objects.get(code="dusch")
    followup_services.temporary_increase_record(
        application=application,
        service=shower,
        extra_minutes_per_week=60,
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 3, 1),
        reason="Efter sjukhusvistelse",
        actor=officer,
    )
    performed_minutes_save(
        citizen=application.citizen,
        service=shower,
        month=datetime.date(2026, 2, 1),
        minutes=230,
        actor=demo_users["enhetschef"],
    )
    drawn = study(
        manager=demo_users["enhetschef"], sampling_day=datetime.date(2026, 6, 15), min_months=0
    )
    from studies import services as study_services

    study_services.sample_draw(study=drawn, actor=demo_users["enhetschef"])
    answer_all(
        SampledCase.objects.get(study=drawn, application=application),
        respondent=Respondent.CITIZEN,
        actor=officer,
    )

    client.force_login(officer)
    data = json.loads(client.get(urls(application.citizen)[0]).content)["citizen"]
    assert [(row["month"], row["minutes"]) for row in data["performed_minutes"]] == [
        ("2026-02-01", 230)
    ]
    [case] = data["applications"]
    [increase] = case["temporary_increases"]
    assert (increase["extra_minutes_per_week"], increase["reason"]) == (60, "Efter sjukhusvistelse")
    [sample] = case["study_samples"]
    [response] = sample["responses"]
    assert response["answers"], response
