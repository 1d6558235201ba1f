"""Two audit actions: a FHIR export (patients.fhir) and an accepted import (patients.imports).

SQLite rebuilds the table to change a CHECK constraint, and the rebuild drops the append-only
triggers of 0002: they are dropped first and created again after, on every database.
"""

import importlib

from django.db import migrations, models

_triggers = importlib.import_module("audit.migrations.0002_append_only_triggers")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(_triggers.drop_triggers, _triggers.create_triggers),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "View"),
                    ("create", "Create"),
                    ("update", "Update"),
                    ("delete", "Delete"),
                    ("export_pdf", "Export PDF"),
                    ("export_fhir", "Export FHIR"),
                    ("import", "Import"),
                    ("login", "Log-in"),
                    ("failed_login", "Failed log-in"),
                ],
                max_length=20,
            ),
        ),
        migrations.RemoveConstraint(
            model_name="auditentry",
            name="audit_action_valid",
        ),
        migrations.AddConstraint(
            model_name="auditentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "action__in",
                        [
                            "view",
                            "create",
                            "update",
                            "delete",
                            "export_pdf",
                            "export_fhir",
                            "import",
                            "login",
                            "failed_login",
                        ],
                    )
                ),
                name="audit_action_valid",
            ),
        ),
        migrations.RunPython(_triggers.create_triggers, _triggers.drop_triggers),
    ]
