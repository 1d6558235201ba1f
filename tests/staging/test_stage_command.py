"""`manage.py stage FILE|-`: same shape out, every error on stderr, never a traceback."""

from __future__ import annotations

import io
import json
import random
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.staging.helpers import validate_output_shape
from tests.staging.test_interchange import VALID


def run(argument="-", stdin: bytes | None = None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    try:
        call_command("stage", argument, stdout=out, stderr=err)
    except CommandError as error:
        return None, err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def test_one_record_from_a_file_gives_one_result(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(VALID))
    out, err, failure = run(str(path))
    assert failure is None and err == ""
    result = json.loads(out)
    validate_output_shape(result)
    assert result["classification"]["label"] == "trd"
    assert out.startswith('{\n  "ruleset"')  # indent 2


def test_a_list_from_stdin_gives_a_list_in_the_same_order(monkeypatch):
    second = dict(VALID, trials=[])
    out, _err, failure = run("-", json.dumps([VALID, second]).encode(), monkeypatch)
    assert failure is None
    results = json.loads(out)
    assert [len(result["trials"]) for result in results] == [3, 0]
    for result in results:
        validate_output_shape(result)


def test_invalid_input_prints_every_error_and_nothing_on_stdout(monkeypatch):
    bad = dict(VALID, age=-3, episode=dict(VALID["episode"], severity="bad"))
    out, err, failure = run("-", json.dumps([VALID, bad]).encode(), monkeypatch)
    assert out is None
    assert err.splitlines() == [
        "[1].age: must be between 0 and 130",
        "[1].episode.severity: must be one of: subsyndromal, mild, moderate, severe, severe_psychotic",
    ]
    assert failure == "invalid input, nothing staged: 2 errors"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"{", "standard input is not valid JSON: incomplete JSON content"),
        (b"", "is not valid JSON"),
        (b"\xff\xfe\x00garbage", "standard input is not UTF-8 text: invalid start byte at byte 0"),
        (b'[{"age": 5}, "\xc3\x28"]', "is not UTF-8 text: invalid continuation byte at byte 14"),
        (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
        (b"42", "(input): must be a record"),
        (b"NaN", "is not valid JSON: unexpected symbol 'N' at 0"),  # not JSON (RFC 8259), as ijson reads it
        (b"[{}] x", "is not valid JSON: additional data found"),
    ],
)
def test_garbage_is_refused_with_a_message(monkeypatch, data, message):
    out, err, failure = run("-", data, monkeypatch)
    assert out is None
    assert message in (failure + err)


def test_missing_file_and_directory(tmp_path):
    assert "no such file" in run(str(tmp_path / "absent.json"))[2]
    assert "is a directory" in run(str(tmp_path))[2]


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(VALID).encode())
    assert run(str(path))[2] is None


def test_random_bytes_and_nested_junk_never_traceback(monkeypatch):
    generator = random.Random(20261122)
    junk_values = [
        None,
        True,
        1.5,
        -1,
        "x",
        [],
        {},
        [[[]]],
        {"trials": {"a": [1]}},
        {"episode": []},
        {"assessed_on": [], "episode": {"screening": [1], "comorbidities": {}}},
        {"trials": [None, 1, "s", {"drug": 5, "augmentation": "lithium"}], "ect_courses": [{}]},
    ]
    for _ in range(200):
        choice = generator.random()
        if choice < 0.3:
            data = bytes(generator.randrange(256) for _ in range(generator.randrange(1, 200)))
        elif choice < 0.6:
            depth = generator.randrange(1, 3000)
            data = ("[" * depth + json.dumps(generator.choice(junk_values)) + "]" * depth).encode()
        else:
            data = json.dumps([generator.choice(junk_values) for _ in range(generator.randrange(1, 6))]).encode()
        out, err, failure = run("-", data, monkeypatch)
        assert "Traceback" not in err
        if failure is None:  # only a list of nothing stages successfully
            assert json.loads(out) == []


def test_progress_on_stderr_above_1000_records(monkeypatch):
    records = [dict(VALID, trials=[])] * 1001
    out, err, failure = run("-", json.dumps(records).encode(), monkeypatch)
    assert failure is None and len(json.loads(out)) == 1001
    assert "\rstaged 1,000" in err and err.endswith("\rstaged 1,001\n")


def test_no_progress_for_small_lists(monkeypatch):
    _out, err, failure = run("-", json.dumps([VALID] * 3).encode(), monkeypatch)
    assert failure is None and err == ""


def test_site_catalogue_from_settings(tmp_path, settings):
    from staging.engine.catalogue import SHIPPED_CATALOGUE_PATH

    site = tmp_path / "site.csv"
    site.write_text(SHIPPED_CATALOGUE_PATH.read_text().replace("sertraline,SSRI,50,25", "sertraline,SSRI,150,125"))
    settings.TRD_CATALOGUE_PATH = str(site)
    record = dict(VALID, age=40)
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record))
    out, _, _failure = run(str(path))
    result = json.loads(out)
    assert result["ruleset"].startswith("trd-2026.2+site-")
    assert result["trials"][0]["inadequate_reasons"] == ["dose_below_minimum"]
    site.write_text("drug,class,min_dose_mg,min_dose_65_mg,source\nfoo,XYZ,1,,label\n")
    settings.TRD_CATALOGUE_PATH = str(tmp_path / "other.csv")
    (tmp_path / "other.csv").write_text("drug,class,min_dose_mg,min_dose_65_mg,source\nfoo,XYZ,1,,label\n")
    assert "unknown class 'XYZ'" in run(str(path))[2]


@pytest.mark.parametrize("document", [[VALID, dict(VALID, trials=[]), VALID], VALID, []])
def test_results_written_one_at_a_time_read_as_one_json_dumps(monkeypatch, document):
    """The streamed output is byte for byte what json.dumps of all results would print."""
    from staging.engine.batch import stage_document

    out, _err, failure = run("-", json.dumps(document).encode(), monkeypatch)
    results, is_list = stage_document(document)
    assert failure is None
    assert out == json.dumps(results if is_list else results[0], indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("document", [[VALID, dict(VALID, trials=[]), VALID], VALID, []])
def test_compact_writes_each_result_on_one_line(document, tmp_path):
    from staging.engine.batch import stage_document

    path = tmp_path / "records.json"
    path.write_text(json.dumps(document))
    out, err = io.StringIO(), io.StringIO()
    call_command("stage", str(path), "--compact", stdout=out, stderr=err)
    results, is_list = stage_document(document)

    assert json.loads(out.getvalue()) == (results if is_list else results[0])
    lines = out.getvalue().splitlines()
    if is_list and results:
        assert lines[0] == "[" and lines[-1] == "]"
        assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == results
    elif not is_list:
        assert len(lines) == 1
