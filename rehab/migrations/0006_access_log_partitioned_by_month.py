"""The access log at national size (ADR 0014).

Each row records whether the review flags it (the citizen's identity was protected, the
citizen was not of the user's team), as it stood when the row was written; rows already
written take the facts of the day this migration runs. Indexes serve the review's pages,
newest first, with and without a user and the flag.

On PostgreSQL the table becomes partitioned by month of ``at``: a new partitioned table
is made, the rows are moved into it month by month (keeping their ids), the old table is
dropped and the new one takes its name, its sequence (continuing from the old one), its
foreign key, indexes, append-only trigger and privileges. The primary key is (id, at),
since a partitioned table's keys must hold its partition key; ``id`` alone stays unique,
from the one sequence, and Django still treats it as the primary key. Partitions are made
from the month of the oldest row to twelve months ahead, with a DEFAULT partition; the
owner's ``access_log_partitions`` command keeps making months ahead and drops the months
past the retention. Migrating back makes it one plain table again.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from rehab import access_log_partitions as parts

TABLE = parts.TABLE
OLD = f"{TABLE}_unpartitioned"
MONTHS_AHEAD = 12

# Whether a row's citizen had protected identity, and was outside the user's team (or the
# user had none): what the review computed at each look before this migration.
PROTECTED = (
    "EXISTS (SELECT 1 FROM assessments_citizen c "
    "WHERE c.public_id = e.citizen_ref AND c.protected_identity)"
)
OUTSIDE_TEAM = (
    "EXISTS (SELECT 1 FROM assessments_citizen c, rehab_user u "
    "WHERE c.public_id = e.citizen_ref AND u.id = e.user_id "
    "AND (u.team_id IS NULL OR c.team_id IS NULL OR c.team_id <> u.team_id))"
)


def _citizens_exist(connection, cursor) -> bool:
    return "assessments_citizen" in connection.introspection.table_names(cursor)


def _flags(connection, cursor) -> tuple[str, str]:
    if _citizens_exist(connection, cursor):
        return PROTECTED, OUTSIDE_TEAM
    return "false", "false"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        protected, outside = _flags(connection, cursor)
        if connection.vendor != "postgresql":
            cursor.execute(
                f"UPDATE {TABLE} SET protected_identity = {protected.replace('e.', f'{TABLE}.')}, "  # noqa: S608
                f"outside_team = {outside.replace('e.', f'{TABLE}.')}"
            )
            return
        if parts.is_partitioned(cursor):
            return
        _partition(cursor, protected, outside)


def _partition(cursor, protected: str, outside: str) -> None:
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [OLD],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'p')",
        [OLD, OLD],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT quote_ident(a.attname) FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum",
        [OLD],
    )
    columns = [name for (name,) in cursor.fetchall()]
    cursor.execute(
        f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE) PARTITION BY RANGE (at)"
    )
    cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id, at)")
    # Ids come from the new sequence made below (a table migrated back and forth has a
    # default on the old one, which is dropped with the old table).
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id DROP DEFAULT")
    parts.copy_privileges(cursor, source=OLD, target=TABLE)
    cursor.execute(f"SELECT min(at), max(at) FROM {OLD}")  # noqa: S608
    first, last = cursor.fetchone()
    today = datetime.datetime.now(tz=datetime.UTC).date()
    start = first.astimezone(datetime.UTC).date() if first else today
    end = max(last.astimezone(datetime.UTC).date() if last else today, today)
    months = parts.months_between(start, parts.add_months(parts.month_start(end), MONTHS_AHEAD))
    parts.create_partitions(cursor, months)

    selected = ", ".join(
        {"protected_identity": protected, "outside_team": outside}.get(c, f"e.{c}")
        for c in columns
    )
    # One pass over the old table; each row goes to its month's partition.
    cursor.execute(
        f"INSERT INTO {TABLE} ({', '.join(columns)}) SELECT {selected} FROM {OLD} e"  # noqa: S608
    )

    # The sequence: a new one owned by the new table, continuing from the old one, with the
    # old one's privileges.
    sequence = f"{TABLE}_id_seq"
    cursor.execute(f"CREATE SEQUENCE {TABLE}_id AS bigint OWNED BY {TABLE}.id")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [OLD])
    (old_sequence,) = cursor.fetchone()
    if old_sequence:
        cursor.execute(f"SELECT last_value, is_called FROM {old_sequence}")  # noqa: S608
        last_value, is_called = cursor.fetchone()
        if is_called:
            cursor.execute("SELECT setval(%s, %s, true)", [f"{TABLE}_id", last_value])
        parts.copy_privileges(cursor, source=old_sequence, target=f"{TABLE}_id", kind="SEQUENCE")
    cursor.execute(f"DROP TABLE {OLD}")  # its indexes, identity sequence and trigger with it
    cursor.execute(f"ALTER SEQUENCE {TABLE}_id RENAME TO {sequence}")
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")

    for name, definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    for _name, definition in indexes:
        cursor.execute(definition.replace(f" ON public.{OLD} ", f" ON public.{TABLE} "))
    cursor.execute(
        f"CREATE TRIGGER rehab_access_log_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION rehab_access_log_append_only()"
    )


def backwards(apps, schema_editor):
    """Back to one plain table (the rows, ids, sequence, foreign key, indexes, trigger and
    privileges kept), so that 0005 finds the table it made."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not parts.is_partitioned(cursor):
            return
        old = f"{TABLE}_partitioned"
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [old],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [old, old],
        )
        indexes = [definition for (definition,) in cursor.fetchall()]
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        cursor.execute(f"INSERT INTO {TABLE} SELECT * FROM {old}")  # noqa: S608
        cursor.execute(f"ALTER TABLE {TABLE} ADD PRIMARY KEY (id)")
        cursor.execute(f"ALTER SEQUENCE {TABLE}_id_seq OWNED BY {TABLE}.id")
        parts.copy_privileges(cursor, source=old, target=TABLE)
        cursor.execute(f"DROP TABLE {old}")
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
        for definition in indexes:
            cursor.execute(definition.replace(f" ON ONLY public.{old} ", f" ON public.{TABLE} "))
        cursor.execute(
            f"CREATE TRIGGER rehab_access_log_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION rehab_access_log_append_only()"
        )


class Migration(migrations.Migration):
    dependencies = [("rehab", "0005_access_log_purpose_and_reason")]

    operations = [
        migrations.RemoveIndex(model_name="accesslogentry", name="rehab_acces_user_id_dedb37_idx"),
        migrations.AlterField(
            model_name="accesslogentry",
            name="at",
            field=models.DateTimeField(auto_now_add=True),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="protected_identity",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="outside_team",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["at", "id"], name="rehab_accesslog_at_id"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["user", "at", "id"], name="rehab_accesslog_user_at_id"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("protected_identity", True), ("outside_team", True), _connector="OR"),
                fields=["at", "id"],
                name="rehab_accesslog_flagged",
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("protected_identity", True), ("outside_team", True), _connector="OR"),
                fields=["user", "at", "id"],
                name="rehab_accesslog_user_flagged",
            ),
        ),
    ]
