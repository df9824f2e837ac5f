"""The work queue pages split the cases the same way each time, whatever the sort."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import Application
from assessments.tables import WorkQueueTable
from tests.factories import received_case
from tests.support import flow

pytestmark = pytest.mark.django_db

SORTS = [
    name for name, column in WorkQueueTable.base_columns.items() if column.orderable is not False
]


def test_every_sort_offered_is_one_of_the_queues_columns():
    assert SORTS == [
        "citizen",
        "kind",
        "received_on",
        "status",
        "applied_minutes",
        "visit_at",
        "therapist",
        "case_officer",
    ]


@pytest.mark.parametrize("direction", ["", "-"])
@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_ends_in_the_case_id(client, officer, sort, direction):
    client.force_login(officer)
    response = client.get(reverse("assessments:work_queue"), {"sort": f"{direction}{sort}"})
    assert response.status_code == 200
    ordering = response.context["table"].data.data.query.order_by
    assert ordering[-1] == f"{direction}pk", ordering


def _page(client, **query):
    response = client.get(reverse("assessments:work_queue"), query)
    assert response.status_code == 200
    page = response.context["page"]
    return [row.record.pk for row in page], page


def test_thirty_cases_received_the_same_day_are_each_on_exactly_one_page(client, officer):
    day = datetime.date(2026, 11, 2)
    cases = [received_case(officer=officer, received_on=day) for _ in range(30)]
    client.force_login(officer)
    first, page = _page(client, sort="status")
    second, last = _page(client, sort="status", after=page.next_cursor)
    assert (len(first), len(second), last.next_cursor) == (25, 5, None)
    assert sorted(first + second) == sorted(case.pk for case in cases)


@pytest.fixture
def mixed_queue(officer, therapist):
    """31 open cases with ties and gaps in every sort: three days of receipt, visits booked
    and done on the same times or none, minutes or none, a therapist or none."""
    minutes_services = [("dusch",), ("dusch", "trygghetslarm"), ("trygghetslarm",)]
    cases = []
    for n in range(31):
        application = received_case(
            officer=officer,
            received_on=datetime.date(2026, 10, 1 + n % 3),
            services=minutes_services[n % 3],
        )
        if n % 4 == 1:
            flow.book_visit(
                application,
                therapist=therapist,
                scheduled_at=flow.at_ten(datetime.date(2026, 10, 20)),
            )
        elif n % 4 == 2:
            flow.assessed(application, therapist=therapist)
        cases.append(application.pk)
    return cases


@pytest.mark.parametrize("direction", ["", "-"])
@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_pages_forward_and_back_without_repeating_or_losing_a_case(
    client, officer, mixed_queue, sort, direction
):
    client.force_login(officer)
    sort = f"{direction}{sort}"
    pages, cursors = [], []
    rows, page = _page(client, sort=sort)
    pages.append(rows)
    while page.next_cursor:
        cursors.append(page.next_cursor)
        rows, page = _page(client, sort=sort, after=page.next_cursor)
        pages.append(rows)
    seen = [pk for rows in pages for pk in rows]
    assert sorted(seen) == sorted(mixed_queue)  # each case exactly once
    assert [len(rows) for rows in pages] == [25, 6]
    # Back from the last page: the same first page.
    back, first = _page(client, sort=sort, before=page.previous_cursor)
    assert back == pages[0] and first.previous_cursor is None


def test_the_cursor_holds_the_case_id_only_not_the_name(client, officer, mixed_queue):
    client.force_login(officer)
    _rows, page = _page(client, sort="citizen")
    last = Application.objects.get(pk=int(page.next_cursor.rpartition("~")[2]))
    assert page.next_cursor == f"citizen~{last.pk}"
    html = client.get(reverse("assessments:work_queue"), {"sort": "citizen"}).content.decode()
    assert f"after=citizen~{last.pk}" in html


def test_a_cursor_made_for_another_sort_gives_the_first_page(client, officer, mixed_queue):
    client.force_login(officer)
    first, page = _page(client, sort="status")
    again, _page_again = _page(
        client, sort="status", after=page.next_cursor.replace("status", "kind")
    )
    assert again == _page(client, sort="status")[0] == first


def test_the_queue_does_not_count_all_its_cases(client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(30):
        received_case(officer=officer)
    client.force_login(officer)
    _rows, first = _page(client)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessments:work_queue"), {"after": first.next_cursor})
    assert [row.record.pk for row in response.context["page"]]
    sql = [q["sql"] for q in queries]
    assert [q for q in sql if q.startswith('SELECT COUNT(*) AS "__count"')] == []
    assert not [q for q in sql if " OFFSET " in q]
    html = response.content.decode()
    assert "30 ärenden" in html
    assert 'rel="prev"' in html and "Föregående" in html and "Första sidan" in html
