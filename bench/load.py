"""Load test: gunicorn (2 workers) on PostgreSQL, simulated clinicians over loopback.

    .venv/bin/python bench/load.py [--clients 50] [--duration 60] [--patients 200]

Creates its own database (trd_load, dropped at the end unless --keep-db), seeds one clinic with
synthetic patients and one user per simulated clinician, starts gunicorn on 127.0.0.1 with
production settings (DJANGO_DEBUG=0, SSL redirect off: loopback has no TLS), and runs the
clinicians as threads: each logs in once through the real log-in form, then repeats list /
patient page / trial edit / PDF until the time is up or the request budget is spent.

A trial edit posts the patient's trial formset with every existing row as the page showed it
plus one new trial; a 302 back to the patient page confirms it. At the end the trials added in
the database are counted: confirmed writes that are not there were lost.

Prints JSON lines: one per action (count, errors, p50/p95/max ms), a summary (requests per
second, errors) and the write check; also runs verify_audit on the result, since 50 concurrent
writers are the case the audit chain's lock exists for. Exit status 1 on any error or lost write.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.html_forms import form_data  # noqa: E402 (after the path is set)

PYTHON = PROJECT / ".venv" / "bin" / "python"
GUNICORN = PROJECT / ".venv" / "bin" / "gunicorn"
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "load-test-password-7431"
ACTIONS = [("list", 40), ("patient_page", 30), ("trial_edit", 20), ("pdf", 10)]
REQUEST_TIMEOUT = 60


# --- set-up ---------------------------------------------------------------------------------


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=PROJECT, env=env, check=True, **kwargs)


def create_database(name: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url: str, port: int) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        TRD_AUDIT_HMAC_KEY=secrets.token_urlsafe(32),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    return env


CREATE_USERS = """
from django.contrib.auth import get_user_model
from patients.models import Clinic, Membership
clinic = Clinic.objects.get(name="Load Clinic")
User = get_user_model()
for number in range({count}):
    user = User.objects.create_user(username=f"load{{number:03d}}", password={password!r})
    Membership.objects.create(user=user, clinic=clinic, role=Membership.CLINICIAN)
