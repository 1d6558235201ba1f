"""TRD / PRD classification (Sforzini et al. 2022), regulatory TRD (FDA/EMA) and chronicity, rules §5."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from staging.engine import vocabulary
from staging.engine.adequacy import ADHERENCE_NOTE
from staging.engine.calendar import add_months
from staging.engine.outcome import OUTCOME_WORDS
from staging.engine.results import ClassificationResult, TrialResult
from staging.engine.text import join_words, plural

CHRONIC_MONTHS = 24  # rules §5: chronic when assessed_on > onset + 24 months

INTERPRETATION_NOTES = (
    # rules §3.2 marks the 80 % adherence threshold as an interpretation used; it decides which
    # trials are adequate, so it travels with the label those trials decide
    ADHERENCE_NOTE,
    "Interpretation used: the most recent trial is the one with the latest start date when every "
    "trial has one (the later in input order on equal dates), otherwise the last trial entered "
    "(rules §5).",
    "Interpretation used: regulatory TRD counts every counted trial — no response or partial "
    "response, i.e. under 50 % improvement — as a trial without response (rules §5).",
)


def is_chronic(onset: date, assessed_on: date) -> bool:
    # rules §5 chronic; same calendar-month arithmetic as rules §4.2
    return assessed_on > add_months(onset, CHRONIC_MONTHS)


def most_recent_trial(trials: Sequence[TrialResult]) -> tuple[int | None, bool]:
    """(index of the most recent trial, whether dates decided it) — rules §5."""
    if not trials:
        return None, False
    if any(trial.trial.started_on is None for trial in trials):
        return trials[-1].index, False
    latest = max(trials, key=lambda trial: (trial.trial.started_on, trial.index))  # ties: the later entered
    return latest.index, True


def classify(
    trials: Sequence[TrialResult],
    counted: Sequence[TrialResult],
    counted_indices: tuple[int, ...],
    chronic: bool,
    summary: str,
) -> ClassificationResult:
    recent_index, by_date = most_recent_trial(trials)
    recent = trials[recent_index] if recent_index is not None else None
    non_responders = [trial for trial in counted if trial.outcome == "non_response"]
    partial = [trial for trial in counted if trial.outcome == "partial_response"]
    # rules §5: exactly one label, first match wins
    if recent is not None and recent.outcome == "remission":
        label, why = "remission", f"the most recent trial ({recent.name}) ended in remission."
    elif recent is not None and recent.outcome == "response":
        label, why = "responding", f"the most recent trial ({recent.name}) ended in response."
    elif len(non_responders) >= 2:
        label = "trd"
        why = (
            f"{plural(len(non_responders), 'counted trial')} without response (under 25 % improvement): "
            f"{join_words([trial.name for trial in non_responders])}."
        )
    elif partial:
        label = "prd"
        why = f"partial response in a counted trial: {join_words([trial.name for trial in partial])}."
    elif len(counted) == 1:
        label, why = "single_failure", f"one counted failed adequate trial ({counted[0].name})."
    else:
        label, why = "not_staged", "no failed adequate trial is counted."
    parts = [f"{vocabulary.LABELS[label].label}: {why}"]
    if recent is not None:
        how = "latest start date" if by_date else "last entered; not every trial has a start date"
        parts.append(f"Most recent trial: {recent.name} ({how}), outcome {OUTCOME_WORDS[recent.outcome]}.")
    regulatory = len(counted) >= 2  # rules §5: |F| ≥ 2
    if regulatory:
        parts.append(
            "Regulatory TRD (FDA/EMA): yes — adequate trials of "
            f"{len(counted)} different antidepressants without response: {join_words([t.name for t in counted])}."
        )
    else:
        parts.append(
            "Regulatory TRD (FDA/EMA): no — it needs adequate trials of 2 different antidepressants "
            f"without response; {len(counted)} counted."
        )
    parts.append(
        "Chronic: yes (more than 24 months since onset)." if chronic else "Chronic: no (24 months or less since onset)."
    )
    parts.append(summary)
    return ClassificationResult(
        label,
        regulatory,
        counted_indices if regulatory else (),
        chronic,
        recent_index,
        " ".join(parts),
        INTERPRETATION_NOTES,
    )
