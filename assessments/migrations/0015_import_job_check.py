from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0014_import_job_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="kind",
            field=models.CharField(
                choices=[("check", "Check"), ("import", "Import")], default="import", max_length=10
            ),
        ),
        migrations.AddField(
            model_name="importjob",
            name="check_report",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
