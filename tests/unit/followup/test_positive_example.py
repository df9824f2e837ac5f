"""Positive examples: a description that identifies the citizen is refused before it is
saved and redacted before it reaches a report, and a stale save is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import ServiceType
from assessments.services import ConflictError
from followup import services as followup_services
from followup.indicators import Scope
from followup.models import PositiveExample
from followup.reports import rendering
from tests.support import flow

pytestmark = pytest.mark.django_db

JAN_20 = datetime.date(2026, 1, 20)
H1_2026 = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 6, 30)}


@pytest.fixture
def decided(officer, demo_users):
    therapist = demo_users["arbetsterapeut"]
    codes = {s.code: s for s in ServiceType.objects.all()}
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lindqvist",
        street_address="Rönnbärsvägen 14",
        phone="070-123 45 67",
    )
    application = services.application_create(
        citizen=citizen,
        received_on=datetime.date(2026, 1, 10),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        services=[services.ServiceRequest(codes["stad"], 60)],
    )
    flow.book_visit(application, therapist=therapist, scheduled_at=flow.at_ten(JAN_20))
    flow.complete_visit(application, therapist=therapist, goals=["Städa köket själv"])
    flow.confirm_track(application, therapist=therapist, track=2)
    flow.hand_over_basis(application, therapist=therapist, on=JAN_20)
    flow.decide(
        application, officer=officer, decided_on=datetime.date(2026, 1, 31), granted=[("stad", 40)]
    )
    application.refresh_from_db()
    return application


def save(application, description, version=None):
    return followup_services.positive_example_save(
        application=application,
        actor=application.case_officer,
        description=description,
        expected_version=version,
    )


# --- identifying details are refused before they are saved ---------------------------------


@pytest.mark.parametrize(
    ("description", "found"),
    [
        ("Personnumret 19400307-3428 står i akten.", "personnummer"),
        ("Hon har 400307–3428 som nummer.", "personnummer"),
        ("Astrid klarar nu köket själv.", "namn"),
        ("Fru lindqvist städar själv.", "namn"),
        ("Bor kvar på Rönnbärsvägen med hjälp av larm.", "adress"),
        ("Ring 070-123 45 67 vid frågor.", "telefonnummer"),
        ("Dottern nås på +46 70 765 43 21.", "telefonnummer"),
    ],
)
def test_a_description_that_identifies_the_citizen_is_refused(decided, description, found):
    with pytest.raises(ValidationError) as refused:
        save(decided, description)
    message = " ".join(refused.value.message_dict["description"])
    assert found in message
    assert not PositiveExample.objects.exists()


def test_a_description_without_identifying_details_is_saved(decided):
    example = save(decided, "Klarar maten själv efter 6 veckors träning, 30 minuter mindre.")
    assert example.version == 1


def test_the_page_shows_the_refusal_next_to_the_description_in_swedish(client, officer, decided):
    client.force_login(officer)
    url = reverse("followup:positive_example", args=[decided.public_id])
    response = client.post(url, {"description": "Astrid (19400307-3428) lagar mat igen."})
    assert response.status_code == 200
    errors = response.context["form"].errors["description"]
    assert errors == [
        "Beskrivningen får inte identifiera någon. Ta bort ett identitetsnummer "
        "(personnummer eller samordningsnummer) och den enskildes namn; rapporten visar "
        "fallet bara som Fall A, Fall B, …"
    ]
    assert not PositiveExample.objects.exists()


# --- and redacted before they reach a report ------------------------------------------------


def test_the_report_redacts_what_an_older_description_still_holds(decided):
    # Written before the check existed (straight into the table).
    PositiveExample.objects.create(
        application=decided,
        chosen_by=decided.case_officer,
        description="Astrid Lindqvist, 19400307-3428, Rönnbärsvägen 14, tel 070-123 45 67.",
    )
    scope = Scope(team_ids=(decided.team_id,), tracks=(), **H1_2026)
    assert rendering.positive_examples(scope) == [
        "[borttaget] [borttaget], [borttaget], [borttaget], tel [borttaget]."
    ]
    html = rendering.render_report_html(rendering.build_context(scope))
    assert "3428" not in html and "Astrid" not in html and "Rönnbär" not in html
    assert "[borttaget]" in html


# --- a stale save is refused -----------------------------------------------------------------


def test_a_stale_save_of_an_example_is_refused(decided):
    save(decided, "Klarar maten själv.")
    # Two case officers opened the page on version 1; the first saves.
    assert save(decided, "Klarar maten och städningen själv.", version=1).version == 2
    with pytest.raises(ConflictError):
        save(decided, "Klarar maten själv igen.", version=1)
    with pytest.raises(ConflictError):
        save(decided, "", version=1)  # withdrawing is a save too
    # One opened the page when there was no example yet.
    with pytest.raises(ConflictError):
        save(decided, "Ett nytt exempel.", version=None)
    example = PositiveExample.objects.get()
    assert (example.description, example.version) == ("Klarar maten och städningen själv.", 2)


def test_the_page_shows_a_stale_save_at_the_top_of_the_form(client, officer, decided):
    save(decided, "Klarar maten själv.")
    client.force_login(officer)
    url = reverse("followup:positive_example", args=[decided.public_id])
    opened = client.get(url)
    assert 'name="version" value="1"' in opened.content.decode()
    save(decided, "En kollegas text.", version=1)
    response = client.post(url, {"description": "Min text.", "version": 1})
    assert response.status_code == 200
    assert "Någon annan har sparat" in response.content.decode()
    assert PositiveExample.objects.get().description == "En kollegas text."
