"""Which failed adequate trials are counted (rules §3.3): one per drug, the highest dose."""

from __future__ import annotations

from collections.abc import Sequence

from staging.engine import vocabulary
from staging.engine.inputs import Trial
from staging.engine.outcome import OUTCOME_WORDS, UNKNOWN
from staging.engine.results import TrialAssessment, TrialResult
from staging.engine.text import number


def display_names(trials: Sequence[Trial]) -> tuple[str, ...]:
    """Drug names, numbered in input order ("sertraline #2") only when a drug repeats."""
    drugs = [trial.drug for trial in trials]
    if len(set(drugs)) == len(drugs):  # the usual case: no drug repeats
        return tuple(drugs)
    repeats: dict[str, int] = {}  # plain dicts: a Counter costs more to build than these few trials
    for drug in drugs:
        repeats[drug] = repeats.get(drug, 0) + 1
    seen: dict[str, int] = {}
    names = []
    for drug in drugs:
        if repeats[drug] > 1:
            seen[drug] = number_of_this_trial = seen.get(drug, 0) + 1
            names.append(f"{drug} #{number_of_this_trial}")
        else:
            names.append(drug)
    return tuple(names)


def not_counted_reason(assessment: TrialAssessment) -> str | None:
    """Why a trial is not a failed adequate trial, in short words; None when it is one."""
    if assessment.inadequate_reasons:
        words = vocabulary.ADEQUACY_REASONS
        return "; ".join(
            [
                words[code].sentence if code == "intolerance" else f"{words[code].sentence} ({detail})"
                for code, detail in zip(assessment.inadequate_reasons, assessment.reason_details)
            ]
        )
    if assessment.outcome == UNKNOWN:
        return "outcome not documented"
    if assessment.outcome not in ("non_response", "partial_response"):
        return f"outcome {OUTCOME_WORDS[assessment.outcome]}, not a failure"
    return None


def count_trials(assessments: Sequence[TrialAssessment]) -> tuple[tuple[bool, ...], tuple[str | None, ...]]:
    """(counted?, reason when not counted) per trial, in input order (rules §3.3).

    Among one drug's failed adequate trials the highest dose is counted. On equal doses the
    earlier trial: by `started_on` when every trial of the episode has one, so that re-ordering
    fully dated trials never changes a result; otherwise (and on equal dates) by input order —
    the strict comparisons below keep the one met first.
    """
    reasons = [not_counted_reason(assessment) for assessment in assessments]
    all_dated = all(assessment.trial.started_on is not None for assessment in assessments)
    best_for_drug: dict[str, TrialAssessment] = {}
    for assessment, reason in zip(assessments, reasons):
        if reason is None:
            drug = assessment.trial.drug
            best = best_for_drug.get(drug)
            if best is None:
                best_for_drug[drug] = assessment
                continue
            dose, best_dose = assessment.trial.dose_mg_per_day, best.trial.dose_mg_per_day
            if dose > best_dose or (
                dose == best_dose and all_dated and assessment.trial.started_on < best.trial.started_on
            ):
                best_for_drug[drug] = assessment
    counted = [False] * len(assessments)
    for best in best_for_drug.values():
        counted[best.index] = True
    for assessment in assessments:
        if reasons[assessment.index] is None and not counted[assessment.index]:
            best = best_for_drug[assessment.trial.drug]
            if best.trial.dose_mg_per_day > assessment.trial.dose_mg_per_day:
                why = f"higher dose ({number(best.trial.dose_mg_per_day)} mg/day) counted"
            else:
                why = "same dose, the earlier trial counted"
            reasons[assessment.index] = f"same drug as {best.name}, {why}"
    return tuple(counted), tuple(reasons)


def counting_summary(trials: Sequence[TrialResult]) -> str:
    """rules §7: which trials counted and which were ignored, and why (shared by every instrument)."""
    if not trials:
        return "No antidepressant trial is recorded in the current episode."
    counted = [f"{trial.name} ({trial.drug_class})" for trial in trials if trial.counted]
    ignored = [f"{trial.name} — {trial.not_counted_reason}" for trial in trials if not trial.counted]
    text = "Counted: " + (", ".join(counted) if counted else "none") + "."
    if ignored:
        text += " Not counted: " + "; ".join(ignored) + "."
    return text
