from django.db import migrations

from followup.reference_data import ensure_reference_data


def create_defaults(apps, schema_editor):
    ensure_reference_data(
        apps.get_model("followup", "FollowUpInterval"),
        apps.get_model("followup", "SavingsParameters"),
    )


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
