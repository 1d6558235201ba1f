"""Benchmark the patient list, the admin changelist, the dashboard and the worklist at 1,000 and
100,000 patients (PostgreSQL).

    .venv/bin/python bench/patient_list.py [--small 1000] [--large 100000] [--requests 30]
                                           [--rounds 3] [--keep] [--reuse] [--drop] [--only VIEW ...]

Creates its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/trd_bench), migrates it, seeds the small data set, copies it
(<name>_small), grows the first to the large one, measures both sizes in alternating rounds,
and drops both databases at the end.

Seeding 100,000 patients takes about ten minutes. While iterating: `--keep` keeps both databases
afterwards; `--reuse` measures those two again (after migrating them, so a new index or column is
picked up) without seeding; `--drop` drops both and exits; `--minutes` bounds the measuring
(not the seeding). Prints JSON lines:

  {"kind": "seed", ...}                       seeding time
  {"kind": "latency", "view", "patients", "p50_ms", "p95_ms", "queries"}   (view "floor": the log-in page)
  {"kind": "scaling", "view", "p95_small_ms", "p95_large_ms", "floor_p95_ms", "target_ms",
   "under_target", "same_queries"}
  {"kind": "explain", "query", "seq_scan_on_patient", "plan"}

Targets (issues 9 and 13): at the large size p95 under 100 ms for the list and the admin, under
150 ms for the dashboard and the worklist; identical query counts at both sizes; no sequential
scan of the patient table for the list's queries. This is a measurement, not a test: it reports,
it does not fail the build. The floor, measured in the same rounds, shows what any request costs
on this machine at that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/trd_bench"
CLINIC = "Synthetic Clinic"

# view name -> (URL name, GET parameters, user); parameter names are the list's (patients.filters).
VIEWS = {
    "list_page_1": ("patients:list", {}, "clinician"),
    "list_filter_label_trd": ("patients:list", {"label": "trd"}, "clinician"),
    "list_filter_stage_2_sorted_msm": ("patients:list", {"stage": "2", "sort": "-msm"}, "clinician"),
    "list_search_name": ("patients:list", {"q": "patel"}, "clinician"),
    "list_page_1000": ("patients:list", {"page": "1000"}, "clinician"),
    "admin_changelist": ("admin:patients_patient_changelist", {}, "clinic_admin"),
    "admin_filter_regulatory_trd": (
        "admin:patients_patient_changelist",
        {"regulatory_trd__exact": "1"},
        "clinic_admin",
    ),
    "admin_search": ("admin:patients_patient_changelist", {"q": "patel"}, "clinic_admin"),
    "dashboard_clinician": ("patients:dashboard", {}, "clinician"),
    "dashboard_clinic_admin": ("patients:dashboard", {}, "clinic_admin"),
    "worklist_page_1": ("patients:worklist", {}, "clinician"),
    "worklist_reason_screening": ("patients:worklist", {"reason": "screening"}, "clinician"),
    "worklist_reason_referral": ("patients:worklist", {"reason": "referral"}, "clinician"),
    "worklist_page_30": ("patients:worklist", {"page": "30"}, "clinician"),  # exists at 1,000 too
    "list_became_trd_this_month": ("patients:list", {"became_trd": time.strftime("%Y-%m")}, "clinician"),
}
# p95 at the large size, per view: 100 ms for the list and the admin (issue 9), 150 ms for the
# dashboard and the worklist (issue 13)
TARGET_MS = {view: 150 if view.startswith(("dashboard", "worklist")) else 100 for view in VIEWS}
# The floor: the log-in page for a visitor, through the same middleware, reading no patient.
# Measured in the same rounds, it shows what any request costs on this machine at that moment
# (eight people share two cores while this runs), next to each view's figure.
FLOOR = ("login", {}, None)


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def admin_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres"))


def recreate_database(database_url: str) -> None:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    if name in ("postgres", "test_postgres", ""):
        raise SystemExit(f"refusing to use the database {name!r}: give the benchmark its own")
    with psycopg.connect(admin_url(database_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(admin_url(database_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def small_copy_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_small"))


def database_exists(database_url: str) -> bool:
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(admin_url(database_url), autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def copy_database(source_url: str, target_url: str) -> None:
    """The seeded small data set, kept for --reuse (CREATE DATABASE ... TEMPLATE copies files)."""
    import psycopg
    from django.db import connections

    connections.close_all()  # a template must have no other connection
    source, target = (urlsplit(url).path.lstrip("/") for url in (source_url, target_url))
    with psycopg.connect(admin_url(source_url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def use_database(database_url: str) -> None:
    """Point Django's default connection at another database of the same server."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = urlsplit(database_url).path.lstrip("/")


