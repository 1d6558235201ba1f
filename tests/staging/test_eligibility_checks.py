"""System check staging.E002 and `manage.py stage` with a site's own profiles (rules §12.1)."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from staging.checks import check_profiles
from staging.engine.eligibility.profiles import SHIPPED_PROFILES_DIR
from tests.staging.eligibility_helpers import profile_document
from tests.staging.helpers import validate_output_shape

RECORD = {
    "age": 40,
    "assessed_on": "2026-11-01",
    "episode": {"onset": "2026-01-01", "severity": "severe"},
    "trials": [{"drug": "sertraline", "dose_mg_per_day": 100, "weeks_at_dose": 8, "outcome": "non_response"}],
}


def site_folder(tmp_path, *documents):
    folder = tmp_path / "profiles"
    folder.mkdir()
    for index, document in enumerate(documents):
        (folder / f"{index + 1:02d}-site.json").write_text(json.dumps(document))
    return folder


def test_shipped_profiles_pass(settings):
    settings.TRD_PROFILES_DIR = None
    assert check_profiles() == []


def test_each_problem_is_one_error_naming_file_criterion_and_problem(tmp_path, settings):
    document = profile_document(
        {"id": "a", "role": "require", "kind": "failed_trials", "min": 2, "colour": "red", "text": "x"},
        {"id": "b", "role": "require", "kind": "attestation", "text": ""},
    )
    settings.TRD_PROFILES_DIR = str(site_folder(tmp_path, document))
    errors = check_profiles()
    assert [error.id for error in errors] == ["staging.E002"] * 2
    assert (
        errors[0].msg
        == "Eligibility profile 01-site.json, criterion a: unknown parameter 'colour' for kind failed_trials"
    )
    assert errors[1].msg == "Eligibility profile 01-site.json, criterion b: text must be non-empty text"


def test_manage_py_check_stops_on_a_bad_profile(tmp_path, settings):
    document = profile_document({"id": "a", "role": "require", "kind": "age_at_least", "years": -1, "text": "x"})
    settings.TRD_PROFILES_DIR = str(site_folder(tmp_path, document))
    with pytest.raises(
        SystemCheckError, match=r"staging.E002.*01-site.json, criterion a: years must be a whole number"
    ):
        call_command("check")


def stage_command(path):
    out, err = io.StringIO(), io.StringIO()
    call_command("stage", str(path), stdout=out, stderr=err)
    return json.loads(out.getvalue())


def test_stage_evaluates_the_configured_profiles(tmp_path, settings):
    rtms = {
        **profile_document(
            {"id": "two_failures", "role": "require", "kind": "failed_trials", "min": 2, "text": "Two failures."},
            {"id": "payer_form", "role": "require", "kind": "attestation", "text": "Payer form sent."},
            profile_id="rtms-site-payer",
        ),
        "treatment": "rtms",
    }
    folder = site_folder(tmp_path, rtms)
    shutil.copy(SHIPPED_PROFILES_DIR / "40-ect-uk-nice-ng222.json", folder / "00-ect.json")
    settings.TRD_PROFILES_DIR = str(folder)
    path = tmp_path / "record.json"
    path.write_text(json.dumps({**RECORD, "attestations": {"rtms-site-payer/payer_form": True}}))
    result = stage_command(path)
    validate_output_shape(result)
    assert [(p["profile"], p["status"]) for p in result["eligibility"]] == [
        ("ect-uk-nice-ng222", "eligible"),
        ("rtms-site-payer", "not_eligible"),
    ]
    assert result["ruleset"] == "trd-2026.2"  # editing profiles does not change the ruleset id


def test_stage_rejects_an_attestation_of_a_removed_profile(tmp_path, settings):
    folder = site_folder(tmp_path)
    shutil.copy(SHIPPED_PROFILES_DIR / "40-ect-uk-nice-ng222.json", folder)
    settings.TRD_PROFILES_DIR = str(folder)
    path = tmp_path / "record.json"
    path.write_text(json.dumps({**RECORD, "attestations": {"esketamine-us-fda/rems": True}}))
    err = io.StringIO()
    with pytest.raises(CommandError, match="invalid input, nothing staged: 1 error"):
        call_command("stage", str(path), stdout=io.StringIO(), stderr=err)
    assert "attestations.esketamine-us-fda/rems: names no attestation criterion" in err.getvalue()
