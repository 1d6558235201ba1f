"""`manage.py stage` on hostile input (issue 10, item 9): a clear error with its path, exit
status 1, nothing on stdout, never a traceback; the error list is capped.

The memory of a large input is measured by bench/staging.py, not asserted here.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.staging.test_interchange import VALID

ROOT = Path(__file__).resolve().parents[2]
SURROGATE_DRUG = '{"drug": "\\ud800x", "dose_mg_per_day": 10, "weeks_at_dose": 8}'


@pytest.fixture(autouse=True)
def _no_login_lockouts():
    """No database here (overrides the package's fixture, which needs one)."""


def run(data: bytes, monkeypatch):
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    try:
        call_command("stage", "-", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def record_with_trial(trial_json: str) -> bytes:
    """VALID with one trial given as raw JSON text (json.dumps cannot write a lone surrogate escape
    the way an attacker would)."""
    text = json.dumps(dict(VALID, trials=[]))
    return text.replace('"trials": []', f'"trials": [{trial_json}]').encode()


def test_a_lone_surrogate_in_a_drug_name_is_an_error_with_its_path(monkeypatch):
    out, err, failure = run(b"[" + record_with_trial(SURROGATE_DRUG) + b"]", monkeypatch)
    assert out == ""
    assert err.splitlines() == ["[0].trials[0].drug: is not valid text: \\ud800x holds a lone surrogate"]
    assert failure == "invalid input, nothing staged: 1 error"


@pytest.mark.parametrize(
    "data, line",
    [
        # an unknown key is echoed escaped, so the error itself can be printed
        (b'{"\\ud800x": 1}', "\\ud800x: unknown key"),
        (b'{"episode": {"severity": "\\udc00"}}', "episode.severity: must be one of:"),
        (b'{"episode": {"screening": {"\\ud800": "positive"}}}', "episode.screening.\\ud800: unknown screening item"),
        (b'{"assessed_on": "\\ud800"}', "assessed_on: must be a date YYYY-MM-DD"),
    ],
)
def test_a_lone_surrogate_anywhere_is_reported_where_it_is(monkeypatch, data, line):
    out, err, failure = run(data, monkeypatch)
    assert out == "" and failure.startswith("invalid input, nothing staged")
    assert any(error.startswith(line) for error in err.splitlines()), err


def test_the_command_exits_1_with_nothing_on_stdout_and_no_traceback():
    """The real process: exit status, both streams, whatever Python does with a surrogate."""
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONIOENCODING="utf-8")
    completed = subprocess.run(
        [sys.executable, "manage.py", "stage", "-"],
        input=record_with_trial(SURROGATE_DRUG),
        capture_output=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )
    stderr = completed.stderr.decode("utf-8", "replace")
    assert completed.returncode == 1
    assert completed.stdout == b""
    assert "trials[0].drug: is not valid text: \\ud800x holds a lone surrogate" in stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_the_error_list_stops_after_1000_errors_with_a_count_of_the_rest(monkeypatch):
    bad = dict(VALID, age=-1, assessed_on="soon")  # two errors per record
    records = [VALID] + [bad] * 1500
    out, err, failure = run(json.dumps(records).encode(), monkeypatch)
    lines = err.splitlines()
    assert out == ""
    assert len(lines) == 1001
    assert lines[0] == "[1].age: must be between 0 and 130"
    assert lines[999] == "[500].assessed_on: must be a date YYYY-MM-DD"
    assert lines[1000] == "… and 2,000 more errors"
    assert failure == "invalid input, nothing staged: 3,000 errors"


def test_one_bad_record_after_many_good_ones_stages_nothing(monkeypatch):
    records = [dict(VALID, trials=[])] * 2500 + [dict(VALID, age="old")]
    out, err, failure = run(json.dumps(records).encode(), monkeypatch)
    assert out == ""
    assert err.endswith("\n[2500].age: must be a whole number\n")  # after the progress line
    assert failure == "invalid input, nothing staged: 1 error"


def test_broken_json_after_valid_records_stages_nothing(monkeypatch):
    text = json.dumps([dict(VALID, trials=[])] * 3)
    out, _err, failure = run(text[:-30].encode(), monkeypatch)
    assert out == ""
    assert failure == "standard input is not valid JSON: incomplete JSON content"


def test_deep_nesting_inside_a_record_is_refused_without_recursion(monkeypatch):
    data = b'[{"episode": ' + b"[" * 200_000 + b"]" * 200_000 + b"}]"
    out, _err, failure = run(data, monkeypatch)
    assert out == ""
    assert failure == "standard input is not usable JSON: nested too deeply (more than 64 levels)"
