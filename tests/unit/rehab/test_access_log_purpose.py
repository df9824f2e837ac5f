"""Each access-log row records why (the view's purpose in words, and the reason the user
gave), and the review shows people and purposes, not user names and internal view names."""

import pytest
from django.urls import get_resolver, reverse

from assessments import services
from rehab.accesslog import purpose_of, purposes
from rehab.models import AccessLogEntry
from tests.factories import received_case
from tests.unit.rehab.test_every_view_has_a_permission import PUBLIC_URL_NAMES, walk

pytestmark = pytest.mark.django_db

ADMIN, CASE_OFFICER, MANAGER = "admin", "handlaggare", "enhetschef"
NUMBER = "19121212-1212"
PROTECTED_NUMBER = "19390227-5415"


def named_views():
    """Every URL's view name as ``request.resolver_match.view_name`` spells it."""
    names = set()
    for route, pattern in walk(get_resolver().url_patterns):
        if pattern.name in PUBLIC_URL_NAMES:
            continue
        match = get_resolver().resolve("/" + _sample(route))
        names.add(match.view_name)
    return names


def _sample(route: str) -> str:
    """A path that resolves to ``route`` (converters filled with sample values)."""
    return (
        route.replace("<uuid:public_id>", "00000000-0000-4000-8000-000000000000")
        .replace("<int:months>", "3")
        .replace("<int:intervention_id>", "1")
        .replace("<slug:code>", "tug")
    )


def test_every_view_has_a_purpose():
    missing = sorted(name for name in named_views() if not purpose_of(name))
    assert missing == []


def test_no_purpose_is_registered_for_a_view_that_does_not_exist():
    assert set(purposes()) - named_views() == set()


def test_a_case_read_records_its_purpose(client, demo_users):
    officer = demo_users[CASE_OFFICER]
    application = received_case(officer=officer)
    client.force_login(officer)
    client.get(reverse("assessments:application_detail", args=[application.public_id]))
    row = AccessLogEntry.objects.get()
    assert (row.view, row.purpose, row.reason) == (
        "assessments:application_detail",
        "Läste ärendet",
        "",
    )


def test_the_purpose_is_in_swedish_whatever_the_users_language(client, demo_users):
    officer = demo_users[CASE_OFFICER]
    application = received_case(officer=officer)
    client.force_login(officer)
    client.get(
        reverse("assessments:application_detail", args=[application.public_id]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert AccessLogEntry.objects.get().purpose == "Läste ärendet"


@pytest.fixture
def logged(client, demo_users):
    """A case officer reads an ordinary and a protected citizen; the admin reviews."""
    officer = demo_users[CASE_OFFICER]
    own = services.citizen_create(
        personal_number=NUMBER, team=officer.team, first_name="Eva", last_name="Lind"
    )
    hidden = services.citizen_create(
        personal_number=PROTECTED_NUMBER,
        team=officer.team,
        first_name="Hemlig",
        last_name="Persson",
        protected_identity=True,
    )
    client.force_login(officer)
    for citizen in (own, hidden):
        client.get(reverse("assessments:citizen_detail", args=[citizen.public_id]))
    client.force_login(demo_users[ADMIN])
    return {"own": own, "hidden": hidden}


def test_the_review_shows_purposes_and_full_names(client, logged):
    page = client.get(reverse("access_log")).content.decode()
    assert "Läste medborgarens uppgifter" in page
    assert "assessments:citizen_detail" not in page
    assert "Karin Lund" in page and "Biståndshandläggare" in page
    assert ">handlaggare<" not in page


def test_filtering_by_number_names_the_citizen(client, logged):
    response = client.post(reverse("access_log"), {"personal_number": NUMBER}, follow=True)
    shown = response.content.decode()
    assert "Visar poster för Eva Lind" in shown
    assert NUMBER not in response.redirect_chain[-1][0]
    # Showing the name to the reviewer is itself a read.
    read = AccessLogEntry.objects.filter(user__username=ADMIN, action="read").get()
    assert read.citizen_ref == logged["own"].public_id
    assert read.purpose == "Granskade loggen (logguppföljning)"


def test_a_protected_citizen_is_not_named_to_the_reviewer(client, logged):
    response = client.post(
        reverse("access_log"), {"personal_number": PROTECTED_NUMBER}, follow=True
    )
    shown = response.content.decode()
    assert "Visar poster för Skyddad identitet" in shown
    assert "Persson" not in shown


def test_the_citizen_report_names_the_citizen_and_the_purposes(client, logged):
    response = client.post(reverse("citizen_access_report"), {"personal_number": NUMBER})
    shown = response.content.decode()
    assert "Medborgare: Eva Lind" in shown
    assert "Läste medborgarens uppgifter" in shown and "Karin Lund" in shown


def test_a_grant_and_its_reason_show_in_the_review(client, demo_users, logged):
    client.force_login(demo_users[MANAGER])
    client.post(
        reverse("assessments:citizen_grants", args=[logged["hidden"].public_id]),
        {"user": demo_users[CASE_OFFICER].pk, "reason": "Handlägger ansökan"},
    )
    client.force_login(demo_users[ADMIN])
    page = client.get(reverse("access_log")).content.decode()
    assert "Gav behörighet till namnet" in page
    assert "Karin Lund: Handlägger ansökan" in page
    assert "Lars Holm" in page
