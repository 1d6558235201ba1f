"""PostgreSQL query plans for the tests that check a page walks an index (tests/patients/*_plans.py)."""

from __future__ import annotations

from django.db import connection


def plan_preferring_indexes(queryset) -> str:
    """EXPLAIN of the queryset with sequential scans, bitmap scans and sorts priced out for the rest
    of the test's transaction: on the tests' tiny tables the planner then still picks a Sort only
    when no index delivers the ORDER BY."""
    with connection.cursor() as cursor:  # SET LOCAL: until the test's transaction ends
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("ANALYZE patients_patient")
    return queryset.explain()
