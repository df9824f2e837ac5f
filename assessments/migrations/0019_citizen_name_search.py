"""Trigram indexes for finding citizens by part of a name on PostgreSQL (ADR 0015).

The citizen search and the work queue's name filter match any part of a first or last name
(``icontains``: ``UPPER(name) LIKE UPPER('%word%')``), which no b-tree index serves: at
national size the database read every citizen for each search. A GIN index of the names'
trigrams serves ``LIKE '%…%'``. pg_trgm is a trusted extension, so the database's owner
(who runs the migrations, ADR 0011) may create it. SQLite (the embedded default) has no
such index and needs none at its sizes: nothing happens there.
"""

from django.db import migrations

INDEXES = {
    "citizen_first_name_trgm": "first_name",
    "citizen_last_name_trgm": "last_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON assessments_citizen "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("assessments", "0018_queue_columns")]

    operations = [migrations.RunPython(create, drop)]
