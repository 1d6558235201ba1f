"""The append-only triggers of 0002, also on the tables of patient sets and checkpoints."""

from django.db import migrations

TABLES = ("audit_auditentrypatient", "audit_auditcheckpoint")


# Its own function, not 0002's: a later migration that drops and recreates 0002's triggers (as
# 0003 and 0004 do around a table rebuild) must be able to drop that function.
POSTGRESQL_FUNCTION = """
    CREATE OR REPLACE FUNCTION audit_row_refuse_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit entries are append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql;
"""


def _postgresql_create(table: str) -> str:
    return f"""
    CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_row_refuse_change();
    """


def _sqlite_create(table: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: UPDATE refused'); END;
        """,
        f"""
        CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only: DELETE refused'); END;
        """,
    ]


POSTGRESQL_CREATE = [POSTGRESQL_FUNCTION] + [_postgresql_create(table) for table in TABLES]
POSTGRESQL_DROP = [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};" for table in TABLES] + [
    "DROP FUNCTION IF EXISTS audit_row_refuse_change();"
]
SQLITE_CREATE = [statement for table in TABLES for statement in _sqlite_create(table)]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {table}_{kind};" for table in TABLES for kind in ("no_update", "no_delete")]
# What `manage.py flush` lifts on SQLite (audit.triggers): the delete triggers only.
SQLITE_DELETE_TRIGGERS = {f"{table}_no_delete": _sqlite_create(table)[1] for table in TABLES}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_CREATE, "sqlite": SQLITE_CREATE}.get(vendor, []):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_patient_sets_and_checkpoints")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
