"""The application's database role cannot change the access log in any way (ADR 0011).

The suite connects as the owner role (it creates and migrates the test database); these
tests grant the app role its rights with ``manage.py grant_app_role``, as production does
after migrate, then open a second connection to the test database as the app role, as the
web app, worker and beat connect, and try every way around the append-only trigger.
"""

import os

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from psycopg import sql

from assessments import services
from rehab.models import AccessLogEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TABLE = "rehab_accesslogentry"
TRIGGER = "rehab_access_log_append_only"
REFUSED = "permission denied|must be owner"


def app_role() -> str:
    role = os.environ.get("SAMREHAB_APP_ROLE")
    if not role:
        pytest.fail("SAMREHAB_APP_ROLE names the app's database role (bin/test sets it)")
    return role


@pytest.fixture
def as_app():
    """A connection to the test database as the app role, after the grants."""
    call_command("grant_app_role", role=app_role(), verbosity=0)
    settings = connection.settings_dict
    app = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        dbname=settings["NAME"],
        user=app_role(),
        password=os.environ.get("SAMREHAB_APP_PASSWORD", ""),
        autocommit=True,
    )
    yield app
    app.close()


@pytest.fixture
def logged(client, officer):
    """One committed access log row, written by a read of a citizen's page."""
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
    )
    client.force_login(officer)
    client.get(reverse("assessments:citizen_detail", args=[citizen.public_id]))
    return AccessLogEntry.objects.get(citizen_ref=citizen.public_id)


ATTACKS = {
    "truncate": f"TRUNCATE {TABLE}",
    "disable trigger": f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}",
    "drop trigger": f"DROP TRIGGER {TRIGGER} ON {TABLE}",
    "replace the trigger function": (
        f"CREATE OR REPLACE FUNCTION public.{TRIGGER}() RETURNS trigger AS $$ "
        "BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
    ),
    "replication role": "SET session_replication_role = replica",
    "update": "UPDATE rehab_accesslogentry SET action = 'update' WHERE id = %(id)s",
    "delete": "DELETE FROM rehab_accesslogentry WHERE id = %(id)s",
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_app_role_is_refused_every_way_of_changing_the_access_log(as_app, logged, attack):
    # Refused by the privileges, before the trigger (whose message says "append-only").
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
        as_app.execute(ATTACKS[attack], {"id": logged.pk} if "%(id)s" in ATTACKS[attack] else None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled, pg_get_functiondef(tgfoid) FROM pg_trigger "
            "WHERE tgrelid = %s::regclass AND tgname = %s",
            [TABLE, TRIGGER],
        )
        enabled, definition = cursor.fetchone()
    assert enabled == "O"
    assert "append-only" in definition
    assert list(AccessLogEntry.objects.values_list("pk", "action")) == [(logged.pk, "read")]


def test_the_app_role_adds_to_and_reads_the_access_log(as_app, logged):
    columns = sql.SQL(", ").join(
        sql.Identifier(field.column)
        for field in AccessLogEntry._meta.concrete_fields
        if not field.primary_key
    )
    added = as_app.execute(
        sql.SQL(
            "INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} WHERE id = %s "
            "RETURNING id"
        ).format(table=sql.Identifier(TABLE), columns=columns),
        [logged.pk],
    ).fetchone()[0]
    rows = as_app.execute("SELECT id, action FROM rehab_accesslogentry ORDER BY id").fetchall()
    assert rows == [(logged.pk, "read"), (added, "read")]


def test_the_app_role_owns_nothing_and_writes_the_other_tables(as_app, officer):
    role = app_role()
    superuser, owned = as_app.execute(
        "SELECT rolsuper, (SELECT count(*) FROM pg_class WHERE relowner = pg_roles.oid) "
        "FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    assert (superuser, owned) == (False, 0)
    updated = as_app.execute(
        "UPDATE rehab_user SET first_name = 'Ny' WHERE id = %s", [officer.pk]
    ).rowcount
    assert updated == 1
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match=REFUSED):
        as_app.execute("CREATE TABLE rehab_app_made (id integer)")
    assert role != connection.settings_dict["USER"]


def test_tables_of_later_migrations_are_granted_to_the_app_role_at_once(as_app):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE rehab_later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
            "note text)"
        )
    try:
        as_app.execute("INSERT INTO rehab_later (note) VALUES ('later')")
        assert as_app.execute("SELECT note FROM rehab_later").fetchall() == [("later",)]
        assert as_app.execute("DELETE FROM rehab_later").rowcount == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE rehab_later")


def test_granting_is_idempotent_and_refuses_the_owner_itself():
    call_command("grant_app_role", role=app_role(), verbosity=0)
    call_command("grant_app_role", role=app_role(), verbosity=0)
    with pytest.raises(CommandError, match="acts as the owner"):
        call_command("grant_app_role", role=connection.settings_dict["USER"], verbosity=0)
    with pytest.raises(CommandError, match="no database role"):
        call_command("grant_app_role", role="samrehab_nobody", verbosity=0)
