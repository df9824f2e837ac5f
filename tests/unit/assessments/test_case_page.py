"""The case page says what has been decided and offers what can be done next."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_decided_case_shows_its_decision_and_offers_to_change_it(client, officer, therapist):
    application = factories.decided_case(
        officer=officer,
        therapist=therapist,
        received_on=datetime.date(2026, 5, 4),
        decided_on=datetime.date(2026, 5, 15),
    )
    client.force_login(officer)
    with translation.override("sv"):
        page = client.get(reverse("assessments:application_detail", args=[application.public_id]))
    html = page.content.decode()
    steps = [step["step"] for step in page.context["next_steps"]]
    assert "change_decision" in steps and "decision" not in steps
    assert "decision_letter" in steps
    assert "record_visit" not in steps and "correct_visit" not in steps
    assert f"2026-05-15 av {officer.get_full_name()}" in html
    assert "Ändra beslutet" in html
    assert reverse("assessments:decision_letter_pdf", args=[application.public_id]) in html
    assert "tills vidare" in html


def test_the_decision_form_links_the_letter_once_decided(client, officer, therapist):
    application = factories.decided_case(officer=officer, therapist=therapist)
    client.force_login(officer)
    page = client.get(reverse("assessments:decision_record", args=[application.public_id]))
    assert b'data-testid="decision-letter"' in page.content
