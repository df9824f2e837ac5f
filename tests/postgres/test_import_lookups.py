"""The import's look-ups of a batch use the indexes, however many rows the batch has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.imports import saving

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def plan_of(sql: str) -> str:
    """The plan the server would choose if the table were large (the test's is empty)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_chunk_of_import_keys_is_looked_up_in_the_unique_index():
    # More than 100 keys: PostgreSQL proves that a longer list lies within the partial
    # index's condition (a non-empty key) only when the query states the condition.
    keys = [f"imp1:{index:064x}" for index in range(saving.QUERY_CHUNK)]
    with CaptureQueriesContext(connection) as captured:
        assert saving.existing_import_keys(keys) == set()
    (query,) = captured.captured_queries
    plan = plan_of(query["sql"])
    assert "unique_import_key" in plan
    assert "Seq Scan" not in plan
