"""Hostile and oversized input: escaped, refused cleanly, harmless; CSRF on every POST."""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from assessments import services
from assessments.models import Citizen, ServiceType
from tests.unit.rehab.test_every_view_has_a_permission import walk
from tests.unit.rehab.test_permission_matrix import url_for
from tests.unit.studies.helpers import other_team_study_objects

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_case(officer, therapist):
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name=XSS[:100],
        last_name="Lind",
        street_address=XSS[:200],
    )
    application = services.application_create(
        citizen=citizen,
        received_on=timezone.localdate(),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        existing_services=XSS,
        services=[services.ServiceRequest(ServiceType.objects.get(code="stad"), 30)],
    )
    return citizen, application


def test_text_fields_are_escaped_on_every_page_that_shows_them(client, officer, hostile_case):
    citizen, application = hostile_case
    client.force_login(officer)
    pages = [
        reverse("assessments:citizen_detail", args=[citizen.public_id]),
        reverse("assessments:application_detail", args=[application.public_id]),
        reverse("assessments:work_queue"),
        reverse("assessments:citizen_update", args=[citizen.public_id]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
    assert "&lt;script&gt;" in client.get(pages[0]).content.decode()


def test_a_100000_character_value_is_refused_next_to_the_field(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("assessments:citizen_create"),
        {"personal_number": "19400307-3428", "first_name": "x" * 100_000, "last_name": "Lind"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["first_name"]
    assert not Citizen.objects.exists()


@pytest.mark.parametrize("query", ["' OR 1=1 --", "%", "_", "\\", "'; DROP TABLE x; --"])
def test_sql_meta_characters_in_search_are_harmless(client, officer, hostile_case, query):
    client.force_login(officer)
    search = client.post(reverse("assessments:citizen_search"), {"query": query})
    queue = client.get(reverse("assessments:work_queue"), {"q": query, "scope": "team"})
    assert search.status_code == queue.status_code == 200
    assert search.context["results"] == []
    assert "Lind" not in queue.content.decode()
    assert Citizen.objects.count() == 1


def test_every_post_without_a_csrf_token_is_refused(demo_users, other_team_objects):
    other_team_objects = {**other_team_objects, **other_team_study_objects()}
    unprotected = []
    for username in ("handlaggare", "arbetsterapeut", "enhetschef", "admin"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(demo_users[username])
        for route, pattern in walk(get_resolver().url_patterns):
            url = url_for(route, pattern, other_team_objects)
            response = client.post(url, {})
            if response.status_code != 403 or b"CSRF" not in response.content:
                unprotected.append((username, route, response.status_code))
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(reverse("login"), {"username": "handlaggare", "password": "x"})
    if response.status_code != 403:
        unprotected.append(("anonymous", "login/", response.status_code))
    assert unprotected == []
