"""rules §12.2: every criterion kind at its boundaries — met, not met, not documented — with evidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from staging.engine.inputs import OtherCourse, ScaleScore
from tests.staging.eligibility_helpers import evaluate_criterion
from tests.staging.helpers import record, trial


def state_and_trials(result):
    return result.state, result.evidence.trials


# ---- age_at_least ---------------------------------------------------------------------------


@pytest.mark.parametrize(("age", "state"), [(18, "met"), (17, "not_met"), (None, "not_documented")])
def test_age_at_least_at_its_boundary(age, state):
    result = evaluate_criterion(record(age=age), {"kind": "age_at_least", "years": 18})
    assert result.state == state
    assert result.evidence.trials == () and result.explanation


# ---- failed_trials ----------------------------------------------------------------------------


def test_failed_trials_met_at_min_distinct_drugs_with_every_qualifying_trial_as_evidence():
    rec = record(trial("sertraline"), trial("sertraline", dose=100), trial("venlafaxine"))
    result = evaluate_criterion(rec, {"kind": "failed_trials", "min": 2})
    assert state_and_trials(result) == ("met", (0, 1, 2))
    assert "2 different drugs" in result.explanation


def test_failed_trials_one_drug_twice_is_not_two_drugs():
    rec = record(trial("sertraline"), trial("sertraline", dose=100))
    assert state_and_trials(evaluate_criterion(rec, {"kind": "failed_trials", "min": 2})) == ("not_met", (0, 1))


def test_failed_trials_distinct_class_counts_classes():
    rec = record(trial("sertraline"), trial("fluoxetine"), trial("venlafaxine"))
    assert evaluate_criterion(rec, {"kind": "failed_trials", "min": 2, "distinct": "class"}).state == "met"
    assert evaluate_criterion(rec, {"kind": "failed_trials", "min": 3, "distinct": "class"}).state == "not_met"


def test_failed_trials_min_weeks_boundary():
    rec = record(trial("sertraline", weeks=8), trial("venlafaxine", weeks=7.9))
    assert evaluate_criterion(rec, {"kind": "failed_trials", "min": 2, "min_weeks": 8}).state == "not_met"
    assert evaluate_criterion(rec, {"kind": "failed_trials", "min": 2, "min_weeks": 7.9}).state == "met"


def test_failed_trials_inadequate_or_responding_trials_do_not_qualify():
    rec = record(trial("sertraline", dose=25), trial("venlafaxine", outcome="response"), trial("fluoxetine", weeks=5))
    assert state_and_trials(evaluate_criterion(rec, {"kind": "failed_trials", "min": 1})) == ("not_met", ())


def test_failed_trials_not_documented_when_unknown_outcomes_could_reach_min():
    rec = record(trial("sertraline"), trial("sertraline", outcome=None), trial("venlafaxine", outcome=None))
    result = evaluate_criterion(rec, {"kind": "failed_trials", "min": 2})
    # the unknown sertraline trial is of a drug already counted: only venlafaxine could decide it
    assert state_and_trials(result) == ("not_documented", (2,))
    assert "venlafaxine" in result.explanation
    assert evaluate_criterion(rec, {"kind": "failed_trials", "min": 3}).state == "not_met"


def test_failed_trials_include_intolerance_whatever_dose_and_weeks():
    rec = record(trial("sertraline"), trial("venlafaxine", dose=37.5, weeks=1, outcome="intolerance"))
    assert evaluate_criterion(rec, {"kind": "failed_trials", "min": 2}).state == "not_met"
    result = evaluate_criterion(rec, {"kind": "failed_trials", "min": 2, "include_intolerance": True})
    assert state_and_trials(result) == ("met", (0, 1))


# ---- severity_in ------------------------------------------------------------------------------


@pytest.mark.parametrize(("severity", "state"), [("moderate", "met"), ("severe_psychotic", "met"), ("mild", "not_met")])
def test_severity_in(severity, state):
    criterion = {"kind": "severity_in", "values": ["moderate", "severe", "severe_psychotic"]}
    assert evaluate_criterion(record(severity=severity), criterion).state == state


# ---- episode_months_at_least ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assessed_on", "state"),
    [(date(2026, 1, 31), "met"), (date(2026, 1, 30), "not_met"), (date(2026, 2, 1), "met")],
)
def test_episode_months_at_least_is_met_on_the_day(assessed_on, state):
    rec = record(onset=date(2024, 1, 31), assessed_on=assessed_on)
    assert evaluate_criterion(rec, {"kind": "episode_months_at_least", "months": 24}).state == state


def test_episode_months_at_least_maps_the_31st_to_the_months_last_day():
    rec = record(onset=date(2024, 8, 31), assessed_on=date(2024, 9, 30))
    assert evaluate_criterion(rec, {"kind": "episode_months_at_least", "months": 1}).state == "met"


# ---- scale_score --------------------------------------------------------------------------------

ASSESSED = date(2026, 11, 1)


def scored(*scores):
    return replace(record(onset=date(2026, 1, 1), assessed_on=ASSESSED), scale_scores=tuple(scores))


VNS_CONFIRMED = {"kind": "scale_score", "count": 2, "within_days": 45}


def test_scale_score_two_visits_within_45_days_is_met_at_the_window_edge():
    rec = scored(ScaleScore("MADRS", 30, date(2026, 9, 17)), ScaleScore("PHQ-9", 18, ASSESSED))
    result = evaluate_criterion(rec, VNS_CONFIRMED)
    assert result.state == "met" and result.evidence.scale_scores == (0, 1)


def test_scale_score_a_day_outside_the_window_is_not_counted():
    rec = scored(ScaleScore("MADRS", 30, date(2026, 9, 16)), ScaleScore("PHQ-9", 18, ASSESSED))
    result = evaluate_criterion(rec, VNS_CONFIRMED)
    assert result.state == "not_documented" and result.evidence.scale_scores == ()


def test_scale_score_two_scores_on_one_day_are_one_visit():
    rec = scored(ScaleScore("MADRS", 30, ASSESSED), ScaleScore("PHQ-9", 18, ASSESSED))
    assert evaluate_criterion(rec, VNS_CONFIRMED).state == "not_documented"


def test_scale_score_below_threshold_is_not_met_and_only_listed_scales_count():
    rec = scored(ScaleScore("MADRS", 19, date(2026, 10, 1)), ScaleScore("MADRS", 20, ASSESSED))
    criterion = {"kind": "scale_score", "scales": ["MADRS"], "at_least": 20, "count": 2}
    result = evaluate_criterion(rec, criterion)
    assert result.state == "not_met" and result.evidence.scale_scores == (1,)
    assert evaluate_criterion(rec, {**criterion, "at_least": 19}).state == "met"
    assert evaluate_criterion(rec, {**criterion, "scales": ["PHQ-9"]}).state == "not_documented"


# ---- failed_courses -----------------------------------------------------------------------------


def test_failed_courses_ect_any_placement():
    rec = record(ect=[("right_unilateral", "partial_response"), ("bilateral", "response")])
    result = evaluate_criterion(rec, {"kind": "failed_courses", "kinds": ["ect"], "min": 1})
    assert result.state == "met" and result.evidence.ect_courses == (0,)
    assert evaluate_criterion(rec, {"kind": "failed_courses", "kinds": ["ect"], "min": 2}).state == "not_met"


def test_failed_courses_other_courses_with_min_weeks_and_missing_data():
    rec = record(
        other=[
            OtherCourse("rtms", 6, "non_response"),
            OtherCourse("rtms", 4, "non_response"),
            OtherCourse("rtms", None, "non_response"),
            OtherCourse("rtms", 6, None),
            OtherCourse("psychotherapy", 20, "non_response"),
        ]
    )
    criterion = {"kind": "failed_courses", "kinds": ["rtms"], "min": 1, "min_weeks": 6}
    met = evaluate_criterion(rec, criterion)
    assert met.state == "met" and met.evidence.other_courses == (0,)
    pending = evaluate_criterion(rec, {**criterion, "min": 3})
    assert pending.state == "not_documented" and pending.evidence.other_courses == (2, 3)
    assert evaluate_criterion(rec, {**criterion, "min": 4}).state == "not_met"


# ---- failed_treatments --------------------------------------------------------------------------


def test_failed_treatments_counts_trials_ect_and_courses_but_not_psychotherapy():
    rec = record(
        trial("sertraline"),
        trial("sertraline", dose=100),
        trial("venlafaxine"),
        ect=[("bifrontal", "non_response")],
        other=[OtherCourse("rtms", 6, "partial_response"), OtherCourse("psychotherapy", 20, "non_response")],
    )
    result = evaluate_criterion(rec, {"kind": "failed_treatments", "min": 4})
    assert result.state == "met"
    assert (result.evidence.trials, result.evidence.ect_courses, result.evidence.other_courses) == ((1, 2), (0,), (0,))
    assert evaluate_criterion(rec, {"kind": "failed_treatments", "min": 5}).state == "not_met"


def test_failed_treatments_not_documented_counts_one_unknown_trial_per_new_drug_and_open_courses():
    rec = record(
        trial("sertraline"),
        trial("venlafaxine", outcome=None),
        trial("venlafaxine", outcome=None, dose=300),
        trial("sertraline", outcome=None),
        other=[OtherCourse("esketamine", None, None)],
    )
    result = evaluate_criterion(rec, {"kind": "failed_treatments", "min": 3})
    assert result.state == "not_documented"
    assert result.evidence.trials == (1, 2) and result.evidence.other_courses == (0,)
    assert evaluate_criterion(rec, {"kind": "failed_treatments", "min": 4}).state == "not_met"


# ---- comorbidity_any, attestation -------------------------------------------------------------


def test_comorbidity_any():
    criterion = {"kind": "comorbidity_any", "values": ["substance_use", "adhd"]}
    assert evaluate_criterion(record(comorbidities=("adhd",)), criterion).state == "met"
    assert evaluate_criterion(record(comorbidities=("anxiety",)), criterion).state == "not_met"


@pytest.mark.parametrize(("answer", "state"), [(True, "met"), (False, "not_met"), (None, "not_documented")])
def test_attestation_is_answered_by_its_profile_and_criterion_id(answer, state):
    attestations = {} if answer is None else {"test-profile/c": answer}
    result = evaluate_criterion(record(), {"kind": "attestation"}, attestations=attestations)
    assert result.state == state and result.evidence.trials == ()


# ---- any_of ---------------------------------------------------------------------------------------

ANY_OF = {
    "kind": "any_of",
    "criteria": [
        {"id": "long", "kind": "episode_months_at_least", "months": 24, "text": "Two years."},
        {"id": "episodes", "kind": "attestation", "text": "Four episodes."},
        {"id": "failures", "kind": "failed_trials", "min": 1, "text": "A failed trial."},
    ],
}


def test_any_of_met_through_an_attested_item():
    result = evaluate_criterion(record(), ANY_OF, attestations={"test-profile/episodes": True})
    assert result.state == "met"
    assert [item.state for item in result.items] == ["not_met", "met", "not_met"]
    assert result.evidence.trials == ()  # only the met items' evidence


def test_any_of_not_documented_when_none_is_met_and_one_is_open():
    result = evaluate_criterion(record(), ANY_OF)
    assert result.state == "not_documented"
    assert evaluate_criterion(record(), ANY_OF, attestations={"test-profile/episodes": False}).state == "not_met"


def test_any_of_merges_the_evidence_of_its_met_items():
    rec = record(trial("sertraline"), trial("venlafaxine", dose=50, outcome="non_response"))
    result = evaluate_criterion(rec, ANY_OF, attestations={"test-profile/episodes": True})
    assert result.state == "met" and result.evidence.trials == (0,)
    assert [item.id for item in result.items if item.state == "met"] == ["episodes", "failures"]
