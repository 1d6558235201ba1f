"""rules §10 JSON: parsing with every error and its path, round trip, output shape."""

import copy
import json
from datetime import date

import pytest

from staging.engine import stage
from staging.engine.catalogue import default_catalogue
from staging.engine.interchange import (
    InterchangeError,
    parse_records,
    record_to_dict,
    result_to_dict,
    validation_errors,
)
from tests.staging.helpers import record, trial, validate_output_shape

VALID = {
    "age": 66,
    "assessed_on": "2025-06-01",
    "episode": {
        "onset": "2023-01-31",
        "severity": "severe",
        "functional_impairment": "moderate",
        "comorbidities": ["anxiety", "chronic_pain"],
        "psychosocial_stressors": True,
        "screening": {"bipolar_spectrum": "screened_negative", "vitamin_d": "positive"},
    },
    "trials": [
        {
            "drug": "sertraline",
            "dose_mg_per_day": 100,
            "weeks_at_dose": 8,
            "adherence_pct": 90,
            "improvement_pct": 10,
            "started_on": "2023-02-01",
        },
        {
            "drug": "esmirtazapine",
            "class": "NaSSA",
            "min_adequate_dose_mg": 15,
            "dose_mg_per_day": 30,
            "weeks_at_dose": 12,
            "outcome": "non_response",
            "improvement_pct": 5,
            "augmentation": [{"agent": "lithium", "dose_mg_per_day": 800, "weeks": 6}, {"agent": "bupropion"}],
        },
        {"drug": "venlafaxine", "dose_mg_per_day": 225, "weeks_at_dose": 7.5, "outcome": "intolerance"},
    ],
    "ect_courses": [{"electrode_placement": "bilateral", "sessions": 12, "outcome": "partial_response"}],
    "other_courses": [{"kind": "rtms", "weeks": 6, "outcome": "non_response"}, {"kind": "psychotherapy"}],
}


def errors_of(document):
    with pytest.raises(InterchangeError) as raised:
        parse_records(document)
    return raised.value.errors


def with_change(path, value, base=VALID):
    document = copy.deepcopy(base)
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


def test_valid_single_record_parses():
    records, is_list = parse_records(VALID)
    assert is_list is False and len(records) == 1
    parsed = records[0]
    assert parsed.age == 66 and parsed.assessed_on == date(2025, 6, 1)
    assert parsed.episode.screening == (("bipolar_spectrum", "screened_negative"), ("vitamin_d", "positive"))
    assert parsed.trials[1].drug_class == "NaSSA" and parsed.trials[1].min_adequate_dose_mg == 15
    assert parsed.trials[1].augmentation[0].dose_mg_per_day == 800
    assert parsed.trials[0].started_on == date(2023, 2, 1)


def test_list_in_list_out():
    records, is_list = parse_records([VALID, VALID])
    assert is_list is True and len(records) == 2
    assert parse_records([]) == ([], True)


def test_round_trip():
    records, _ = parse_records(VALID)
    assert parse_records(record_to_dict(records[0]))[0] == records
    assert json.loads(json.dumps(record_to_dict(records[0]))) == record_to_dict(records[0])
    exported = record_to_dict(records[0])
    assert exported["episode"] == VALID["episode"] and exported["other_courses"] == VALID["other_courses"]
    assert exported["trials"][2] == {**VALID["trials"][2], "augmentation": []}


def test_round_trip_of_a_minimal_record():
    minimal = {"assessed_on": "2024-01-01", "episode": {"onset": "2024-01-01", "severity": "mild"}}
    records, _ = parse_records(minimal)
    assert parse_records(record_to_dict(records[0]))[0] == records
    assert record_to_dict(records[0]) == {
        **minimal,
        "episode": {**minimal["episode"], "comorbidities": [], "screening": {}},
        "trials": [],
        "ect_courses": [],
        "other_courses": [],
        "scale_scores": [],
        "attestations": {},
    }


def test_every_error_is_reported_with_its_path_in_a_list():
    bad = with_change(["trials", 1, "dose_mg_per_day"], 0)
    bad = with_change(["episode", "foo"], 1, bad)
    bad = with_change(["age"], 131, bad)
    errors = errors_of([VALID, VALID, VALID, bad])
    assert errors == [
        ("[3].age", "must be between 0 and 130"),
        ("[3].episode.foo", "unknown key"),
        ("[3].trials[1].dose_mg_per_day", "must be greater than 0"),
    ]


def test_single_record_paths_have_no_index():
    assert errors_of(with_change(["trials", 1, "dose_mg_per_day"], -5)) == [
        ("trials[1].dose_mg_per_day", "must be greater than 0")
    ]


