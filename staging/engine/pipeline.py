"""The staging engine: one record of the current episode in, every instrument out (rules §3–§8).

`stage` is a pure function of its input and the catalogue: no I/O, no clock, no Django. It is
called per patient by the web app and 100,000 times in a row by `manage.py stage`, so work done
once per record (the counting summary shared by every explanation, the catalogue look-up) is
not repeated per instrument.
"""

from __future__ import annotations

from staging.engine.adequacy import assess_trial
from staging.engine.catalogue import Catalogue, default_catalogue
from staging.engine.classification import classify, is_chronic
from staging.engine.counting import count_trials, counting_summary, display_names
from staging.engine.dtd import stage_dtd
from staging.engine.eligibility import Profiles, default_profiles, evaluate_profiles
from staging.engine.flags import compute_flags
from staging.engine.inputs import StagingInput
from staging.engine.maudsley import stage_maudsley
from staging.engine.mgh import stage_mgh
from staging.engine.outcome import OUTCOME_WORDS, UNKNOWN
from staging.engine.results import StagingResult, TrialAssessment, TrialResult
from staging.engine.text import number
from staging.engine.thase_rush import stage_thase_rush

__all__ = ["stage"]


def stage(record: StagingInput, catalogue: Catalogue | None = None, profiles: Profiles | None = None) -> StagingResult:
    """Stage one record. The record must be valid (staging.engine.interchange.validation_errors):
    a drug neither in the catalogue nor clinician-defined raises adequacy.UnknownDrugError.
    `profiles` are the eligibility profiles to evaluate (rules §12; default: the shipped ones)."""
    if catalogue is None:
        catalogue = default_catalogue()
    if profiles is None:
        profiles = default_profiles()
    age = record.age
    trials = record.trials
    names = display_names(trials)
    assessments = [assess_trial(index, names[index], trial, catalogue, age) for index, trial in enumerate(trials)]
    counted_flags, reasons = count_trials(assessments)  # rules §3.3
    trial_results = tuple(
        _trial_result(assessment, counted, reason)
        for assessment, counted, reason in zip(assessments, counted_flags, reasons)
    )
    counted = tuple(trial for trial in trial_results if trial.counted)
    counted_indices = tuple(trial.index for trial in counted)  # immutable: shared by the instruments
    summary = counting_summary(trial_results)  # rules §7, shared by every instrument
    chronic = is_chronic(record.episode.onset, record.assessed_on)
    return StagingResult(
        ruleset=catalogue.ruleset_id,
        trials=trial_results,
        thase_rush=stage_thase_rush(counted, counted_indices, record.ect_courses, summary),
        maudsley=stage_maudsley(record, trial_results, counted, counted_indices, summary),
        mgh=stage_mgh(counted, counted_indices, record.ect_courses, summary),
        classification=classify(trial_results, counted, counted_indices, chronic, summary),
        dtd=stage_dtd(record, trial_results, chronic),
        flags=compute_flags(record, trial_results),
        eligibility=evaluate_profiles(record, trial_results, profiles),  # rules §12
    )


def _trial_result(assessment: TrialAssessment, counted: bool, not_counted_reason: str | None) -> TrialResult:
    trial = assessment.trial
    # The explanation's sentences: adequacy, outcome, counting
    if assessment.inadequate_reasons:
        adequacy = f"Not adequate: {assessment.reasons_text}."
    else:
        adherence = (
            "adherence not documented" if trial.adherence_pct is None else f"adherence {number(trial.adherence_pct)} %"
        )
        adequacy = (
            f"Adequate: {number(trial.dose_mg_per_day)} mg/day (minimum {number(assessment.min_adequate_dose_mg)} mg/day"
            f"{' for age 65 and over' if assessment.used_65_column else ''}) for {number(trial.weeks_at_dose)} weeks, "
            f"{adherence}."
        )
    if assessment.clinician_defined:
        adequacy = (
            f"Clinician-defined drug ({assessment.drug_class}, minimum adequate dose "
            f"{number(assessment.min_adequate_dose_mg)} mg/day). {adequacy}"
        )
    outcome = assessment.outcome
    if outcome == UNKNOWN:
        outcome_text = "Outcome not documented (no outcome and no improvement recorded)."
    elif trial.outcome is None:
        outcome_text = f"Outcome: {OUTCOME_WORDS[outcome]} ({number(trial.improvement_pct)} % improvement)."
    else:
        outcome_text = f"Outcome: {OUTCOME_WORDS[outcome]}."
    if counted:
        counting = "Counted as a failed adequate trial."
    elif assessment.inadequate_reasons:
        counting = "Not counted."
    else:
        counting = f"Not counted: {not_counted_reason}."
    return TrialResult(
        assessment.index,
        assessment.name,
        trial.drug,
        assessment.drug_class,
        assessment.clinician_defined,
        assessment.min_adequate_dose_mg,
        assessment.used_65_column,
        not assessment.inadequate_reasons,
        assessment.inadequate_reasons,
        assessment.reason_details,
        assessment.reasons_text,
        outcome,
        counted,
        not_counted_reason,
        f"{adequacy} {outcome_text} {counting}",
        trial,
    )
