"""The work queue's and the citizen search's indexes (PostgreSQL only, ADR 0015): the
queries the pages make can use them. With sequential scans disabled the planner takes an
index wherever one fits the query, so a plan naming the index shows that it fits."""

import pytest
from django.db import connection
from django.test import RequestFactory

from assessments import selectors
from assessments.filters import WorkQueueFilter
from assessments.models import Citizen
from rehab.paging import keyset_page
from tests.factories import received_case

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _queue(officer, **query):
    request = RequestFactory().get("/", query)
    request.user = officer
    return WorkQueueFilter(
        request.GET, queryset=selectors.work_queue_for(user=officer), request=request
    ).qs


@pytest.mark.parametrize(
    ("scope", "ordering", "index"),
    [
        ("team", ("received_on", "pk"), "queue_team_received_on"),
        ("team", ("-visit_at", "-pk"), "queue_team_visit_at"),
        ("team", ("applied_minutes", "pk"), "queue_team_applied_minu"),
        # Own cases: the case officer's index or (on a table this small) the team's.
        ("mine", ("-visit_at", "-pk"), "_visit_at"),
        ("mine", ("kind", "pk"), "_kind"),
    ],
)
def test_each_sort_of_the_queue_reads_its_index(officer, scope, ordering, index):
    for _ in range(3):
        received_case(officer=officer)
    queryset = _queue(officer, scope=scope).order_by(*ordering)
    assert len(keyset_page(queryset, per_page=2)) == 2
    plan = _plan(queryset[:26])
    names = [index] if index.startswith("queue_") else [f"queue_case{index}", f"queue_team{index}"]
    assert any(name in plan for name in names), plan


def test_a_name_is_found_through_the_trigram_indexes(officer):
    received_case(officer=officer)
    queryset = Citizen.objects.filter(last_name__icontains="lind")
    plan = _plan(queryset)
    assert "citizen_last_name_trgm" in plan
