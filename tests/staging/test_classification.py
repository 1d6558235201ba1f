"""rules §5: label (first match wins), regulatory TRD, chronic, most recent trial."""

from datetime import date

import pytest

from staging.engine import stage
from tests.staging.helpers import record, trial


def classify(*trials, **kwargs):
    return stage(record(*trials, **kwargs)).classification


def test_remission_when_the_most_recent_trial_remitted():
    result = classify(trial("sertraline"), trial("venlafaxine"), trial("bupropion", outcome="remission"))
    assert result.label == "remission" and result.most_recent_trial == 2
    assert result.regulatory_trd  # still ≥ 2 counted failures


def test_responding_when_the_most_recent_trial_responded():
    assert classify(trial("sertraline"), trial("bupropion", outcome=None, improvement=50)).label == "responding"


def test_trd_needs_two_counted_non_responses():
    result = classify(trial("sertraline"), trial("venlafaxine"))
    assert result.label == "trd"
    assert (
        "2 counted trials without response (under 25 % improvement): sertraline and venlafaxine" in result.explanation
    )


def test_prd_when_a_counted_trial_is_a_partial_response():
    assert classify(trial("sertraline"), trial("venlafaxine", outcome="partial_response")).label == "prd"
    assert classify(trial("sertraline", outcome=None, improvement=30)).label == "prd"


def test_trd_wins_over_prd():
    result = classify(trial("sertraline"), trial("venlafaxine"), trial("bupropion", outcome="partial_response"))
    assert result.label == "trd"


def test_single_failure():
    result = classify(trial("sertraline"))
    assert result.label == "single_failure" and not result.regulatory_trd and result.regulatory_trd_trials == ()


def test_not_staged():
    assert classify().label == "not_staged"
    assert classify().most_recent_trial is None
    assert classify(trial("sertraline", dose=10)).label == "not_staged"


def test_two_non_responses_of_the_same_drug_are_one_counted_trial():
    result = classify(trial("sertraline", dose=100), trial("sertraline", dose=150))
    assert result.label == "single_failure" and not result.regulatory_trd


def test_regulatory_trd_cites_the_trials_and_counts_partial_responses():
    result = classify(
        trial("sertraline", dose=10), trial("venlafaxine", outcome="partial_response"), trial("mirtazapine")
    )
    assert result.regulatory_trd and result.regulatory_trd_trials == (1, 2)
    assert result.label == "prd"
    assert "Regulatory TRD (FDA/EMA): yes" in result.explanation


@pytest.mark.parametrize("assessed_on, chronic", [(date(2026, 1, 31), False), (date(2026, 2, 1), True)])
def test_chronic_after_24_months(assessed_on, chronic):
    result = classify(onset=date(2024, 1, 31), assessed_on=assessed_on)
    assert result.chronic is chronic


def test_chronic_from_a_leap_day_onset():
    assert classify(onset=date(2024, 2, 29), assessed_on=date(2026, 2, 28)).chronic is False
    assert classify(onset=date(2024, 2, 29), assessed_on=date(2026, 3, 1)).chronic is True


# ---- the most recent trial ------------------------------------------------------------------


def test_most_recent_by_date_when_every_trial_is_dated():
    result = classify(
        trial("bupropion", outcome="remission", started_on=date(2024, 5, 1)),
        trial("sertraline", started_on=date(2024, 1, 1)),
        trial("venlafaxine", started_on=date(2024, 3, 1)),
    )
    assert result.most_recent_trial == 0 and result.label == "remission"
    assert "(latest start date)" in result.explanation


def test_date_ties_go_to_the_later_in_input_order():
    result = classify(
        trial("bupropion", outcome="remission", started_on=date(2024, 5, 1)),
        trial("sertraline", started_on=date(2024, 5, 1)),
    )
    assert result.most_recent_trial == 1 and result.label == "single_failure"


def test_undated_trials_use_input_order():
    result = classify(trial("bupropion", outcome="response"), trial("sertraline"))
    assert result.most_recent_trial == 1 and result.label == "single_failure"


def test_mixed_dated_and_undated_trials_use_input_order():
    result = classify(
        trial("bupropion", outcome="response", started_on=date(2024, 5, 1)), trial("sertraline", started_on=None)
    )
    assert result.most_recent_trial == 1 and result.label == "single_failure"
    assert "last entered; not every trial has a start date" in result.explanation


def test_most_recent_trial_with_unknown_outcome_falls_through():
    result = classify(trial("sertraline"), trial("venlafaxine"), trial("bupropion", outcome=None))
    assert result.most_recent_trial == 2 and result.label == "trd"
