"""Tests that only mean something on PostgreSQL (marked ``postgres``): bin/test runs them in
its PostgreSQL run; ``pytest tests/unit`` on SQLite does not collect them."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from assessments import services
from rehab.models import AccessLogEntry

pytestmark = pytest.mark.django_db

NUMBER = "19400307-3428"  # a valid test number, female


@pytest.fixture
def citizen(officer):
    return services.citizen_create(
        personal_number=NUMBER,
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
        street_address="Storgatan 1",
        postal_code="85230",
        city="Sundsvall",
    )


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_access_log_rows(client, officer, citizen):
    client.force_login(officer)
    client.get(reverse("assessments:citizen_detail", args=[citizen.public_id]))
    entries = AccessLogEntry.objects.filter(citizen_ref=citizen.public_id)
    assert entries.exists()
    for attempt in (
        lambda: entries.update(action="update"),
        lambda: entries._raw_delete("default"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert entries.filter(action="read").exists()
