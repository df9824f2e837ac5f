"""Give the application's database role what it needs and nothing more (ADR 0011).

Run by the owner role, after ``migrate``: the owner owns the schema, the tables and the
access log's trigger; the application's role owns nothing, may read and write the app's
tables, and may only add to and read the access log. Running it again changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

from rehab.models import AccessLogEntry

SCHEMA = "public"
TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_RIGHTS = "USAGE, SELECT, UPDATE"
ACCESS_LOG_RIGHTS = "SELECT, INSERT"
ACCESS_LOG_SEQUENCE_RIGHTS = "USAGE, SELECT"


def grant_statements(
    *, app: str, owner: str, access_log: str, sequence: str | None, partitions: tuple = ()
) -> list:
    """The statements, in order; names come quoted from the database (quote_ident).
    ``partitions``: the access log's partitions on PostgreSQL (ADR 0014), which get what
    the log itself gets."""
    statements = [
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {app}",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {SCHEMA} TO {app}",
        f"GRANT {SEQUENCE_RIGHTS} ON ALL SEQUENCES IN SCHEMA {SCHEMA} TO {app}",
        # Tables and sequences that later migrations create get the same rights at once.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {SCHEMA} "
        f"GRANT {TABLE_RIGHTS} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {SCHEMA} "
        f"GRANT {SEQUENCE_RIGHTS} ON SEQUENCES TO {app}",
        # The access log: add and read, never change, delete, truncate or touch its trigger.
        f"REVOKE ALL ON TABLE {access_log} FROM PUBLIC, {app}",
        f"GRANT {ACCESS_LOG_RIGHTS} ON TABLE {access_log} TO {app}",
    ]
    for partition in partitions:
        statements += [
            f"REVOKE ALL ON TABLE {partition} FROM PUBLIC, {app}",
            f"GRANT {ACCESS_LOG_RIGHTS} ON TABLE {partition} TO {app}",
        ]
    if sequence:
        statements += [
            f"REVOKE ALL ON SEQUENCE {sequence} FROM PUBLIC, {app}",
            f"GRANT {ACCESS_LOG_SEQUENCE_RIGHTS} ON SEQUENCE {sequence} TO {app}",
        ]
    return statements


class Command(BaseCommand):
    help = (
        "Grant the application's PostgreSQL role its rights on the tables the connecting "
        "(owner) role owns: read and write on the app's tables, only add and read on the "
        "access log. Run as the owner after migrate; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role", required=True, help="the application's role, e.g. samrehab_app"
        )
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, role, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                "grant_app_role is for PostgreSQL; on SQLite there are no database roles."
            )
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, pg_has_role(rolname, current_user, 'MEMBER'), "
                "quote_ident(rolname), quote_ident(current_user) "
                "FROM pg_roles WHERE rolname = %s",
                [role],
            )
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"There is no database role {role!r}; create it first.")
            superuser, member_of_owner, app, owner = found
            if superuser or member_of_owner:
                raise CommandError(
                    f"The role {role!r} is a superuser or acts as the owner, so the access "
                    "log would not be protected from it; give the app a role of its own."
                )
            table = AccessLogEntry._meta.db_table
            cursor.execute(
                "SELECT quote_ident(%s), pg_get_serial_sequence(quote_ident(%s), 'id')",
                [table, table],
            )
            access_log, sequence = cursor.fetchone()
            cursor.execute(
                "SELECT quote_ident(c.relname) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s) "
                "ORDER BY 1",
                [table],
            )
            partitions = tuple(name for (name,) in cursor.fetchall())
            for statement in grant_statements(
                app=app,
                owner=owner,
                access_log=access_log,
                sequence=sequence,
                partitions=partitions,
            ):
                cursor.execute(statement)
        if options["verbosity"]:
            self.stdout.write(
                f"Granted {role}: {TABLE_RIGHTS} on the app's tables, "
                f"{ACCESS_LOG_RIGHTS} on {table}."
            )
