"""Is a trial adequate? Reason codes of rules §3.2, in their order, each explained in words."""

from __future__ import annotations

from staging.engine import vocabulary
from staging.engine.catalogue import Catalogue
from staging.engine.inputs import Trial
from staging.engine.outcome import derive_outcome
from staging.engine.results import TrialAssessment
from staging.engine.text import number

MIN_WEEKS_AT_DOSE = 6  # rules §3.2 too_short
MIN_ADHERENCE_PCT = 80  # rules §3.2 low_adherence (interpretation used)

# rules §3.2: listed in this order (their words: vocabulary.ADEQUACY_REASONS)
REASON_CODES = tuple(vocabulary.ADEQUACY_REASONS)

ADHERENCE_NOTE = (
    "Interpretation used: a trial needs at least 80 % adherence to be adequate — the "
    "conventional threshold; no staging instrument publishes one. Unknown adherence does not make "
    "a trial inadequate; it is flagged as not documented (rules §3.2)."
)


class UnknownDrugError(ValueError):
    """A trial names a drug that is not in the catalogue and carries no class and minimum dose."""


def resolve_drug(trial: Trial, catalogue: Catalogue, age: int | None) -> tuple[str, float, bool, bool]:
    """(class, minimum adequate dose, 65+ column used, clinician-defined) for a trial's drug.

    rules §1.2: a catalogue drug takes its class and dose from the catalogue; any other drug must
    carry both, and is then "clinician-defined" (it has no 65+ value, rules §9).
    """
    entry = catalogue.get(trial.drug)
    if entry is not None:
        # rules §3.2 / §9: the 65+ column when age ≥ 65 and the column has a value
        if age is not None and age >= 65 and entry.min_dose_65_mg is not None:
            return entry.drug_class, entry.min_dose_65_mg, True, False
        return entry.drug_class, entry.min_dose_mg, False, False
    if trial.drug_class is None or trial.min_adequate_dose_mg is None:
        raise UnknownDrugError(
            f"{trial.drug!r} is not in the catalogue ({catalogue.ruleset_id}) and has no class and "
            "minimum adequate dose (rules §1.2)"
        )
    return trial.drug_class, trial.min_adequate_dose_mg, False, True


def inadequate_reasons(
    trial: Trial, outcome: str, minimum_dose: float, used_65_column: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(reason codes, the same reasons in words), in the order of rules §3.2."""
    codes: list[str] = []
    details: list[str] = []
    if outcome == "intolerance":  # rules §3.2 (1)
        codes.append("intolerance")
        details.append("it was stopped for adverse effects (intolerance)")
    if trial.dose_mg_per_day < minimum_dose:  # rules §3.2 (2)
        codes.append("dose_below_minimum")
        details.append(
            f"{number(trial.dose_mg_per_day)} mg/day is below the adequate {number(minimum_dose)} mg/day"
            + (" for age 65 and over" if used_65_column else "")
        )
    if trial.weeks_at_dose < MIN_WEEKS_AT_DOSE:  # rules §3.2 (3)
        codes.append("too_short")
        details.append(
            f"{number(trial.weeks_at_dose)} weeks at that dose is shorter than the {MIN_WEEKS_AT_DOSE} weeks required"
        )
    if trial.adherence_pct is not None and trial.adherence_pct < MIN_ADHERENCE_PCT:  # rules §3.2 (4)
        codes.append("low_adherence")
        details.append(f"adherence {number(trial.adherence_pct)} % is below {MIN_ADHERENCE_PCT} %")
    return tuple(codes), tuple(details)


def assess_trial(index: int, name: str, trial: Trial, catalogue: Catalogue, age: int | None) -> TrialAssessment:
    drug_class, minimum_dose, used_65_column, clinician_defined = resolve_drug(trial, catalogue, age)
    outcome = derive_outcome(trial.outcome, trial.improvement_pct)  # rules §3.1
    codes, details = inadequate_reasons(trial, outcome, minimum_dose, used_65_column)
    # the explanation and the flag quote the same clause: worded once
    reasons_text = reasons_in_words(trial.drug, codes, details) if codes else ""
    return TrialAssessment(
        index,
        name,
        trial,
        drug_class,
        clinician_defined,
        minimum_dose,
        used_65_column,
        outcome,
        codes,
        details,
        reasons_text,
    )


def reasons_in_words(drug: str, codes: tuple[str, ...], details: tuple[str, ...]) -> str:
    """ "sertraline 25 mg/day is below the adequate 50 mg/day; 4 weeks at that dose is …"."""
    return "; ".join(
        [f"{drug} {detail}" if code == "dose_below_minimum" else detail for code, detail in zip(codes, details)]
    )
