"""The work queue pages split the cases the same way each time, whatever the sort."""

import datetime

import pytest
from django.urls import reverse

from assessments.tables import WorkQueueTable
from tests.factories import received_case

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


def test_thirty_cases_received_the_same_day_are_each_on_exactly_one_page(client, officer):
    day = datetime.date(2026, 11, 2)
    cases = [received_case(officer=officer, received_on=day) for _ in range(30)]
    client.force_login(officer)
    seen = []
    for page in (1, 2):
        response = client.get(reverse("assessments:work_queue"), {"sort": "status", "page": page})
        seen += [row.pk for row in [r.record for r in response.context["table"].page.object_list]]
    assert len(seen) == 30
    assert sorted(seen) == sorted(case.pk for case in cases)


def test_the_queue_does_not_count_all_its_cases(client, officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(30):
        received_case(officer=officer)
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assessments:work_queue"), {"page": 2})
    assert [row.pk for row in [r.record for r in response.context["table"].page.object_list]]
    plain_counts = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT COUNT(*) AS "__count"')
    ]
    assert plain_counts == []
    html = response.content.decode()
    assert "?page=1" in html or "page=1" in html
