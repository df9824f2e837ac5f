"""Migration 0006 on a deployed access log (PostgreSQL): the rows written at 0005 survive
the move into the table partitioned by month with their ids, take their flags, and the
sequence, trigger and privileges carry over (ADR 0014)."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments import services
from rehab import access_log_partitions as parts
from rehab.models import AccessLogEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("rehab", "0005_access_log_purpose_and_reason")]
AFTER = [("rehab", "0006_access_log_partitioned_by_month")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def test_rows_written_before_the_migration_survive_it_with_their_ids_and_flags(officer):
    protected = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
        protected_identity=True,
    )
    other = uuid.uuid4()
    try:
        migrate(BEFORE)
        with connection.cursor() as cursor:
            assert not parts.is_partitioned(cursor)
            rows = [
                (datetime.datetime(2023, 2, 10, 9, tzinfo=datetime.UTC), protected.public_id),
                (datetime.datetime(2025, 7, 1, 13, tzinfo=datetime.UTC), other),
                (datetime.datetime(2025, 7, 2, 8, tzinfo=datetime.UTC), protected.public_id),
            ]
            ids = []
            for at, ref in rows:
                cursor.execute(
                    "INSERT INTO rehab_accesslogentry (at, user_id, roles, citizen_ref, "
                    "action, view, purpose, reason) "
                    "VALUES (%s, %s, 'case_officer', %s, 'read', 'x', '', '') RETURNING id",
                    [at, officer.pk, ref],
                )
                ids.append(cursor.fetchone()[0])
    finally:
        migrate(AFTER)
        call_command("migrate", verbosity=0)

    with connection.cursor() as cursor:
        assert parts.is_partitioned(cursor)
        names = {p.name for p in parts.partitions(cursor)}
    assert {"rehab_accesslogentry_p2023_02", "rehab_accesslogentry_p2025_07"} <= names
    found = list(
        AccessLogEntry.objects.order_by("pk").values_list(
            "pk", "at", "citizen_ref", "protected_identity", "outside_team"
        )
    )
    assert found == [
        (ids[0], rows[0][0], protected.public_id, True, False),
        (ids[1], rows[1][0], other, False, False),
        (ids[2], rows[2][0], protected.public_id, True, False),
    ]
    # The sequence goes on from the old one.
    assert (
        AccessLogEntry.objects.create(
            user=officer, roles="", citizen_ref=other, action="read", view="x"
        ).pk
        > ids[-1]
    )
