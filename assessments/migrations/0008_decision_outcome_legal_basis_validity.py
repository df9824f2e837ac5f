import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_decision_urgent_reason"),
    ]

    operations = [
        migrations.CreateModel(
            name="LegalBasis",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                (
                    "active",
                    models.BooleanField(
                        default=True,
                        help_text="Only active provisions are offered for new decisions.",
                        verbose_name="active",
                    ),
                ),
                (
                    "sort_order",
                    models.PositiveSmallIntegerField(default=0, verbose_name="sort order"),
                ),
            ],
            options={
                "verbose_name": "legal basis",
                "verbose_name_plural": "legal bases",
                "ordering": ["sort_order", "name"],
            },
        ),
        migrations.AddField(
            model_name="decision",
            name="granted_summary",
            field=models.TextField(blank=True, max_length=4000, verbose_name="granted services"),
        ),
        migrations.AddField(
            model_name="decision",
            name="valid_from",
            field=models.DateField(blank=True, null=True, verbose_name="valid from"),
        ),
        migrations.AddField(
            model_name="decision",
            name="valid_until",
            field=models.DateField(blank=True, null=True, verbose_name="valid until"),
        ),
        migrations.AddField(
            model_name="grantedservice",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("granted", "Granted"),
                    ("partly_granted", "Partly granted"),
                    ("refused", "Refused"),
                ],
                default="granted",
                max_length=20,
                verbose_name="outcome",
            ),
        ),
        migrations.AddField(
            model_name="grantedservice",
            name="reason",
            field=models.TextField(blank=True, max_length=2000, verbose_name="reason"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="granted_summary",
            field=models.TextField(blank=True, max_length=4000, verbose_name="granted services"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="valid_from",
            field=models.DateField(blank=True, null=True, verbose_name="valid from"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="valid_until",
            field=models.DateField(blank=True, null=True, verbose_name="valid until"),
        ),
        migrations.AddField(
            model_name="decision",
            name="legal_basis",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="assessments.legalbasis",
                verbose_name="legal basis",
            ),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="legal_basis",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="assessments.legalbasis",
                verbose_name="legal basis",
            ),
        ),
        migrations.AddIndex(
            model_name="decision",
            index=models.Index(fields=["valid_until"], name="assessments_valid_u_227181_idx"),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_until__isnull", True),
                    ("valid_until__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="decision_valid_until_after_valid_from",
            ),
        ),
    ]
