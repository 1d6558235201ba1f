"""Builders for engine inputs and the rules §10 output-shape validator shared by the tests."""

from __future__ import annotations

from datetime import date

from staging.engine.inputs import (
    OUTCOMES,
    SCREENING_ITEMS,
    Augmentation,
    EctCourse,
    Episode,
    OtherCourse,
    StagingInput,
    Trial,
)

ALL_SCREENED = tuple((item, "screened_negative") for item in SCREENING_ITEMS)


def trial(
    drug="sertraline", dose=None, weeks=8, adherence=100, improvement=None, outcome="non_response", **extra
) -> Trial:
    """A failed adequate trial unless told otherwise."""
    from staging.engine.catalogue import default_catalogue

    if dose is None:
        entry = default_catalogue().get(drug)
        dose = entry.min_dose_mg if entry else extra.get("min_adequate_dose_mg", 10)
    augmentation = tuple(
        Augmentation(agent) if isinstance(agent, str) else agent for agent in extra.pop("augmentation", ())
    )
    return Trial(drug, dose, weeks, adherence, improvement, outcome, augmentation, **extra)


def record(
    *trials: Trial,
    onset=date(2024, 1, 1),
    assessed_on=date(2024, 6, 1),
    severity="moderate",
    age=40,
    ect=(),
    other=(),
    screening=ALL_SCREENED,
    **episode,
) -> StagingInput:
    return StagingInput(
        assessed_on=assessed_on,
        age=age,
        episode=Episode(onset=onset, severity=severity, screening=screening, **episode),
        trials=tuple(trials),
        ect_courses=tuple(EctCourse(*course) if isinstance(course, tuple) else course for course in ect),
        other_courses=tuple(OtherCourse(kind) if isinstance(kind, str) else kind for kind in other),
    )


# ---- rules §10 output shape -----------------------------------------------------------------

LABELS = {"remission", "responding", "trd", "prd", "single_failure", "not_staged"}
REASONS = ("intolerance", "dose_below_minimum", "too_short", "low_adherence")


def _is_number(value) -> bool:
    return type(value) in (int, float)


def _keys(obj, expected: set, where: str):
    assert isinstance(obj, dict), where
    assert set(obj) == expected, f"{where}: keys {sorted(obj)} != {sorted(expected)}"


def _indices(values, trial_count: int, where: str):
    assert isinstance(values, list), where
    assert all(type(index) is int and 0 <= index < trial_count for index in values), where


def _notes(values, where):
    assert isinstance(values, list) and all(isinstance(note, str) and note for note in values), where


