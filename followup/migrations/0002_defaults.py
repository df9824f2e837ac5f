import datetime
from decimal import Decimal

from django.db import migrations


def create_defaults(apps, schema_editor):
    FollowUpInterval = apps.get_model("followup", "FollowUpInterval")
    for track in (None, 1, 2, 3):
        for months in (3, 6):
            FollowUpInterval.objects.get_or_create(track=track, months=months)
    SavingsParameters = apps.get_model("followup", "SavingsParameters")
    SavingsParameters.objects.get_or_create(
        valid_from=datetime.date(2020, 1, 1),
        defaults={
            "hourly_cost": Decimal("200"),
            "weeks_per_month": Decimal("4.5"),
            "therapist_hourly_cost": Decimal("337.50"),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
