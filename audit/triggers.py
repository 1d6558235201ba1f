"""Lifting the SQLite delete trigger for `manage.py flush` only (see management/commands/flush.py)."""

from __future__ import annotations

from contextlib import contextmanager
from importlib import import_module

from django.db import connections


@contextmanager
def sqlite_delete_allowed(using: str):
    """SQLite empties tables with DELETE, which the append-only trigger refuses; PostgreSQL uses
    TRUNCATE, which row triggers do not see. The trigger is back as soon as the flush ends."""
    connection = connections[using]
    if connection.vendor != "sqlite" or "audit_auditentry" not in connection.introspection.table_names():
        yield
        return
    triggers = {"audit_entry_no_delete": import_module("audit.migrations.0002_append_only_triggers").SQLITE_CREATE[1]}
    if "audit_auditcheckpoint" in connection.introspection.table_names():
        triggers |= import_module("audit.migrations.0005_append_only_sets_and_checkpoints").SQLITE_DELETE_TRIGGERS
    with connection.cursor() as cursor:
        for name in triggers:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for create in triggers.values():
                cursor.execute(create)