def validate_output_shape(output: dict) -> None:
    """Assert that one result is exactly the agreed rules §10 shape (raises AssertionError)."""
    _keys(
        output,
        {"ruleset", "trials", "thase_rush", "maudsley", "mgh", "classification", "dtd", "eligibility", "flags"},
        "result",
    )
    assert isinstance(output["ruleset"], str) and output["ruleset"].startswith("trd-2026.2")
    trials = output["trials"]
    assert isinstance(trials, list)
    count = len(trials)
    for index, item in enumerate(trials):
        where = f"trials[{index}]"
        _keys(
            item,
            {
                "drug",
                "drug_class",
                "clinician_defined",
                "min_adequate_dose_mg",
                "adequate",
                "inadequate_reasons",
                "outcome",
                "counted",
                "explanation",
            },
            where,
        )
        assert isinstance(item["drug"], str) and isinstance(item["drug_class"], str), where
        assert type(item["clinician_defined"]) is bool and type(item["adequate"]) is bool, where
        assert type(item["counted"]) is bool, where
        assert _is_number(item["min_adequate_dose_mg"]) and item["min_adequate_dose_mg"] > 0, where
        reasons = item["inadequate_reasons"]
        assert reasons == [code for code in REASONS if code in reasons], f"{where}: order {reasons}"
        assert item["adequate"] == (not reasons), where
        assert item["outcome"] in (*OUTCOMES, "unknown"), where
        assert not item["counted"] or (item["adequate"] and item["outcome"] in ("non_response", "partial_response"))
        assert isinstance(item["explanation"], str) and item["explanation"], where
    counted = [index for index, item in enumerate(trials) if item["counted"]]

    thase = output["thase_rush"]
    _keys(thase, {"stage", "counted_trials", "explanation", "interpretation_notes"}, "thase_rush")
    assert type(thase["stage"]) is int and 0 <= thase["stage"] <= 5
    assert thase["counted_trials"] == counted
    assert isinstance(thase["explanation"], str) and thase["explanation"]
    _notes(thase["interpretation_notes"], "thase_rush")

    msm = output["maudsley"]
    _keys(
        msm,
        {"applicable", "total", "category", "items", "counted_trials", "explanation", "interpretation_notes"},
        "maudsley",
    )
    assert type(msm["applicable"]) is bool
    if msm["applicable"]:
        _keys(msm["items"], {"duration", "severity", "antidepressants", "augmentation", "ect"}, "maudsley.items")
        assert all(type(value) is int for value in msm["items"].values())
        assert msm["total"] == sum(msm["items"].values()) and 3 <= msm["total"] <= 15
        assert msm["category"] == ("mild" if msm["total"] <= 6 else "moderate" if msm["total"] <= 10 else "severe")
    else:
        assert msm["total"] is None and msm["category"] is None and msm["items"] is None
    assert msm["counted_trials"] == counted
    _notes(msm["interpretation_notes"], "maudsley")

    mgh = output["mgh"]
    _keys(mgh, {"score", "counted_trials", "explanation", "interpretation_notes"}, "mgh")
    assert type(mgh["score"]) is float and round(mgh["score"], 1) == mgh["score"] and mgh["score"] >= 0
    assert mgh["counted_trials"] == counted
    _notes(mgh["interpretation_notes"], "mgh")

    classification = output["classification"]
    _keys(
        classification,
        {
            "label",
            "regulatory_trd",
            "regulatory_trd_trials",
            "chronic",
            "most_recent_trial",
            "explanation",
            "interpretation_notes",
        },
        "classification",
    )
    assert classification["label"] in LABELS
    assert type(classification["regulatory_trd"]) is bool and type(classification["chronic"]) is bool
    _indices(classification["regulatory_trd_trials"], count, "regulatory_trd_trials")
    assert classification["regulatory_trd"] == (len(classification["regulatory_trd_trials"]) >= 2)
    recent = classification["most_recent_trial"]
    assert (recent is None) == (count == 0) and (recent is None or 0 <= recent < count)
    _notes(classification["interpretation_notes"], "classification")

    dtd = output["dtd"]
    _keys(dtd, {"met", "reasons", "complexity_factors"}, "dtd")
    assert type(dtd["met"]) is bool
    assert all(isinstance(text, str) for text in dtd["reasons"] + dtd["complexity_factors"])

    assert isinstance(output["flags"], list)
    for flag in output["flags"]:
        _keys(flag, {"code", "message", "trial"}, "flag")
        assert isinstance(flag["message"], str) and flag["message"]
        code = flag["code"]
        if code.startswith(("not_screened:", "positive:")):
            assert code.split(":", 1)[1] in SCREENING_ITEMS and flag["trial"] is None
        else:
            assert code in ("inadequate_trial", "adherence_not_documented", "outcome_not_documented")
            assert type(flag["trial"]) is int and 0 <= flag["trial"] < count

    for index, profile in enumerate(output["eligibility"]):
        validate_eligibility_shape(profile, f"eligibility[{index}]", output)


ELIGIBILITY_KEYS = {
    "profile",
    "version",
    "title",
    "treatment",
    "issuer",
    "source",
    "checked_on",
    "status",
    "explanation",
    "criteria",
}
CRITERION_KEYS = {"id", "role", "kind", "state", "text", "note", "explanation", "evidence", "items"}
EVIDENCE_LISTS = ("trials", "ect_courses", "other_courses", "scale_scores")


def validate_eligibility_shape(profile: dict, where: str, output: dict | None = None) -> None:
    """rules §10 `eligibility[i]` (with the agreed extra keys), and §12.3's status rule."""
    _keys(profile, ELIGIBILITY_KEYS, where)
    assert profile["status"] in ("eligible", "not_eligible", "incomplete"), where
    _keys(profile["source"], {"title", "date", "url"}, f"{where}.source")
    assert isinstance(profile["explanation"], str) and profile["explanation"], where
    states = {"require": [], "exclude": []}
    for criterion in profile["criteria"]:
        _validate_criterion(criterion, f"{where}.criteria.{criterion.get('id')}", top_level=True)
        if criterion["role"] in states:
            states[criterion["role"]].append(criterion["state"])
    if "not_met" in states["require"] or "met" in states["exclude"]:
        expected = "not_eligible"
    elif all(s == "met" for s in states["require"]) and all(s == "not_met" for s in states["exclude"]):
        expected = "eligible"
    else:
        expected = "incomplete"
    assert profile["status"] == expected, f"{where}: {profile['status']} != {expected}"


def _validate_criterion(criterion: dict, where: str, *, top_level: bool) -> None:
    _keys(criterion, CRITERION_KEYS, where)
    assert (criterion["role"] in ("require", "exclude", "caution")) if top_level else criterion["role"] is None, where
    assert criterion["state"] in ("met", "not_met", "not_documented"), where
    assert isinstance(criterion["text"], str) and criterion["text"], where
    assert isinstance(criterion["explanation"], str) and criterion["explanation"], where
    _keys(criterion["evidence"], set(EVIDENCE_LISTS), f"{where}.evidence")
    for name in EVIDENCE_LISTS:
        indices = criterion["evidence"][name]
        assert indices == sorted(set(indices)) and all(type(i) is int and i >= 0 for i in indices), where
    if criterion["kind"] == "any_of":
        assert top_level and len(criterion["items"]) >= 2, where
        for item in criterion["items"]:
            _validate_criterion(item, f"{where}.{item['id']}", top_level=False)
    else:
        assert criterion["items"] == [], where