def seed(count: int, seed_value: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command(
        "seed_synthetic",
        patients=count,
        clinic=CLINIC,
        seed=seed_value,
        batch_size=2000,
        stdout=open(os.devnull, "w"),  # noqa: SIM115
        stderr=open(os.devnull, "w"),  # noqa: SIM115
    )
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:  # the steady state autovacuum reaches in production
        cursor.execute("VACUUM ANALYZE")
    from patients.models import Patient, StagingSnapshot, Trial

    emit(
        kind="seed",
        added_patients=count,
        seconds=round(seconds, 1),
        patients_per_second=round(count / seconds),
        total_patients=Patient.objects.count(),
        trials=Trial.objects.count(),
        snapshots=StagingSnapshot.objects.count(),
    )


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_users():
    from django.contrib.auth import get_user_model

    from patients.models import Clinic, Membership
    from tests.factories import make_user

    existing = {user.username: user for user in get_user_model().objects.filter(username__startswith="bench_")}
    if {"bench_clinician", "bench_admin"} <= set(existing):  # a database kept by --keep
        return {"clinician": existing["bench_clinician"], "clinic_admin": existing["bench_admin"]}
    clinic = Clinic.objects.get(name=CLINIC)
    return {
        "clinician": make_user(clinic, Membership.CLINICIAN, username="bench_clinician"),
        "clinic_admin": make_user(clinic, Membership.CLINIC_ADMIN, username="bench_admin"),
    }


def prepare_kept(database_url: str) -> None:
    """A kept database, migrated to the current code and analysed like a seeded one."""
    from django.db import connection

    use_database(database_url)
    migrate()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE patients_patient")


def measure(targets: list[tuple[int, str]], requests: int, rounds: int, deadline: float) -> dict[int, dict]:
    """p50/p95 and query count per view for each (size, database URL), measured in alternating
    rounds (small, large, small, large, ...): on a shared machine a burst of someone else's load
    then lands on both sizes instead of making one of them look slow."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    per_round = max(1, -(-requests // rounds))
    timings = {size: {view: [] for view in [*VIEWS, "floor"]} for size, _ in targets}
    queries: dict[int, dict[str, int]] = {size: {} for size, _ in targets}
    clients: dict[int, dict] = {}
    for _ in range(rounds):
        for size, database_url in targets:
            use_database(database_url)
            if size not in clients:  # each database has its own users and sessions
                clients[size] = {}
                for role, user in make_users().items():
                    clients[size][role] = Client()
                    clients[size][role].force_login(user)
                clients[size][None] = Client()  # the floor's visitor
            for view, (url_name, params, role) in [*VIEWS.items(), ("floor", FLOOR)]:
                client, url = clients[size][role], reverse(url_name)
                for _ in range(2):  # warm-up: the new connection, caches, prepared plans
                    response = client.get(url, params)
                if response.status_code != 200:
                    emit(kind="error", view=view, patients=size, status=response.status_code)
                    continue
                if view not in queries[size]:
                    reset_queries()  # the request_started signal clears the log mid-capture otherwise
                    with CaptureQueriesContext(connection) as captured:
                        client.get(url, params)
                    queries[size][view] = len(captured)
                for _ in range(per_round):
                    if time.monotonic() > deadline:
                        break
                    started = time.perf_counter()
                    client.get(url, params)
                    timings[size][view].append((time.perf_counter() - started) * 1000)
    results: dict[int, dict] = {}
    for size, _ in targets:
        results[size] = {}
        for view, values in timings[size].items():
            if not values:
                continue
            result = {
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "queries": queries[size][view],
                "requests": len(values),
            }
            results[size][view] = result
            emit(kind="latency", view=view, patients=size, **result)
    return results


def explain_queries(users) -> None:
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from patients.access import visible_patients
    from patients.filters import LIST_COLUMNS, PatientListForm
    from patients.models import Patient

    clinician = users["clinician"]
    visible = visible_patients(clinician).only(*LIST_COLUMNS)
    queries = {
        "list_filter_label_trd": PatientListForm({"label": "trd"}).apply(visible)[:25],
        "list_filter_regulatory_trd_sorted_stage": PatientListForm({"regulatory_trd": "yes", "sort": "stage"}).apply(
            visible
        )[:25],
        "list_search_name": PatientListForm({"q": "patel"}).apply(visible)[:25],
        # page 1,000: the ids first (patients.pagination), an index-only scan skipping 24,975 entries
        "list_page_1000_ids": PatientListForm({}).apply(visible).values_list("pk", flat=True)[24_975:25_000],
        "list_stage_2_sorted_msm_page_2_ids": PatientListForm({"stage": "2", "sort": "-msm"})
        .apply(visible)
        .values_list("pk", flat=True)[25:50],
    }
    request = RequestFactory().get("/admin/patients/patient/", {"label__exact": "trd"})
    request.user = users["clinic_admin"]
    changelist = site.get_model_admin(Patient).get_changelist_instance(request)
    queries["admin_filter_label_trd"] = changelist.queryset[: changelist.list_per_page]
    for name, queryset in queries.items():
        plan = queryset.explain()
        seq_scan = "Seq Scan on patients_patient" in plan
        emit(kind="explain", query=name, seq_scan_on_patient=seq_scan, plan=plan.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per view and size.")
    parser.add_argument("--rounds", type=int, default=3, help="Alternate the sizes this many times.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=20, help="Stop measuring after this long.")
    parser.add_argument(
        "--keep", action="store_true", help="Keep the large database and a copy of the small one afterwards."
    )
    parser.add_argument(
        "--reuse", action="store_true", help="Measure the databases kept by --keep (migrated first) instead of seeding."
    )
    parser.add_argument("--drop", action="store_true", help="Drop the kept databases and exit.")
    parser.add_argument("--only", nargs="*", default=None, help="Measure only these views.")
    arguments = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    small_url = small_copy_url(database_url)
    if arguments.drop:
        drop_database(database_url)
        drop_database(small_url)
        return
    if arguments.only:
        for view in set(VIEWS) - set(arguments.only):
            del VIEWS[view]
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trd_clinic.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings: DJANGO_DEBUG is off unless set
    reuse = arguments.reuse and database_exists(database_url) and database_exists(small_url)
    if arguments.reuse and not reuse:
        emit(kind="note", message="nothing kept to reuse: seeding")
    if not reuse:
        recreate_database(database_url)
    keep = arguments.keep or arguments.reuse
    try:
        import django

        django.setup()
        from django.conf import settings

        # django.test.Client's host. Not setup_test_environment(): its instrumented template
        # rendering copies every context and would triple the admin's measured time.
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        if reuse:
            prepare_kept(small_url)
            prepare_kept(database_url)
        else:
            migrate()
            seed(arguments.small, arguments.seed)
            make_users()
            copy_database(database_url, small_url)  # the small data set, measured next to the large
            seed(arguments.large - arguments.small, arguments.seed + 1)
        deadline = time.monotonic() + arguments.minutes * 60  # the measuring only, not the seeding
        measured = measure(
            [(arguments.small, small_url), (arguments.large, database_url)],
            arguments.requests,
            arguments.rounds,
            deadline,
        )
        small, large = measured[arguments.small], measured[arguments.large]
        use_database(database_url)
        users = make_users()
        for view in VIEWS:
            if view in small and view in large:
                emit(
                    kind="scaling",
                    view=view,
                    p95_small_ms=small[view]["p95_ms"],
                    p95_large_ms=large[view]["p95_ms"],
                    floor_p95_ms=large.get("floor", {}).get("p95_ms"),
                    target_ms=TARGET_MS[view],
                    under_target=large[view]["p95_ms"] < TARGET_MS[view],
                    same_queries=small[view]["queries"] == large[view]["queries"],
                )
        explain_queries(users)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            drop_database(database_url)
            drop_database(small_url)


if __name__ == "__main__":
    main()
