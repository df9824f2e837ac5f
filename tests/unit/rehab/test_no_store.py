"""Pages with personal data are never kept by a browser or proxy cache."""

import pytest
from django.urls import reverse

from assessments import services

pytestmark = pytest.mark.django_db


def test_a_case_page_and_a_citizen_page_are_not_stored(client, officer):
    citizen = services.citizen_create(
        personal_number="19400307-3428", team=officer.team, first_name="Astrid", last_name="Lind"
    )
    client.force_login(officer)
    for url in (
        reverse("assessments:citizen_detail", args=[citizen.public_id]),
        reverse("assessments:work_queue"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives
