"""rules §3.1: outcome from improvement, agreement."""

import pytest

from staging.engine.outcome import derive_outcome, disagreement, outcome_agrees, outcome_from_improvement


@pytest.mark.parametrize(
    "improvement, expected",
    [
        (100, "response"),
        (50, "response"),
        (49.9, "partial_response"),
        (25, "partial_response"),
        (24.9, "non_response"),
        (0, "non_response"),
        (-40, "non_response"),
    ],
)
def test_outcome_from_improvement_boundaries(improvement, expected):
    assert outcome_from_improvement(improvement) == expected
    assert derive_outcome(None, improvement) == expected


def test_absent_outcome_and_improvement_is_unknown():
    assert derive_outcome(None, None) == "unknown"


def test_explicit_outcome_wins_when_it_agrees():
    assert derive_outcome("remission", 80) == "remission"
    assert derive_outcome("intolerance", None) == "intolerance"


@pytest.mark.parametrize(
    "outcome, improvement, agrees",
    [
        ("remission", 50, True),
        ("remission", 49.9, False),
        ("response", 50, True),
        ("response", 49.9, False),
        ("partial_response", 25, True),
        ("partial_response", 49.9, True),
        ("partial_response", 24.9, False),
        ("partial_response", 50, False),
        ("non_response", 24.9, True),
        ("non_response", 25, False),
        ("intolerance", -10, True),
        ("intolerance", 90, True),
    ],
)
def test_agreement(outcome, improvement, agrees):
    assert outcome_agrees(outcome, improvement) is agrees
    assert (disagreement(outcome, improvement) is None) is agrees


def test_disagreement_message_names_both_values():
    message = disagreement("response", 30)
    assert "'response'" in message and "improvement_pct 30" in message and "partial_response" in message
