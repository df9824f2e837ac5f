"""``manage.py grant_app_role``: what it grants (tests/postgres/test_database_roles.py runs
it against PostgreSQL), and a clear refusal on SQLite, which has no roles."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from rehab.management.commands.grant_app_role import grant_statements


@pytest.mark.django_db
def test_it_refuses_with_a_reason_where_it_cannot_grant():
    """On SQLite there are no roles; on PostgreSQL a role that does not exist is refused
    (tests/postgres/test_database_roles.py grants to the real one)."""
    if connection.vendor == "sqlite":
        with pytest.raises(CommandError, match="for PostgreSQL"):
            call_command("grant_app_role", role="samrehab_app")
    else:
        with pytest.raises(CommandError):
            call_command("grant_app_role", role="no_such_role_here")


def test_the_access_log_gets_only_insert_and_select_after_the_broad_grants():
    statements = grant_statements(
        app="samrehab_app",
        owner="samrehab_owner",
        access_log="rehab_accesslogentry",
        sequence="public.rehab_accesslogentry_id_seq",
    )
    assert statements[-4:] == [
        "REVOKE ALL ON TABLE rehab_accesslogentry FROM PUBLIC, samrehab_app",
        "GRANT SELECT, INSERT ON TABLE rehab_accesslogentry TO samrehab_app",
        "REVOKE ALL ON SEQUENCE public.rehab_accesslogentry_id_seq FROM PUBLIC, samrehab_app",
        "GRANT USAGE, SELECT ON SEQUENCE public.rehab_accesslogentry_id_seq TO samrehab_app",
    ]
    assert (
        "ALTER DEFAULT PRIVILEGES FOR ROLE samrehab_owner IN SCHEMA public "
        "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO samrehab_app"
    ) in statements
    assert not any("TRUNCATE" in s or "TRIGGER" in s or "REFERENCES" in s for s in statements)
