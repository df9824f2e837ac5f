"""Every form that comes back with errors starts the page with an error summary: a box
that links to each field with an error, and lists the form's own errors."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.support import flow

pytestmark = pytest.mark.django_db


def summary(response) -> list[tuple[str, str]]:
    """(href, text) of each entry of the page's error summary; href is "" for text only."""
    page = response.content.decode()
    box = re.search(
        r'<div class="alert alert-danger error-summary" role="alert".*?</div>', page, re.S
    )
    assert box, "no error summary on the page"
    assert "Det finns problem" in box.group(0)
    return [
        (href or "", re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(r'<li>(?:<a href="([^"]+)"[^>]*>)?(.*?)</li>', box.group(0))
    ]


def test_the_citizen_form_links_each_missing_field(client, officer):
    client.force_login(officer)
    response = client.post(reverse("assessments:citizen_create"), {"first_name": ""})
    assert summary(response) == [
        (
            "#id_personal_number",
            "Personnummer eller samordningsnummer: Detta fält måste fyllas i.",
        ),
        ("#id_first_name", "Förnamn: Detta fält måste fyllas i."),
        ("#id_last_name", "Efternamn: Detta fält måste fyllas i."),
    ]


def test_the_application_form_lists_its_own_error_and_the_fields(client, officer):
    citizen = factories.CitizenFactory(team=officer.team)
    client.force_login(officer)
    response = client.post(
        reverse("assessments:application_create", args=[citizen.public_id]), {"channel": ""}
    )
    assert summary(response)[:3] == [
        ("", "Välj minst en ansökt insats."),
        ("#id_kind", "Ärendetyp: Detta fält måste fyllas i."),
        ("#id_received_on", "Inkom: Detta fält måste fyllas i."),
    ]


def test_a_visit_booked_in_the_past_links_the_date(client, officer, therapist):
    application = factories.received_case(officer=officer, therapist=therapist)
    client.force_login(officer)
    response = client.post(
        reverse("assessments:visit_book", args=[application.public_id]),
        {
            "version": application.version,
            "date": "2020-01-01",
            "time": "10:00",
            "case_officer": officer.pk,
            "therapist": therapist.pk,
        },
    )
    assert summary(response) == [("#id_date", "Datum: Besöket kan inte bokas bakåt i tiden.")]


def test_completing_the_visit_without_its_reasoning_links_the_field_far_down(
    client, officer, therapist
):
    application = factories.received_case(officer=officer, therapist=therapist)
    flow.book_visit(application, therapist=therapist)
    client.force_login(therapist)
    url = reverse("assessments:visit_record", args=[application.public_id])
    response = client.post(url, {"version": 1, "action": "complete", "housing": "Villa"})
    assert summary(response) == [
        (
            "#id_potential_for_independence_0",
            "Potential till självständighet: Ange om det finns potential till självständighet "
            "innan du slutför besöket.",
        )
    ]
    response = client.post(
        url, {"version": 1, "action": "complete", "potential_for_independence": "True"}
    )
    assert summary(response) == [
        (
            "#id_potential_reasoning",
            "Resonemang om potentialen: Beskriv resonemanget bakom bedömningen av potentialen.",
        )
    ]
    page = response.content.decode()
    assert 'id="id_potential_reasoning"' in page
    assert page.count('<span class="required-to-complete">(krävs för att slutföra)</span>') == 2


def test_a_failed_login_shows_the_form_error(client, demo_users):
    response = client.post(reverse("login"), {"username": "handlaggare", "password": "fel"})
    assert summary(response) == [
        (
            "",
            "Ange ett korrekt användarnamn och lösenord. Observera att båda fälten är "
            "skiftlägeskänsliga.",
        )
    ]


def test_a_page_without_errors_has_no_summary_and_marks_required_fields(client, officer):
    client.force_login(officer)
    page = client.get(reverse("assessments:citizen_create")).content.decode()
    assert "data-error-summary" not in page
    assert (
        'Förnamn<span class="asteriskField" aria-hidden="true">*</span>'
        '<span class="visually-hidden"> (obligatoriskt)</span>'
    ) in page
