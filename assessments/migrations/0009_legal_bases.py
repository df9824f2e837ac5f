from django.db import migrations

from assessments.reference_data import ensure_legal_bases


def create_legal_bases(apps, schema_editor):
    ensure_legal_bases(apps.get_model("assessments", "LegalBasis"))


def outcome_of_existing_lines(apps, schema_editor):
    """Lines recorded before the outcome was kept: fewer minutes than applied is a partial
    grant, none at all a refusal."""
    GrantedService = apps.get_model("assessments", "GrantedService")
    AppliedService = apps.get_model("assessments", "AppliedService")
    applied = {
        (row.application_id, row.service_id): row.minutes_per_week
        for row in AppliedService.objects.all()
    }
    for line in GrantedService.objects.select_related("decision", "service"):
        asked = applied.get((line.decision.application_id, line.service_id))
        if not line.service.has_minutes or asked is None:
            continue
        if not line.minutes_per_week:
            line.outcome = "refused"
        elif line.minutes_per_week < asked:
            line.outcome = "partly_granted"
        else:
            continue
        line.save(update_fields=["outcome"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0008_decision_outcome_legal_basis_validity")]
    operations = [
        migrations.RunPython(create_legal_bases, migrations.RunPython.noop),
        migrations.RunPython(outcome_of_existing_lines, migrations.RunPython.noop),
    ]