@pytest.mark.parametrize(
    "path, value, error_path, message",
    [
        (["age"], True, "age", "must be a whole number"),
        (["age"], 40.5, "age", "must be a whole number"),
        (["age"], -1, "age", "must be between 0 and 130"),
        (["assessed_on"], KeyError, "assessed_on", "is required"),
        (["assessed_on"], "2025-02-30", "assessed_on", "is not a valid date (2025-02-30)"),
        (["assessed_on"], "20250601", "assessed_on", "must be a date YYYY-MM-DD"),
        (["assessed_on"], 20250601, "assessed_on", "must be a date YYYY-MM-DD"),
        (["episode"], KeyError, "episode", "is required"),
        (["episode"], [], "episode", "must be an object"),
        (["episode", "onset"], "2025-06-02", "episode.onset", "must not be after assessed_on (2025-06-01)"),
        (
            ["episode", "severity"],
            "Severe",
            "episode.severity",
            "must be one of: subsyndromal, mild, moderate, severe, severe_psychotic",
        ),
        (
            ["episode", "functional_impairment"],
            "total",
            "episode.functional_impairment",
            "must be one of: none, mild, moderate, severe",
        ),
        (["episode", "comorbidities"], ["anxiety", "anxiety"], "episode.comorbidities[1]", "anxiety is listed twice"),
        (
            ["episode", "comorbidities"],
            ["grief"],
            "episode.comorbidities[0]",
            "must be one of: anxiety, personality_disorder, substance_use, adhd, ptsd, ocd, eating_disorder, "
            "chronic_pain, medical_illness",
        ),
        (["episode", "psychosocial_stressors"], "yes", "episode.psychosocial_stressors", "must be true or false"),
        (
            ["episode", "screening"],
            {"vitamin_d": "maybe"},
            "episode.screening.vitamin_d",
            "must be one of: not_screened, screened_negative, positive",
        ),
        (["trials"], {}, "trials", "must be a list"),
        (["trials", 0, "dose_mg_per_day"], True, "trials[0].dose_mg_per_day", "must be a number"),
        (["trials", 0, "dose_mg_per_day"], "100", "trials[0].dose_mg_per_day", "must be a number"),
        (["trials", 0, "dose_mg_per_day"], float("inf"), "trials[0].dose_mg_per_day", "must be a finite number"),
        (["trials", 0, "weeks_at_dose"], 0, "trials[0].weeks_at_dose", "must be greater than 0"),
        (["trials", 0, "adherence_pct"], 100.1, "trials[0].adherence_pct", "must be between 0 and 100"),
        (["trials", 0, "adherence_pct"], -0.1, "trials[0].adherence_pct", "must be between 0 and 100"),
        (["trials", 0, "improvement_pct"], 100.5, "trials[0].improvement_pct", "must be at most 100"),
        (
            ["trials", 0, "outcome"],
            "cured",
            "trials[0].outcome",
            "must be one of: remission, response, partial_response, non_response, intolerance",
        ),
        (["trials", 0, "started_on"], "2024/01/01", "trials[0].started_on", "must be a date YYYY-MM-DD"),
        (["trials", 0, "drug"], KeyError, "trials[0].drug", "is required"),
        (
            ["trials", 0, "drug"],
            "Sertraline",
            "trials[0].drug",
            "unknown drug 'Sertraline': catalogue names are lower case ('sertraline')",
        ),
        (
            ["trials", 0, "class"],
            "SSRI",
            "trials[0].class",
            "only for a drug not in the catalogue (sertraline is in it)",
        ),
        (
            ["trials", 0, "min_adequate_dose_mg"],
            50,
            "trials[0].min_adequate_dose_mg",
            "only for a drug not in the catalogue (sertraline is in it)",
        ),
        (
            ["trials", 1, "class"],
            KeyError,
            "trials[1].class",
            "is required for a drug not in the catalogue (esmirtazapine)",
        ),
        (
            ["trials", 1, "class"],
            "SSNRI",
            "trials[1].class",
            "must be one of: SSRI, SNRI, TCA, MAOI, RIMA, NDRI, NaSSA, SARI, multimodal, melatonergic, NRI",
        ),
        (["trials", 1, "min_adequate_dose_mg"], 0, "trials[1].min_adequate_dose_mg", "must be greater than 0"),
        (
            ["trials", 1, "augmentation"],
            [{"agent": "ketamine"}],
            "trials[1].augmentation[0].agent",
            "must be an augmentation agent of rules §2.2 (lithium, liothyronine, aripiprazole, brexpiprazole, cariprazine, "
            "quetiapine, olanzapine, risperidone, lamotrigine, pramipexole, modafinil, lisdexamfetamine, esketamine) or a "
            "catalogue antidepressant",
        ),
        (
            ["trials", 1, "augmentation"],
            [{"agent": "lithium", "dose": 5}],
            "trials[1].augmentation[0].dose",
            "unknown key",
        ),
        (
            ["trials", 1, "augmentation"],
            [{"agent": "lithium", "weeks": -1}],
            "trials[1].augmentation[0].weeks",
            "must be greater than 0",
        ),
        (
            ["ect_courses"],
            [{"electrode_placement": "left", "outcome": "response"}],
            "ect_courses[0].electrode_placement",
            "must be one of: bilateral, right_unilateral, bifrontal",
        ),
        (["ect_courses"], [{"electrode_placement": "bilateral"}], "ect_courses[0].outcome", "is required"),
        (
            ["ect_courses"],
            [{"electrode_placement": "bilateral", "outcome": "response", "sessions": 0}],
            "ect_courses[0].sessions",
            "must be between 1 and None",
        ),
        (
            ["other_courses"],
            [{"kind": "dbs"}],
            "other_courses[0].kind",
            "must be one of: rtms, esketamine, ketamine, psychotherapy, vns",
        ),
        (["other_courses"], ["rtms"], "other_courses[0]", "must be an object"),
    ],
)
def test_each_error(path, value, error_path, message):
    if message == "must be between 1 and None":
        message = "must be at least 1"
    assert errors_of(with_change(path, value)) == [(error_path, message)]


