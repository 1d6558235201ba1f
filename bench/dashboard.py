"""Benchmark the clinic dashboard and the worklist at 1,000 and 100,000 patients (PostgreSQL).

    .venv/bin/python bench/dashboard.py [--small 1000] [--large 100000] [--requests 30]
                                        [--rounds 3] [--keep] [--reuse] [--drop]

The same procedure and JSON lines as bench/patient_list.py (whose helpers it uses), on its own
databases (BENCH_DASHBOARD_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
trd_bench_dashboard and its _small copy), measuring the views below instead of the list's.

Target (issue 13): p95 under 150 ms at the large size, identical query counts at both sizes.
Prints {"kind": "scaling", "view", "p95_small_ms", "p95_large_ms", "under_150_ms", "same_queries"}
per view. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import patient_list as base  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/trd_bench_dashboard"
LIMIT_MS = 150

# view name -> (URL name, GET parameters, user)
VIEWS = {
    "dashboard_clinician": ("patients:dashboard", {}, "clinician"),
    "dashboard_clinic_admin": ("patients:dashboard", {}, "clinic_admin"),
    "worklist_page_1": ("patients:worklist", {}, "clinician"),
    "worklist_reason_screening": ("patients:worklist", {"reason": "screening"}, "clinician"),
    "worklist_reason_referral": ("patients:worklist", {"reason": "referral"}, "clinician"),
    "worklist_page_40": ("patients:worklist", {"page": "40"}, "clinician"),
    "list_became_trd_this_month": ("patients:list", {"became_trd": time.strftime("%Y-%m")}, "clinician"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=40)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--drop", action="store_true")
    arguments = parser.parse_args()

    database_url = os.environ.get("BENCH_DASHBOARD_DATABASE_URL", DEFAULT_URL)
    small_url = base.small_copy_url(database_url)
    if arguments.drop:
        base.drop_database(database_url)
        base.drop_database(small_url)
        return
    # bench/patient_list.measure() times the views named in its module's VIEWS: these instead.
    base.VIEWS.clear()
    base.VIEWS.update(VIEWS)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings, as bench/patient_list.py
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trd_clinic.settings")
    deadline = time.monotonic() + arguments.minutes * 60
    reuse = arguments.reuse and base.database_exists(database_url) and base.database_exists(small_url)
    if not reuse:
        base.recreate_database(database_url)
    keep = arguments.keep or arguments.reuse
    try:
        import django

        django.setup()
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        if reuse:
            base.prepare_kept(small_url)
            base.prepare_kept(database_url)
        else:
            base.migrate()
            base.seed(arguments.small, arguments.seed)
            base.make_users()
            base.copy_database(database_url, small_url)
            base.seed(arguments.large - arguments.small, arguments.seed + 1)
        measured = base.measure(
            [(arguments.small, small_url), (arguments.large, database_url)],
            arguments.requests,
            arguments.rounds,
            deadline,
        )
        small, large = measured[arguments.small], measured[arguments.large]
        for view in VIEWS:
            if view in small and view in large:
                base.emit(
                    kind="scaling",
                    view=view,
                    p95_small_ms=small[view]["p95_ms"],
                    p95_large_ms=large[view]["p95_ms"],
                    limit_ms=LIMIT_MS,
                    under_150_ms=large[view]["p95_ms"] < LIMIT_MS,
                    same_queries=small[view]["queries"] == large[view]["queries"],
                )
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            base.drop_database(database_url)
            base.drop_database(small_url)


if __name__ == "__main__":
    main()
