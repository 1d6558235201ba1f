"""Django's flush, able to empty the audit table on SQLite (test runner resets, `flush`).

Emptying the whole database is the one deliberate exception to the append-only trail; no other
path lifts the trigger.
"""

from django.core.management.commands.flush import Command as FlushCommand

from audit.triggers import sqlite_delete_allowed


class Command(FlushCommand):
    def handle(self, **options):
        with sqlite_delete_allowed(options["database"]):
            return super().handle(**options)
