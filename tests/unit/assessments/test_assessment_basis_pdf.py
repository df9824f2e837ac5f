"""The assessment basis PDF carries what the case officer needs to decide, read back."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import intervention, received_case
from tests.support import flow
from tracks.models import Intervention

pytestmark = pytest.mark.django_db


def _case(officer, therapist, **fields):
    application = received_case(
        officer=officer, therapist=therapist, services=("stad", "trygghetslarm"), **fields
    )
    flow.assessed(application, therapist=therapist, motivated=True)
    flow.confirm_track(application, therapist=therapist, track=3, reason="Vill träna intensivt")
    intervention(
        application,
        actor=therapist,
        minutes=50,
        kind=Intervention.Kind.DEVICE_FITTING,
        devices_prescribed="Duschpall",
    )
    flow.hand_over_basis(application, therapist=therapist)
    return application


def _pdf_text(client, officer, application) -> str:
    client.force_login(officer)
    response = client.get(reverse("assessments:assessment_basis_pdf", args=[application.public_id]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_pdf_names_the_citizen_the_track_the_interventions_and_the_services(
    client, officer, therapist
):
    application = _case(officer, therapist)
    citizen = application.citizen
    number = citizen.personal_number
    text = _pdf_text(client, officer, application)
    for expected in (
        f"{citizen.first_name} {citizen.last_name}",
        f"{number[:8]}-{number[8:]}",
        "Spår 3",
        "Vill träna intensivt",
        timezone.localdate().isoformat(),
        "Hjälpmedelsutprovning",
        "50",
        "Duschpall",
        "Städ",
        "Trygghetslarm",
        "Fortsatt träning",
    ):
        assert expected in text, expected


def test_a_protected_identity_shows_neither_name_nor_number(client, officer, therapist):
    application = _case(officer, therapist, citizen__protected_identity=True)
    citizen = application.citizen
    text = _pdf_text(client, officer, application)
    assert "Skyddad identitet" in text
    assert citizen.last_name not in text
    assert citizen.personal_number[8:] not in text and citizen.personal_number[:8] not in text
    assert "Duschpall" in text
