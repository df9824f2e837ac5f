from django.db import migrations

from assessments.reference_data import LIFE_AREAS



def create_life_areas(apps, schema_editor):
    LifeArea = apps.get_model("assessments", "LifeArea")
    for order, (code, name) in enumerate(LIFE_AREAS):
        LifeArea.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_lifearea_jointvisit_assistive_devices_and_more")]
    operations = [migrations.RunPython(create_life_areas, migrations.RunPython.noop)]
