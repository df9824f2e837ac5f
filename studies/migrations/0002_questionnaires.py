from django.db import migrations

from studies.reference_data import ensure_questionnaires


def create(apps, schema_editor):
    ensure_questionnaires(
        apps.get_model("studies", "Questionnaire"),
        apps.get_model("studies", "Question"),
        apps.get_model("studies", "AnswerOption"),
        apps.get_model("assessments", "LifeArea"),
    )


class Migration(migrations.Migration):
    dependencies = [("studies", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
