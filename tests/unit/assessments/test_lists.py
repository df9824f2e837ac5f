"""The work queue's joint visit column and the therapist's list of visits."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import received_case
from tests.support import flow

pytestmark = pytest.mark.django_db


def _queue_visit_cells(html):
    """The "Gemensamt besök" cell (the sixth) of each row of the queue, as text."""
    body = html.split("<tbody")[1].split("</tbody>")[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("<tr")[1:]]
    return [re.sub(r"<[^>]+>", "", cells[5]).strip() for cells in rows]


def test_the_queue_shows_the_visit_done_else_the_one_booked(client, officer, therapist):
    decided = received_case(officer=officer, received_on=datetime.date(2026, 10, 1))
    flow.decided(
        decided, officer=officer, therapist=therapist, decided_on=datetime.date(2026, 11, 2)
    )
    booked = received_case(officer=officer, received_on=datetime.date(2026, 10, 5))
    flow.book_visit(
        booked, therapist=therapist, scheduled_at=flow.at_ten(datetime.date(2026, 10, 9))
    )
    received_case(officer=officer, received_on=datetime.date(2026, 10, 8))
    client.force_login(officer)
    html = client.get(reverse("assessments:work_queue"), {"scope": "team"}).content.decode()
    assert _queue_visit_cells(html) == [
        "2026-11-02 10:00 (genomfört)",
        "2026-10-09 10:00",
        "–",
    ]
