from django.db import migrations

# The life areas as first created; 0017_ibic_life_areas brings them to IBIC's 2021 list.
LIFE_AREAS = [
    ("larande", "Lärande och att tillämpa kunskap"),
    ("allmanna_uppgifter", "Allmänna uppgifter och krav"),
    ("kommunikation", "Kommunikation"),
    ("forflyttning", "Förflyttning"),
    ("personlig_vard", "Personlig vård"),
    ("hemliv", "Hemliv"),
    ("relationer", "Mellanmänskliga interaktioner och relationer"),
    ("viktiga_livsomraden", "Utbildning, arbete, sysselsättning och ekonomiskt liv"),
    ("samhallsgemenskap", "Samhällsgemenskap, socialt och medborgerligt liv"),
    ("psykiska_funktioner", "Psykiska funktioner"),
    ("smarta", "Smärta"),
]


def create_life_areas(apps, schema_editor):
    LifeArea = apps.get_model("assessments", "LifeArea")
    for order, (code, name) in enumerate(LIFE_AREAS):
        LifeArea.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_lifearea_jointvisit_assistive_devices_and_more")]
    operations = [migrations.RunPython(create_life_areas, migrations.RunPython.noop)]
