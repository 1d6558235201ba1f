"""`staged_at` becomes `last_assessed_at`: since stagings are recomputed as the calendar moves
(rules §1.1, `staged_on`), the column holds when a clinician last changed the record, which is
what the lists call "Last assessed". Its indexes are rebuilt under names that say so."""

from django.db import migrations, models


def rename_descending_index(apps, schema_editor):
    # PostgreSQL-only index of migration 0003 (descending sort, NULLs last).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER INDEX IF EXISTS patient_clinic_staged_at_desc RENAME TO patient_clinic_last_assessed_desc"
        )


def restore_descending_index_name(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER INDEX IF EXISTS patient_clinic_last_assessed_desc RENAME TO patient_clinic_staged_at_desc"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0014_patient_clinic_fk_index_serves_no_query"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="patient", name="patient_staged_at"),
        migrations.RemoveIndex(model_name="patient", name="patient_clinic_staged_at"),
        migrations.RenameField(model_name="patient", old_name="staged_at", new_name="last_assessed_at"),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(
                fields=["clinic", "last_assessed_at", "name", "id"], name="patient_clinic_last_assessed"
            ),
        ),
        migrations.AddIndex(
            model_name="patient", index=models.Index(fields=["last_assessed_at"], name="patient_last_assessed")
        ),
        migrations.RunPython(rename_descending_index, restore_descending_index_name),
    ]
