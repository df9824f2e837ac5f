"""On PostgreSQL the database itself refuses to change or delete access log rows.

TRUNCATE stays possible for the table's owner (a database administrator's act, and how
test databases are emptied between tests); the application only issues UPDATE and DELETE.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION rehab_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER rehab_access_log_append_only
    BEFORE UPDATE OR DELETE ON rehab_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION rehab_access_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS rehab_access_log_append_only ON rehab_accesslogentry;
DROP FUNCTION IF EXISTS rehab_access_log_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("rehab", "0003_accesslogentry")]
    operations = [migrations.RunPython(create, drop)]
