"""A trial's outcome, explicit or derived from the improvement (rules §3.1)."""

from __future__ import annotations

from staging.engine import vocabulary
from staging.engine.text import number

UNKNOWN = vocabulary.UNKNOWN_OUTCOME
RESPONSE_MIN_PCT = 50  # rules §3.1: ≥ 50 → response
PARTIAL_RESPONSE_MIN_PCT = 25  # rules §3.1: 25 ≤ x < 50 → partial_response

OUTCOME_WORDS = {code: term.sentence for code, term in vocabulary.OUTCOMES.items()}


def outcome_from_improvement(improvement_pct: float) -> str:
    # rules §3.1
    if improvement_pct >= RESPONSE_MIN_PCT:
        return "response"
    if improvement_pct >= PARTIAL_RESPONSE_MIN_PCT:
        return "partial_response"
    return "non_response"


def derive_outcome(outcome: str | None, improvement_pct: float | None) -> str:
    """The explicit outcome when given, else the one the improvement implies, else "unknown"."""
    if outcome is not None:
        return outcome
    if improvement_pct is None:
        return UNKNOWN  # rules §3.1: listed, never counted, flagged
    return outcome_from_improvement(improvement_pct)


def outcome_agrees(outcome: str, improvement_pct: float) -> bool:
    """rules §3.1: `remission` agrees with ≥ 50, `intolerance` with anything."""
    if outcome == "intolerance":
        return True
    implied = outcome_from_improvement(improvement_pct)
    if outcome == "remission":
        return implied == "response"
    return outcome == implied


def disagreement(outcome: str | None, improvement_pct: float | None) -> str | None:
    """Why an explicit outcome and an improvement disagree, in words; None when they agree."""
    if outcome is None or improvement_pct is None or outcome_agrees(outcome, improvement_pct):
        return None
    implied = outcome_from_improvement(improvement_pct)
    bands = {
        "response": "50 % or more",
        "partial_response": "25 % to under 50 %",
        "non_response": "under 25 %",
    }
    return (
        f"outcome {outcome!r} disagrees with improvement_pct {number(improvement_pct)} "
        f"({bands[implied]} is {implied}; rules §3.1)"
    )
