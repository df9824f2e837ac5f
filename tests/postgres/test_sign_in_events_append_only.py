"""The single sign-on events are append-only in the database too (PostgreSQL only)."""

import pytest
from django.db import DatabaseError, transaction

from rehab import services
from rehab.models import SignInEvent

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_sign_in_events(officer):
    services.sign_in_event_record(
        event=SignInEvent.Event.LOGIN, subject="SE2321000016-H001", user=officer
    )
    events = SignInEvent.objects.all()
    for attempt in (
        lambda: events.update(event=SignInEvent.Event.LOGOUT),
        lambda: events._raw_delete("default"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert list(events.values_list("event", flat=True)) == ["login"]
