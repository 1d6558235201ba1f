"""Shared by the audit tests: entries of a kind, and tampering past the database triggers."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from audit.models import AuditEntry


def entries(action: str | None = None, **filters):
    queryset = AuditEntry.objects.order_by("pk")
    if action is not None:
        queryset = queryset.filter(action=action)
    return list(queryset.filter(**filters))


@contextmanager
def triggers_dropped():
    """What an attacker with database access would do first. Inside the test's transaction, so
    the rollback at the end of the test restores the triggers (DDL is transactional in both)."""
    from importlib import import_module

    drop, create = [], []
    # Entries, then patient sets and checkpoints (created after, dropped before).
    for name in ("0002_append_only_triggers", "0005_append_only_sets_and_checkpoints"):
        migration = import_module(f"audit.migrations.{name}")
        drop = (migration.SQLITE_DROP if connection.vendor == "sqlite" else migration.POSTGRESQL_DROP) + drop
        create += migration.SQLITE_CREATE if connection.vendor == "sqlite" else migration.POSTGRESQL_CREATE
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in create:
                cursor.execute(statement)