def test_unknown_screening_item():
    errors = errors_of(with_change(["episode", "screening"], {"iron": "positive"}))
    assert errors[0][0] == "episode.screening.iron" and errors[0][1].startswith("unknown screening item")


@pytest.mark.parametrize(
    "outcome, improvement",
    [("response", 49.9), ("remission", 30), ("non_response", 25), ("partial_response", 50), ("partial_response", 24.9)],
)
def test_outcome_and_improvement_disagreement_is_rejected_naming_the_trial(outcome, improvement):
    document = with_change(["trials", 0, "outcome"], outcome)
    document = with_change(["trials", 0, "improvement_pct"], improvement, document)
    [(path, message)] = errors_of(document)
    assert path == "trials[0].outcome"
    assert f"outcome '{outcome}' disagrees with improvement_pct" in message and "trials[0] (sertraline)" in message


def test_agreeing_outcomes_are_accepted():
    for outcome, improvement in [("remission", 50), ("intolerance", 70), ("partial_response", 25)]:
        document = with_change(["trials", 0, "outcome"], outcome)
        parse_records(with_change(["trials", 0, "improvement_pct"], improvement, document))


def test_clinician_defined_drug_tried_twice_must_keep_its_class():
    second = dict(VALID["trials"][1], **{"class": "SSRI"})
    errors = errors_of(with_change(["trials"], VALID["trials"] + [second]))
    assert errors == [("trials[3]", "esmirtazapine has a different class or minimum dose than in trials[1]")]


@pytest.mark.parametrize("document", [None, 5, "text", True])
def test_top_level_must_be_a_record_or_a_list(document):
    assert errors_of(document) == [("(input)", "must be a record (JSON object) or a list of records")]


def test_list_items_must_be_records():
    assert errors_of([VALID, 3, []]) == [
        ("[1]", "must be an object (one record)"),
        ("[2]", "must be an object (one record)"),
    ]


def test_long_unknown_keys_are_shortened():
    [(path, message)] = errors_of(with_change(["x" * 500], 1))
    assert message == "unknown key" and len(path) < 80


def test_null_optional_fields_are_absent():
    document = with_change(["age"], None)
    document = with_change(["trials", 0, "adherence_pct"], None, document)
    [parsed], _ = parse_records(document)
    assert parsed.age is None and parsed.trials[0].adherence_pct is None


def test_validation_errors_of_a_built_record():
    assert validation_errors(record(trial())) == []
    errors = validation_errors(record(trial(outcome="response", improvement=10)))
    assert [path for path, _ in errors] == ["trials[0].outcome"]


def test_result_to_dict_has_the_agreed_shape_and_values():
    [parsed], _ = parse_records(VALID)
    output = result_to_dict(stage(parsed))
    validate_output_shape(output)
    json.dumps(output)
    assert output["ruleset"] == default_catalogue().ruleset_id
    assert [t["drug"] for t in output["trials"]] == ["sertraline", "esmirtazapine", "venlafaxine"]
    assert output["trials"][1]["clinician_defined"] is True
    assert output["trials"][0]["min_adequate_dose_mg"] == 25  # age 66: the 65+ column
    assert output["trials"][2]["inadequate_reasons"] == ["intolerance"]
    assert output["thase_rush"]["stage"] == 2 and output["thase_rush"]["counted_trials"] == [0, 1]
    assert output["maudsley"]["items"] == {
        "duration": 3,
        "severity": 4,
        "antidepressants": 1,
        "augmentation": 1,
        "ect": 1,
    }
    # sertraline 1 + 0.5 (100 > 25); esmirtazapine 1 + 0.5 (30 > 15) + 0.5 (12 weeks) + 0.5 (augmented); ECT 3
    assert output["mgh"]["score"] == 7.0
    assert output["classification"]["label"] == "trd" and output["classification"]["chronic"] is True
    assert output["dtd"]["met"] is True
    assert {"code": "positive:vitamin_d", "message": "Vitamin D screened positive.", "trial": None} in output["flags"]


def test_not_applicable_maudsley_is_null_in_json():
    output = result_to_dict(stage(record()))
    validate_output_shape(output)
    assert output["maudsley"]["applicable"] is False
    assert output["maudsley"]["total"] is None and output["maudsley"]["items"] is None
    assert output["mgh"]["score"] == 0.0 and json.dumps(output["mgh"]["score"]) == "0.0"
