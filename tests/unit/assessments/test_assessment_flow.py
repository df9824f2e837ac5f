"""The joint visit's findings, the assessment basis (with its PDF) and the decision."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments import services
from assessments.models import Application, JointVisit, LegalBasis, LifeArea, ServiceType
from rehab.models import AccessLogEntry
from rehab.pdf import StaticFilesOnly, render_pdf
from tests.support import flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(officer, therapist):
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
    )
    codes = {s.code: s for s in ServiceType.objects.all()}
    application = services.application_create(
        citizen=citizen,
        received_on=timezone.localdate() - datetime.timedelta(days=2),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        services=[
            services.ServiceRequest(codes["stad"], 60),
            services.ServiceRequest(codes["dusch"], 45),
            services.ServiceRequest(codes["trygghetslarm"], None),
        ],
    )
    services.joint_visit_book(
        application=application,
        # Yesterday, so that the visit can be marked done today.
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
        case_officer=officer,
        therapist=therapist,
        expected_version=application.version,
    )
    application.refresh_from_db()
    return application


def visit_post(visit, **overrides):
    data = {
        "version": visit.version,
        "other_participants": "Dottern Eva",
        "housing": "Lägenhet, andra våningen",
        "stairs": "Hiss finns",
        "bathroom": "Badkar, inget stödhandtag",
        "assistive_devices": "Rollator",
        "network": "Dotter varje vecka",
        "measures_agreed": "Prova duschpall",
        "potential_for_independence": "True",
        "motivated_to_train": "True",
        "potential_reasoning": "Vill klara duschen själv",
        "goal_0": "Duscha själv igen",
        "need_personlig_vard": "Behöver stöd vid dusch",
        "action": "complete",
    }
    data.update(overrides)
    return data


def test_a_draft_keeps_the_text_and_completing_needs_the_potential(client, therapist, application):
    visit = application.visits.get()
    url = reverse("assessments:visit_record", args=[application.public_id])
    client.force_login(therapist)
    response = client.post(url, visit_post(visit, potential_for_independence="", action="complete"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Duscha själv igen" in page and "Badkar, inget stödhandtag" in page
    visit.refresh_from_db()
    assert visit.status == JointVisit.Status.BOOKED

    response = client.post(url, visit_post(visit, potential_for_independence="", action="draft"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.bathroom == "Badkar, inget stödhandtag"
    assert visit.status == JointVisit.Status.BOOKED

    response = client.post(url, visit_post(visit))
    assert response.status_code == 302
    visit.refresh_from_db()
    application.refresh_from_db()
    assert visit.status == JointVisit.Status.DONE
    assert application.status == Application.Status.ASSESSED
    assert [goal.text for goal in application.goals.all()] == ["Duscha själv igen"]
    assert visit.needs.get().life_area == LifeArea.objects.get(code="personlig_vard")


def test_a_stale_visit_form_is_refused(client, therapist, application):
    visit = application.visits.get()
    url = reverse("assessments:visit_record", args=[application.public_id])
    client.force_login(therapist)
    stale = visit_post(visit, action="draft")
    assert client.post(url, stale).status_code == 302
    response = client.post(url, {**stale, "housing": "Villa"})
    assert "Någon annan har sparat" in response.content.decode()
    visit.refresh_from_db()
    assert visit.housing == "Lägenhet, andra våningen"


def complete_visit_with_instruments(application, therapist):
    visit = application.visits.get()
    services.joint_visit_record(
        visit=visit,
        expected_version=visit.version,
        actor=therapist,
        goals=[services.GoalInput("Duscha själv igen")],
        needs={},
        complete=True,
        potential_for_independence=True,
        motivated_to_train=True,
        potential_reasoning="Vill träna",
        bathroom="Badkar",
    )
    application.refresh_from_db()
    flow.confirm_track(application, therapist=therapist)
    services.instrument_record(
        application=application,
        instrument="tug",
        actor=therapist,
        answers={"seconds": "14.2", "walking_aid_used": True},
    )
    services.instrument_record(
        application=application,
        instrument="downton",
        actor=therapist,
        answers={
            "previous_falls": "yes",
            "medications": ["diuretics"],
            "sensory_deficits": ["visual"],
            "mental_state": "oriented",
            "gait": "safe_with_aids",
        },
    )


def test_the_assessment_basis_pdf_has_goals_and_scores_and_is_tagged(
    client, officer, therapist, application
):
    complete_visit_with_instruments(application, therapist)
    client.force_login(therapist)
    response = client.post(
        reverse("assessments:assessment_basis", args=[application.public_id]),
        {
            "summary": "Klarar förflyttning med rollator.",
            "recommended_measures": "Duschpall och stödhandtag.",
            "action": "hand_over",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_DECISION

    client.force_login(officer)
    response = client.get(reverse("assessments:assessment_basis_pdf", args=[application.public_id]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Bedömningsunderlag",
        "Duscha själv igen",
        "14.2 s",
        "4",
        "Duschpall och stödhandtag",
        "Astrid Lind",
    ):
        assert expected in text, expected
    # Not protected: the case officer deciding needs to know who it is.
    assert "19400307-3428" in text
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert "/StructTreeRoot" in root
    assert reader.metadata.title == "Bedömningsunderlag"
    assert AccessLogEntry.objects.filter(action="export", user=officer).count() == 1


def test_the_pdf_renderer_refuses_local_files_and_internal_addresses():
    fetcher = StaticFilesOnly()
    pdf = render_pdf(
        '<html lang="sv"><head><title>x</title>'
        '<link rel="stylesheet" href="/static/pdf/document.css"></head><body>'
        '<img src="file:///etc/passwd"><img src="http://127.0.0.1:8000/healthz">'
        '<img src="https://samrehab.invalid/static/../../etc/passwd"></body></html>',
        fetcher=fetcher,
    )
    assert pdf.startswith(b"%PDF")
    assert fetcher.refused == [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/healthz",
        "https://samrehab.invalid/static/../../etc/passwd",
    ]


def test_user_text_is_escaped_in_the_pdf(client, officer, therapist, application):
    complete_visit_with_instruments(application, therapist)
    services.assessment_basis_save(
        application=application,
        actor=therapist,
        expected_version=None,
        hand_over=True,
        summary='<img src="file:///etc/passwd"><script>alert(1)</script>',
        recommended_measures="Inga",
    )
    client.force_login(officer)
    response = client.get(reverse("assessments:assessment_basis_pdf", args=[application.public_id]))
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert '<img src="file:///etc/passwd">' in text.replace("\n", "")


def test_a_decision_before_the_basis_is_refused(client, officer, application):
    client.force_login(officer)
    url = reverse("assessments:decision_record", args=[application.public_id])
    response = client.post(
        url,
        {
            "decided_on": timezone.localdate().isoformat(),
            "legal_basis": str(LegalBasis.objects.filter(active=True).first().pk),
            "outcome_stad": "granted",
            "minutes_stad": "60",
            "outcome_dusch": "granted",
            "minutes_dusch": "45",
            "outcome_trygghetslarm": "granted",
        },
    )
    assert "när ärendet inväntar beslut" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.VISIT_BOOKED


@pytest.fixture
def outsiders(officer, therapist):
    from rehab.models import Team, User

    other_team = Team.objects.create(name="Team Söder")
    other_officer = User.objects.create_user("annan-handlaggare", team=other_team)
    other_officer.groups.add(*officer.groups.all())
    other_therapist = User.objects.create_user("annan-arbetsterapeut", team=officer.team)
    other_therapist.groups.add(*therapist.groups.all())
    return {"other_officer": other_officer, "other_therapist": other_therapist}


@pytest.mark.parametrize(
    "url_name",
    [
        "visit_record",
        "assessment_basis",
        "assessment_basis_pdf",
        "decision_record",
        "instruments",
        "application_detail",
    ],
)
@pytest.mark.parametrize(
    ("who", "expected"),
    [("other_officer", 404), ("other_therapist", 404), ("enhetschef", 403)],
)
def test_case_pages_are_closed_to_users_outside_the_case(
    client, demo_users, outsiders, application, url_name, who, expected
):
    user = outsiders.get(who) or demo_users[who]
    client.force_login(user)
    response = client.get(reverse(f"assessments:{url_name}", args=[application.public_id]))
    # A role that never opens the page gets 403; a colleague of the right role who is not
    # on the case is not told that it exists (404).
    assert response.status_code == expected


def test_the_therapist_cannot_record_the_decision(client, therapist, application):
    client.force_login(therapist)
    url = reverse("assessments:decision_record", args=[application.public_id])
    assert client.get(url).status_code == 403


def test_the_case_officer_cannot_write_the_therapists_basis(client, officer, application):
    client.force_login(officer)
    url = reverse("assessments:assessment_basis", args=[application.public_id])
    assert client.get(url).status_code == 403


def test_the_visit_cannot_be_changed_once_the_case_is_decided(
    client, officer, therapist, application
):
    complete_visit_with_instruments(application, therapist)
    flow.hand_over_basis(application, therapist=therapist)
    flow.decide(application, officer=officer)
    visit = application.visits.get()
    client.force_login(therapist)
    response = client.post(
        reverse("assessments:visit_record", args=[application.public_id]),
        visit_post(visit, action="draft"),
    )
    assert "kan inte längre ändras" in response.content.decode()
    visit.refresh_from_db()
    assert visit.bathroom == "Badkar"
