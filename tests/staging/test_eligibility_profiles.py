"""rules §12.1, §12.3, §12.4: the shipped profiles, their statuses, and malformed profiles."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date

import pytest

from staging.engine import stage
from staging.engine.eligibility import ProfileError, default_profiles, load_profiles
from staging.engine.eligibility.profiles import SHIPPED_PROFILES_DIR
from staging.engine.inputs import ScaleScore
from staging.engine.interchange import InterchangeError, parse_records, result_to_dict
from tests.staging.eligibility_helpers import evaluate_profile, profile_document
from tests.staging.helpers import record, trial, validate_output_shape

SHIPPED_ORDER = ["esketamine-us-fda", "esketamine-eu-smpc", "vns-us-cms-ncd-160.18", "ect-uk-nice-ng222"]


def test_the_four_shipped_profiles_in_file_name_order():
    profiles = default_profiles()
    assert [profile.id for profile in profiles] == SHIPPED_ORDER
    assert [profile.file_name for profile in profiles] == sorted(p.name for p in SHIPPED_PROFILES_DIR.glob("*.json"))
    for profile in profiles:
        assert profile.checked_on == date(2026, 12, 2)
        assert profile.source_url.startswith("https://") and profile.source_title and profile.issuer


def test_shipped_criteria_are_those_of_section_12_4():
    by_id = {profile.id: profile for profile in default_profiles()}
    shape = {
        profile_id: [(c.id, c.role, c.kind, tuple((i.id, i.kind) for i in c.items)) for c in profile.criteria]
        for profile_id, profile in by_id.items()
    }
    assert shape["esketamine-us-fda"] == [
        ("adult", "require", "age_at_least", ()),
        ("trd", "require", "failed_trials", ()),
        ("contraindications", "require", "attestation", ()),
        ("rems", "require", "attestation", ()),
        ("misuse", "caution", "comorbidity_any", ()),
    ]
    assert [c[:3] for c in shape["esketamine-eu-smpc"]] == [
        ("adult", "require", "age_at_least"),
        ("trd", "require", "failed_trials"),
        ("severity", "require", "severity_in"),
        ("combination", "require", "attestation"),
        ("prescriber", "require", "attestation"),
        ("contraindications", "require", "attestation"),
        ("misuse", "caution", "comorbidity_any"),
    ]
    assert shape["vns-us-cms-ncd-160.18"] == [
        ("study", "require", "attestation", ()),
        (
            "chronic_or_recurrent",
            "require",
            "any_of",
            (("episode_two_years", "episode_months_at_least"), ("four_episodes", "attestation")),
        ),
        (
            "four_failures",
            "require",
            "any_of",
            (("four_failed_treatments", "failed_treatments"), ("four_failures_history", "attestation")),
        ),
        ("confirmed", "require", "scale_score", ()),
        ("stable", "require", "attestation", ()),
        ("psychosis", "exclude", "severity_in", ()),
        ("psychotic_history", "require", "attestation", ()),
    ]
    assert shape["ect-uk-nice-ng222"] == [
        ("severe", "require", "severity_in", ()),
        (
            "reason",
            "require",
            "any_of",
            (
                ("other_treatments_unsuccessful", "failed_trials"),
                ("rapid_response", "attestation"),
                ("preference", "attestation"),
            ),
        ),
        ("earlier_ect", "caution", "failed_courses", ()),
    ]
    vns = by_id["vns-us-cms-ncd-160.18"].criteria
    assert (vns[3].count, vns[3].within_days, vns[2].items[0].min, vns[1].items[0].months) == (2, 45, 4, 24)
    assert by_id["esketamine-eu-smpc"].criteria[1].note == '"treatments" read as adequate trials, one per drug'
    assert "vns-us-cms-ncd-160.18/four_episodes" in default_profiles().attestation_keys


# ---- each shipped profile reaching each status ---------------------------------------------------


def statuses(rec, attestations=()):
    result = stage(replace(rec, attestations=tuple(attestations)))
    return {profile.profile: profile.status for profile in result.eligibility}


TWO_FAILED = (trial("sertraline"), trial("venlafaxine"))


def answers(profile_id, *criteria):
    return [(f"{profile_id}/{criterion}", True) for criterion in criteria]


def test_esketamine_us_each_status():
    confirmed = answers("esketamine-us-fda", "contraindications", "rems")
    assert statuses(record(*TWO_FAILED), confirmed)["esketamine-us-fda"] == "eligible"
    assert statuses(record(*TWO_FAILED))["esketamine-us-fda"] == "incomplete"
    assert statuses(record(TWO_FAILED[0]), confirmed)["esketamine-us-fda"] == "not_eligible"
    assert statuses(record(*TWO_FAILED, age=17), confirmed)["esketamine-us-fda"] == "not_eligible"


def test_esketamine_eu_each_status():
    confirmed = answers("esketamine-eu-smpc", "combination", "prescriber", "contraindications")
    assert statuses(record(*TWO_FAILED, severity="moderate"), confirmed)["esketamine-eu-smpc"] == "eligible"
    assert statuses(record(*TWO_FAILED, severity="moderate"))["esketamine-eu-smpc"] == "incomplete"
    assert statuses(record(*TWO_FAILED, severity="mild"), confirmed)["esketamine-eu-smpc"] == "not_eligible"


def vns_record(severity="severe"):
    rec = record(
        trial("sertraline"),
        trial("venlafaxine"),
        trial("mirtazapine"),
        trial("bupropion"),
        onset=date(2024, 1, 1),
        assessed_on=date(2026, 1, 1),
        severity=severity,
    )
    return replace(
        rec, scale_scores=(ScaleScore("MADRS", 32, date(2025, 11, 20)), ScaleScore("HAM-D17", 24, date(2025, 12, 20)))
    )


def test_vns_each_status():
    confirmed = answers("vns-us-cms-ncd-160.18", "study", "stable", "psychotic_history")
    assert statuses(vns_record(), confirmed)["vns-us-cms-ncd-160.18"] == "eligible"
    assert statuses(vns_record())["vns-us-cms-ncd-160.18"] == "incomplete"
    assert statuses(vns_record("severe_psychotic"), confirmed)["vns-us-cms-ncd-160.18"] == "not_eligible"
    denied = [(key, key.endswith("/stable") is False) for key, _ in confirmed]
    assert statuses(vns_record(), denied)["vns-us-cms-ncd-160.18"] == "not_eligible"


def test_vns_the_any_of_items_are_answered_by_their_own_ids():
    short = replace(vns_record(), trials=vns_record().trials[:2], assessed_on=date(2025, 12, 31))
    confirmed = answers("vns-us-cms-ncd-160.18", "study", "stable", "psychotic_history")
    # 23 months and 2 failures: each any_of waits on its unanswered attestation item
    assert statuses(short, confirmed)["vns-us-cms-ncd-160.18"] == "incomplete"
    denied = [("vns-us-cms-ncd-160.18/four_episodes", False)]
    assert statuses(short, confirmed + denied)["vns-us-cms-ncd-160.18"] == "not_eligible"
    history = answers("vns-us-cms-ncd-160.18", "four_episodes", "four_failures_history")
    assert statuses(short, confirmed + history)["vns-us-cms-ncd-160.18"] == "eligible"


def test_ect_each_status_and_the_caution():
    assert statuses(record(trial("sertraline"), severity="severe"))["ect-uk-nice-ng222"] == "eligible"
    assert statuses(record(severity="severe"))["ect-uk-nice-ng222"] == "incomplete"
    assert statuses(record(severity="severe"), answers("ect-uk-nice-ng222", "preference"))["ect-uk-nice-ng222"] == (
        "eligible"
    )
    assert statuses(record(trial("sertraline"), severity="moderate"))["ect-uk-nice-ng222"] == "not_eligible"
    [*_, ect] = stage(record(trial("sertraline"), severity="severe", ect=[("bilateral", "non_response")])).eligibility
    assert ect.status == "eligible" and ect.explanation.endswith("Caution: earlier_ect.")


def test_status_explanation_names_the_deciding_criteria():
    [*_, vns, _] = stage(vns_record("severe_psychotic")).eligibility
    assert vns.status == "not_eligible"
    assert "excluded by: psychosis" in vns.explanation
    [us, *_] = stage(record(trial("sertraline"), trial("venlafaxine"))).eligibility
    assert us.explanation == "Incomplete — not documented: contraindications, rems."


def test_the_result_carries_the_profile_id_version_and_source():
    output = result_to_dict(stage(record(*TWO_FAILED)))
    validate_output_shape(output)
    assert [p["profile"] for p in output["eligibility"]] == SHIPPED_ORDER
    first = output["eligibility"][0]
    assert (first["version"], first["checked_on"], first["treatment"]) == ("1", "2026-12-02", "esketamine")
    assert first["criteria"][1]["evidence"]["trials"] == [0, 1]


def test_a_caution_never_changes_the_status():
    caution = {"id": "warn", "role": "caution", "kind": "comorbidity_any", "values": ["anxiety"], "text": "Warn."}
    need = {"id": "adult", "role": "require", "kind": "age_at_least", "years": 18, "text": "Adult."}
    with_anxiety = record(comorbidities=("anxiety",))
    assert evaluate_profile(with_anxiety, need, caution).status == evaluate_profile(record(), need, caution).status


# ---- the record's attestations and scale scores (rules §1.1, §10) ------------------------------------

MINIMAL = {"assessed_on": "2026-11-01", "episode": {"onset": "2026-01-01", "severity": "moderate"}}


def errors_of(document) -> list[str]:
    with pytest.raises(InterchangeError) as raised:
        parse_records(document)
    return [f"{path}: {message}" for path, message in raised.value.errors]


def test_an_attestation_key_of_no_configured_profile_is_an_error_with_its_path():
    document = [
        MINIMAL,
        {**MINIMAL, "attestations": {"esketamine-us-fda/rems": True, "esketamine-us-fda/trd": True, "x/y": "yes"}},
    ]
    assert errors_of(document) == [
        "[1].attestations.esketamine-us-fda/trd: names no attestation criterion of a configured eligibility "
        "profile (rules §12)",
        "[1].attestations.x/y: names no attestation criterion of a configured eligibility profile (rules §12)",
    ]
    bad_value = {**MINIMAL, "attestations": {"esketamine-us-fda/rems": "yes"}}
    assert errors_of(bad_value) == ["attestations.esketamine-us-fda/rems: must be true or false"]


def test_scale_scores_are_validated_with_paths():
    document = {
        **MINIMAL,
        "scale_scores": [
            {"scale": "MADRS", "score": 61, "rated_on": "2026-10-01"},
            {"scale": "PHQ9", "score": 3, "rated_on": "2026-11-02"},
            {"scale": "PHQ-9", "score": 3.5, "rated_on": "2026-10-01", "by": "x"},
        ],
    }
    assert errors_of(document) == [
        "scale_scores[0].score: must be between 0 and 60",
        "scale_scores[1].scale: must be one of: MADRS, HAM-D17, PHQ-9, QIDS-SR16",
        "scale_scores[1].rated_on: must not be after assessed_on (2026-11-01)",
        "scale_scores[2].by: unknown key",
        "scale_scores[2].score: must be a whole number",
    ]


def test_other_course_outcome_takes_the_trial_outcomes():
    good = {**MINIMAL, "other_courses": [{"kind": "rtms", "outcome": "partial_response"}]}
    assert parse_records(good)[0][0].other_courses[0].outcome == "partial_response"
    assert errors_of({**MINIMAL, "other_courses": [{"kind": "rtms", "outcome": "failed"}]}) == [
        "other_courses[0].outcome: must be one of: remission, response, partial_response, non_response, intolerance"
    ]


# ---- malformed profiles (rules §12.1) -----------------------------------------------------------------


def write_profiles(folder, *documents):
    folder.mkdir(exist_ok=True)
    for index, document in enumerate(documents):
        (folder / f"{index + 1:02d}-p.json").write_text(json.dumps(document))
    return folder


def problems(folder):
    with pytest.raises(ProfileError) as raised:
        load_profiles(folder)
    return raised.value.errors


def test_every_problem_names_the_file_the_criterion_and_the_problem(tmp_path):
    bad = profile_document(
        {"id": "a", "role": "require", "kind": "age_over", "years": 18, "text": "x"},
        {"id": "b", "role": "must", "kind": "failed_trials", "min": 0, "distinct": "molecule", "text": "x"},
        {"id": "b", "role": "require", "kind": "failed_trials", "min": 2, "min_weeks": 4, "text": "x"},
        {"id": "c", "role": "require", "kind": "severity_in", "values": ["very_severe"], "text": "x", "colour": 1},
        {
            "id": "d",
            "role": "require",
            "kind": "any_of",
            "text": "x",
            "criteria": [{"id": "e", "role": "require", "kind": "attestation", "text": "x"}],
        },
    )
    assert problems(write_profiles(tmp_path / "site", bad)) == [
        (
            "01-p.json",
            "a",
            "unknown kind 'age_over' (kinds: age_at_least, failed_trials, severity_in, "
            "episode_months_at_least, scale_score, failed_courses, failed_treatments, comorbidity_any, attestation, any_of)",
        ),
        ("01-p.json", "b", "role must be one of: require, exclude, caution"),
        ("01-p.json", "b", "min must be a whole number at least 1"),
        ("01-p.json", "b", "distinct must be drug or class"),
        ("01-p.json", "b", "duplicate id in this profile (any_of items included)"),
        ("01-p.json", "b", "min_weeks must be a number at least 6"),
        ("01-p.json", "c", "unknown parameter 'colour' for kind severity_in"),
        (
            "01-p.json",
            "c",
            "values: 'very_severe' not one of: subsyndromal, mild, moderate, severe, severe_psychotic",
        ),
        ("01-p.json", "d", "criteria of any_of must be a list of at least two criteria"),
    ]


def test_profile_fields_and_duplicate_profile_ids(tmp_path):
    good = profile_document({"id": "a", "role": "require", "kind": "attestation", "text": "x"})
    broken = {**good, "id": "Bad Id", "treatment": "tms", "checked_on": "2026-13-01", "extra": 1}
    del broken["source"]
    folder = write_profiles(tmp_path / "site", good, good, broken)
    (folder / "04-p.json").write_text("{not json")
    (folder / "README.md").write_text("not a profile")
    found = problems(folder)
    assert ("02-p.json", "", "duplicate profile id 'test-profile' (also in 01-p.json)") in found
    assert (
        "03-p.json",
        "",
        "unknown field 'extra' (fields: id, version, title, treatment, issuer, source, checked_on, note, criteria)",
    ) in found
    assert ("03-p.json", "", "id 'Bad Id' must be lower-case letters, digits, '-', '.' or '_'") in found
    assert ("03-p.json", "", "treatment must be one of: esketamine, rtms, vns, ect, other") in found
    assert ("03-p.json", "", "source is required: an object {title, date, url}") in found
    assert ("03-p.json", "", "checked_on is not a valid date (2026-13-01)") in found
    assert (
        "04-p.json",
        "",
        "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)",
    ) in found
    assert all(file_name != "README.md" for file_name, _, _ in found)


def test_a_copy_of_the_shipped_folder_loads(tmp_path):
    shutil.copytree(SHIPPED_PROFILES_DIR, tmp_path / "site")
    assert [p.id for p in load_profiles(tmp_path / "site")] == SHIPPED_ORDER


def test_an_absent_folder_is_one_error(tmp_path):
    [(_, criterion, message)] = problems(tmp_path / "absent")
    assert criterion == "" and "is not a folder of profiles" in message
