"""Lifting the SQLite delete trigger for `manage.py flush` only (see management/commands/flush.py)."""

from __future__ import annotations

from contextlib import contextmanager
from importlib import import_module

from django.db import connections


@contextmanager
def sqlite_delete_allowed(using: str):
    """SQLite empties tables with DELETE, which the append-only trigger refuses; PostgreSQL uses
    TRUNCATE, which row triggers do not see. The trigger is back as soon as the flush ends."""
    migration = import_module("audit.migrations.0002_append_only_triggers")
    connection = connections[using]
    if connection.vendor != "sqlite" or "audit_auditentry" not in connection.introspection.table_names():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(migration.SQLITE_CREATE[1])
