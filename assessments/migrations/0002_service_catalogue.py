from django.db import migrations

CATALOGUE = [
    ("trygghetslarm", "Trygghetslarm", False),
    ("dusch", "Dusch", True),
    ("stad", "Städ", True),
    ("mathallning", "Mathållning", True),
    ("tvatt", "Tvätt", True),
    ("hushall_baddning", "Hushållsarbete/bäddning", True),
    ("ovrigt", "Övrigt", True),
]


def create_catalogue(apps, schema_editor):
    ServiceType = apps.get_model("assessments", "ServiceType")
    for order, (code, name, has_minutes) in enumerate(CATALOGUE):
        ServiceType.objects.get_or_create(
            code=code, defaults={"name": name, "has_minutes": has_minutes, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(create_catalogue, migrations.RunPython.noop)]
