"""The access log partitioned by month on PostgreSQL (ADR 0014): the partitions the
migration and the owner's command make, the append-only trigger and the app role's rights
on every partition, rows of a new month moved out of the DEFAULT partition, and the
months past the retention dropped."""

import datetime
import os
import uuid
from unittest import mock

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rehab import access_log_partitions as parts
from rehab.models import AccessLogEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABLE = parts.TABLE
TRIGGER = "rehab_access_log_append_only"
CITIZEN = uuid.UUID("6f1c1a52-1d1e-4c55-9a43-3b4d7c0e9a11")


def app_role() -> str:
    role = os.environ.get("SAMREHAB_APP_ROLE")
    if not role:
        pytest.fail("SAMREHAB_APP_ROLE names the app's database role (bin/test sets it)")
    return role


def connect_as_app():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        dbname=settings["NAME"],
        user=app_role(),
        password=os.environ.get("SAMREHAB_APP_PASSWORD", ""),
        autocommit=True,
    )


def row_at(user, at: datetime.datetime) -> AccessLogEntry:
    with mock.patch("django.utils.timezone.now", return_value=at):
        return AccessLogEntry.objects.create(
            user=user,
            roles="case_officer",
            citizen_ref=CITIZEN,
            action=AccessLogEntry.Action.READ,
            view="assessments:citizen_detail",
        )


def partition_of(entry: AccessLogEntry) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
        return cursor.fetchone()[0]


def names() -> set[str]:
    with connection.cursor() as cursor:
        return {p.name for p in parts.partitions(cursor)}


def test_the_log_is_partitioned_by_month_with_a_default_and_the_trigger_on_each():
    this_month = timezone.now().astimezone(datetime.UTC).date().replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat, (SELECT attname FROM pg_attribute WHERE attrelid = partrelid "
            "AND attnum = partattrs[0]) FROM pg_partitioned_table "
            "WHERE partrelid = %s::regclass",
            [TABLE],
        )
        assert cursor.fetchone() == ("r", "at")
        cursor.execute(
            "SELECT count(*) FROM pg_inherits i WHERE i.inhparent = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = i.inhrelid "
            "AND t.tgname = %s AND t.tgenabled = 'O')",
            [TABLE, TRIGGER],
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'p'",
            [TABLE],
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, at)"
    present = names()
    assert parts.DEFAULT in present
    for months in range(13):  # this month and twelve ahead
        assert parts.partition_name(parts.add_months(this_month, months)) in present


def test_a_partition_refuses_update_and_delete_as_the_log_does(officer):
    entry = row_at(officer, timezone.now())
    partition = partition_of(entry)
    assert partition == parts.partition_name(entry.at.astimezone(datetime.UTC).date())
    for statement in (
        f"UPDATE {partition} SET action = 'update' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {partition} WHERE id = %s",  # noqa: S608
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "read"


def test_the_app_role_may_only_read_and_add_on_every_partition_even_a_new_one(officer):
    call_command("grant_app_role", role=app_role(), verbosity=0)
    # A month made after grant_app_role, by the owner's command, as a month later does.
    far = timezone.now() + datetime.timedelta(days=31 * 20)
    call_command("access_log_partitions", ahead=20, verbosity=0)
    new = parts.partition_name(far.astimezone(datetime.UTC).date())
    assert new in names()
    entry = row_at(officer, far)
    assert partition_of(entry) == new

    with connect_as_app() as app:
        rights = app.execute(
            "SELECT c.relname, "
            "has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'), "
            "has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE'), "
            "has_table_privilege(c.oid, 'TRUNCATE') "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        ).fetchall()
        assert rights and all(r[1:] == (True, True, False, False, False) for r in rights)
        for statement in (
            f"UPDATE {new} SET action = 'update' WHERE id = %s",  # noqa: S608
            f"DELETE FROM {new} WHERE id = %s",  # noqa: S608
            f"TRUNCATE {new}",
            f"DROP TABLE {new}",
            f"ALTER TABLE {TABLE} DETACH PARTITION {new}",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement, [entry.pk] if "%s" in statement else None)
        # Through the log itself the app adds rows, which land in their month.
        added = app.execute(
            f"INSERT INTO {TABLE} (at, user_id, roles, citizen_ref, action, view, purpose, "  # noqa: S608
            "reason, protected_identity, outside_team) "
            "VALUES (%s, %s, '', gen_random_uuid(), 'read', 'x', '', '', false, false) "
            "RETURNING id, tableoid::regclass::text",
            [far, officer.pk],
        ).fetchone()
        assert added[1] == new and added[0] > entry.pk
    assert AccessLogEntry.objects.get(pk=entry.pk).action == "read"


def test_a_new_month_takes_its_rows_out_of_the_default_partition(officer):
    month = datetime.date(2045, 3, 1)  # far beyond the months made ahead
    inside = row_at(officer, datetime.datetime(2045, 3, 15, 9, tzinfo=datetime.UTC))
    later = row_at(officer, datetime.datetime(2045, 5, 2, 9, tzinfo=datetime.UTC))
    assert partition_of(inside) == partition_of(later) == parts.DEFAULT

    with transaction.atomic(), connection.cursor() as cursor:
        created = parts.create_partitions(cursor, [month])
    assert created == [parts.partition_name(month), parts.DEFAULT]
    assert partition_of(inside) == parts.partition_name(month)
    assert partition_of(later) == parts.DEFAULT
    moved = AccessLogEntry.objects.get(pk=inside.pk)
    assert (moved.at, moved.citizen_ref, moved.user_id) == (
        inside.at,
        inside.citizen_ref,
        officer.pk,
    )
    assert AccessLogEntry.objects.count() == 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = %s",
            [parts.DEFAULT, TRIGGER],
        )
        assert cursor.fetchone()[0] == 1


def test_months_older_than_the_retention_are_dropped_and_no_younger_one(officer):
    today = timezone.now().astimezone(datetime.UTC).date()
    old_month = parts.add_months(today.replace(day=1), -12 * 5 - 2)
    kept_month = parts.add_months(today.replace(day=1), -12 * 5 + 1)
    with transaction.atomic(), connection.cursor() as cursor:
        parts.create_partitions(cursor, [old_month, kept_month])
    old = row_at(officer, datetime.datetime.combine(old_month, datetime.time(9), datetime.UTC))
    kept = row_at(officer, datetime.datetime.combine(kept_month, datetime.time(9), datetime.UTC))

    with pytest.raises(CommandError, match="at least 5 years"):
        call_command("access_log_partitions", drop_older_than_years=4, verbosity=0)
    call_command("access_log_partitions", drop_older_than_years=5, dry_run=True, verbosity=0)
    assert parts.partition_name(old_month) in names()

    call_command("access_log_partitions", drop_older_than_years=5, verbosity=0)
    assert parts.partition_name(old_month) not in names()
    assert parts.partition_name(kept_month) in names()
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AccessLogEntry.objects.filter(pk=old.pk).exists()
