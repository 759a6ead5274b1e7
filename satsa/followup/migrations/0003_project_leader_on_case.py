"""The project leader moves from the evaluation schema to the case (satsa.cases.access)."""

from django.db import migrations


def forwards(apps, schema_editor):
    EvaluationSchema = apps.get_model("followup", "EvaluationSchema")
    Case = apps.get_model("cases", "Case")
    for schema in EvaluationSchema.objects.exclude(project_leader=None):
        Case.objects.filter(pk=schema.case_id).update(project_leader_id=schema.project_leader_id)


def backwards(apps, schema_editor):
    EvaluationSchema = apps.get_model("followup", "EvaluationSchema")
    Case = apps.get_model("cases", "Case")
    for case in Case.objects.exclude(project_leader=None):
        EvaluationSchema.objects.filter(case_id=case.pk).update(
            project_leader_id=case.project_leader_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_fidelity_check"),
        ("cases", "0003_case_people"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="evaluationschema", name="project_leader"),
    ]
