"""The work queue's joint visit column and the therapist's list of visits."""

import datetime
import re

import pytest
from django.urls import reverse

from assessments.models import Citizen
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


def test_my_visits_put_the_ones_to_record_first_then_the_coming_then_those_done(
    client, officer, therapist
):
    def visit_on(day, *, done=False):
        application = received_case(officer=officer, received_on=datetime.date(2026, 9, 1))
        flow.book_visit(application, therapist=therapist, scheduled_at=flow.at_ten(day))
        if done:
            flow.complete_visit(application, therapist=therapist)

    visit_on(datetime.date(2026, 10, 1), done=True)
    visit_on(datetime.date(2030, 2, 1))
    visit_on(datetime.date(2026, 11, 25))
    visit_on(datetime.date(2026, 10, 15), done=True)
    visit_on(datetime.date(2030, 1, 10))
    visit_on(datetime.date(2026, 11, 20))
    client.force_login(therapist)
    html = client.get(reverse("assessments:my_visits")).content.decode()
    body = html.split("<tbody")[1].split("</tbody>")[0]
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in body.split("<tr")[1:]]
    assert [(cells[0], re.sub(r"<[^>]+>", "", cells[3])) for cells in rows] == [
        ("2026-11-20 10:00", "Bokat"),
        ("2026-11-25 10:00", "Bokat"),
        ("2030-01-10 10:00", "Bokat"),
        ("2030-02-01 10:00", "Bokat"),
        ("2026-10-15 10:00", "Genomfört"),
        ("2026-10-01 10:00", "Genomfört"),
    ]


# --- From the search to the registration form ------------------------------------------------


def test_the_number_searched_for_is_carried_into_the_registration_form(client, officer):
    client.force_login(officer)
    search = client.post(reverse("assessments:citizen_search"), {"query": "194003073428"})
    html = search.content.decode()
    assert 'name="personal_number" value="19400307-3428"' in html
    assert "Registrera ny medborgare med det här numret" in html
    form = client.post(
        reverse("assessments:citizen_create"),
        {"personal_number": "19400307-3428", "from_search": "1"},
    )
    page = form.content.decode()
    assert form.status_code == 200
    assert 'value="19400307-3428"' in page
    # Nothing is saved or complained about yet, and the number is the first field.
    assert "is-invalid" not in page
    assert page.index('name="personal_number"') < page.index('name="first_name"')
    assert not Citizen.objects.exists()


def test_a_name_search_offers_the_empty_registration_form(client, officer):
    client.force_login(officer)
    html = client.post(reverse("assessments:citizen_search"), {"query": "Nilsson"}).content.decode()
    assert 'name="from_search"' not in html
    assert reverse("assessments:citizen_create") in html