"""


def seed(env, patients: int, clients: int) -> None:
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], env)
    run(
        [PYTHON, "manage.py", "seed_synthetic", "--patients", str(patients), "--clinic", "Load Clinic"],
        env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    run(
        [PYTHON, "manage.py", "shell", "-c", CREATE_USERS.format(count=clients, password=PASSWORD)],
        env,
        stdout=subprocess.DEVNULL,
    )


def patients_with_current_episode(database_url: str) -> list[int]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT DISTINCT p.id FROM patients_patient p JOIN patients_episode e ON e.patient_id = p.id "
            "WHERE e.ended_on IS NULL ORDER BY p.id"
        ).fetchall()
    return [row[0] for row in rows]


def count_trials(database_url: str) -> int:
    with psycopg.connect(database_url) as connection:
        return connection.execute("SELECT count(*) FROM patients_trial").fetchone()[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            GUNICORN,
            "trd_clinic.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=PROJECT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start within 30 s")


# --- a simulated clinician ------------------------------------------------------------------


class Clinician:
    def __init__(self, port: int, username: str):
        self.port = port
        self.username = username
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | list | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        finally:
            connection.close()

    def log_in(self) -> None:
        status, _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, _headers, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD, "next": "/"},
        )
        if status != 302:
            raise RuntimeError(f"log-in of {self.username} answered {status}")

    def edit_trials(self, patient: int) -> bool:
        """Add one trial through the formset; True when the server confirmed the save."""
        path = f"/patients/{patient}/trials/"
        status, _, page = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET trials page answered {status}")
        fields = form_data(page.decode())  # as the browser would submit the page unchanged
        values = [(name, value) for name, values in fields.items() for value in values if name != "trials-TOTAL_FORMS"]
        total = int(fields["trials-TOTAL_FORMS"][0])
        new = f"trials-{total}-"
        values += [
            ("trials-TOTAL_FORMS", str(total + 1)),
            (new + "drug", "sertraline"),
            (new + "dose_mg_per_day", "100"),
            (new + "weeks_at_dose", "8"),
            (new + "improvement_pct", "10"),
        ]
        status, headers, content = self.request("POST", path, values)
        if status == 302 and urlsplit(headers.get("location", "")).path == f"/patients/{patient}/":
            return True
        raise RuntimeError(f"trial edit answered {status}: {content[:300]!r}")


class Recorder:
    def __init__(self, max_requests: int):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.confirmed_writes = 0
        self.budget = max_requests

    def take(self) -> bool:
        with self.lock:
            if self.budget <= 0:
                return False
            self.budget -= 1
            return True

    def add(self, action: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[action].append(seconds)
            if error:
                self.errors[action] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{action}: {error}")


def clinician_loop(port, username, patients, deadline, recorder: Recorder, rng: random.Random):
    clinician = Clinician(port, username)
    started = time.monotonic()
    try:
        clinician.log_in()
        recorder.add("log_in", time.monotonic() - started, None)
    except Exception as error:
        recorder.add("log_in", time.monotonic() - started, repr(error))
        return
    names, weights = zip(*ACTIONS)
    while time.monotonic() < deadline and recorder.take():
        action = rng.choices(names, weights)[0]
        patient = rng.choice(patients)
        started = time.monotonic()
        error = None
        try:
            if action == "list":
                status, _, _ = clinician.request("GET", "/?" + urlencode({"sort": rng.choice(["name", "-stage"])}))
            elif action == "patient_page":
                status, _, _ = clinician.request("GET", f"/patients/{patient}/")
            elif action == "pdf":
                status, _headers, body = clinician.request("GET", f"/patients/{patient}/report.pdf")
                if status == 200 and not body.startswith(b"%PDF"):
                    error = "PDF response is not a PDF"
            else:
                status = 302 if clinician.edit_trials(patient) else 0
                with recorder.lock:
                    recorder.confirmed_writes += 1
            if error is None and status not in (200, 302):
                error = f"status {status}"
        except Exception as failure:
            error = repr(failure)
        recorder.add(action, time.monotonic() - started, error)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="stop after this many requests")
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--database", default="trd_load")
    parser.add_argument("--keep-db", action="store_true")
    options = parser.parse_args()

    database_url = f"postgres://postgres@127.0.0.1:5432/{options.database}"
    port = free_port()
    env = environment(database_url, port)
    create_database(options.database)
    server = None
    try:
        seed(env, options.patients, options.clients)
        patients = patients_with_current_episode(database_url)
        trials_before = count_trials(database_url)
        server = start_gunicorn(env, port)

        recorder = Recorder(options.max_requests)
        began = time.monotonic()
        deadline = began + options.duration
        threads = [
            threading.Thread(
                target=clinician_loop,
                args=(port, f"load{number:03d}", patients, deadline, recorder, random.Random(number)),
                daemon=True,
            )
            for number in range(options.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=options.duration + 2 * REQUEST_TIMEOUT)
        elapsed = time.monotonic() - began
        stuck = sum(thread.is_alive() for thread in threads)

        total = sum(len(values) for values in recorder.latencies.values())
        total_errors = sum(recorder.errors.values())
        for action, values in sorted(recorder.latencies.items()):
            print(
                json.dumps(
                    {
                        "action": action,
                        "count": len(values),
                        "errors": recorder.errors[action],
                        "p50_ms": round(percentile(values, 0.50) * 1000, 1),
                        "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                        "max_ms": round(max(values) * 1000, 1),
                    }
                )
            )
        print(
            json.dumps(
                {
                    "summary": True,
                    "clients": options.clients,
                    "seconds": round(elapsed, 1),
                    "requests": total,
                    "requests_per_second": round(total / elapsed, 1),
                    "errors": total_errors,
                    "stuck_clients": stuck,
                    "error_samples": recorder.error_samples,
                }
            )
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    trials_added = count_trials(database_url) - trials_before
    lost = recorder.confirmed_writes - trials_added
    print(
        json.dumps(
            {"writes_confirmed": recorder.confirmed_writes, "rows_in_database": trials_added, "lost_writes": lost}
        )
    )
    audit = subprocess.run([PYTHON, "manage.py", "verify_audit"], cwd=PROJECT, env=env, capture_output=True, text=True)
    print(json.dumps({"verify_audit": (audit.stdout + audit.stderr).strip(), "exit_status": audit.returncode}))
    if not options.keep_db:
        drop_database(options.database)
    return 1 if total_errors or lost or stuck or audit.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
