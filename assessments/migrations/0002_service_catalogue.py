from django.db import migrations

from assessments.reference_data import SERVICE_CATALOGUE


def create_catalogue(apps, schema_editor):
    ServiceType = apps.get_model("assessments", "ServiceType")
    for order, (code, name, has_minutes) in enumerate(SERVICE_CATALOGUE):
        ServiceType.objects.get_or_create(
            code=code, defaults={"name": name, "has_minutes": has_minutes, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(create_catalogue, migrations.RunPython.noop)]
