"""The decision letter (beslutsmeddelande) to the citizen, read back from the PDF."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments import services
from assessments.models import GrantedService, LegalBasis, ProtectedIdentityGrant
from rehab.models import AccessLogEntry
from tests.unit.assessments.test_decision import lines, new_case, record

pytestmark = pytest.mark.django_db

Outcome = GrantedService.Outcome


@pytest.fixture
def codes():
    from assessments.models import ServiceType

    return {s.code: s for s in ServiceType.objects.all()}


def decided(officer, therapist, codes, *, protected=False):
    from tests.support import flow

    application = new_case(officer, therapist, codes, protected=protected)
    flow.awaiting_decision(application, therapist=therapist)
    today = timezone.localdate()
    record(
        application,
        officer,
        lines(
            codes,
            stad=(Outcome.PARTLY_GRANTED, 60, "Klarar lättare städ själv"),
            dusch=(Outcome.REFUSED, 0, "Duschar själv med duschpall"),
            trygghetslarm=(Outcome.GRANTED, None, ""),
        ),
        valid_from=today,
        valid_until=today + datetime.timedelta(days=180),
    )
    return application


def letter_text(client, application) -> str:
    response = client.get(reverse("assessments:decision_letter_pdf", args=[application.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_letter_says_what_was_decided_why_and_how_to_appeal(client, officer, therapist, codes):
    application = decided(officer, therapist, codes)
    client.force_login(officer)
    text = letter_text(client, application)
    today = timezone.localdate()
    for expected in [
        "Socialnämnden",
        "Astrid Lind",
        "Storgatan 1",
        "86131 Timrå",
        "Städ",
        "120 minuter per vecka",
        "Delvis beviljat",
        "Klarar lättare städ själv",
        "Avslag",
        "Duschar själv med duschpall",
        "Trygghetslarm",
        "11 kap. 1 § socialtjänstlagen (2025:400)",
        f"från och med {today:%Y-%m-%d} till och med "
        f"{today + datetime.timedelta(days=180):%Y-%m-%d}",
        str(officer.get_full_name()),
        "inom tre veckor från den dag du fick del av beslutet",
        "förvaltningsrätten",
        "Behöver du hjälp med att överklaga",
    ]:
        assert expected in text, expected
    entry = AccessLogEntry.objects.filter(user=officer).latest("pk")
    assert entry.action == AccessLogEntry.Action.EXPORT


def test_a_protected_identity_has_no_address_and_no_name_without_a_grant(
    client, officer, therapist, codes
):
    application = decided(officer, therapist, codes, protected=True)
    client.force_login(officer)
    text = letter_text(client, application)
    assert "Skyddad identitet" in text
    assert "Astrid" not in text and "Storgatan" not in text and "Timrå" not in text
    ProtectedIdentityGrant.objects.create(
        citizen=application.citizen, user=officer, granted_by=officer, reason="Handläggning"
    )
    text = letter_text(client, application)
    assert "Astrid Lind" in text
    assert "Storgatan" not in text and "Timrå" not in text


def test_the_therapist_does_not_print_the_letter(client, officer, therapist, codes):
    application = decided(officer, therapist, codes)
    client.force_login(therapist)
    url = reverse("assessments:decision_letter_pdf", args=[application.public_id])
    assert client.get(url).status_code == 403


def test_a_case_without_a_decision_has_no_letter(client, officer, therapist, codes):
    application = new_case(officer, therapist, codes)
    client.force_login(officer)
    url = reverse("assessments:decision_letter_pdf", args=[application.public_id])
    assert client.get(url).status_code == 404
    assert LegalBasis.objects.filter(active=True).exists()
    assert services.decision_line_field("reason", codes["stad"]) == "reason_stad"
