"""The engine's results: frozen, slotted dataclasses (rules §7, §10).

Trials are referred to by their 0-based index in the input (`trials[i]` of rules §10) and, in
words, by drug name ("sertraline", or "sertraline #2" when a drug is tried more than once).
`staging.engine.serialising.result_to_dict` turns a StagingResult into the §10 JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from staging.engine.inputs import Trial

# rules §3.3: the outcomes that make an adequate trial a failure
FAILED_OUTCOMES = frozenset({"non_response", "partial_response"})


@dataclass(frozen=True, slots=True)
class TrialAssessment:
    """One trial judged on its own (rules §3.1, §3.2), before trials are compared (§3.3)."""

    index: int
    name: str  # "sertraline" or "sertraline #2"
    trial: Trial
    drug_class: str
    clinician_defined: bool
    min_adequate_dose_mg: float
    used_65_column: bool
    outcome: str  # an outcome of rules §1.2, or "unknown"
    inadequate_reasons: tuple[str, ...]  # codes, in the order of rules §3.2
    reason_details: tuple[str, ...]  # the same reasons in words
    reasons_text: str  # the same reasons as one clause (adequacy.reasons_in_words); "" when adequate

    @property
    def adequate(self) -> bool:
        return not self.inadequate_reasons

    @property
    def failed_adequate(self) -> bool:
        return not self.inadequate_reasons and self.outcome in FAILED_OUTCOMES


@dataclass(frozen=True, slots=True)
class TrialResult:
    index: int
    name: str
    drug: str
    drug_class: str
    clinician_defined: bool
    min_adequate_dose_mg: float
    used_65_column: bool
    adequate: bool
    inadequate_reasons: tuple[str, ...]
    reason_details: tuple[str, ...]
    reasons_text: str  # "sertraline 25 mg/day is below …; 4 weeks at that dose is …"; "" when adequate
    outcome: str
    counted: bool
    not_counted_reason: str | None  # short words, e.g. "dose below minimum (…)"; None when counted
    explanation: str
    trial: Trial


@dataclass(frozen=True, slots=True)
class ThaseRushResult:
    stage: int
    counted_trials: tuple[int, ...]
    explanation: str
    interpretation_notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MaudsleyItems:
    duration: int
    severity: int
    antidepressants: int
    augmentation: int
    ect: int

    @property
    def total(self) -> int:
        return self.duration + self.severity + self.antidepressants + self.augmentation + self.ect


@dataclass(frozen=True, slots=True)
class MaudsleyResult:
    applicable: bool
    total: int | None
    category: str | None
    items: MaudsleyItems | None
    counted_trials: tuple[int, ...]
    explanation: str
    interpretation_notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MghResult:
    score: float
    counted_trials: tuple[int, ...]
    explanation: str
    interpretation_notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClassificationResult:
    label: str
    regulatory_trd: bool
    regulatory_trd_trials: tuple[int, ...]
    chronic: bool
    most_recent_trial: int | None
    explanation: str
    interpretation_notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DtdResult:
    met: bool
    reasons: tuple[str, ...]
    complexity_factors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Flag:
    """One entry of "Before concluding resistance" (rules §8)."""

    code: str
    message: str
    trial: int | None = None


# The eligibility results are named tuples, not frozen dataclasses: a record evaluates about 30
# criteria, and building a 9-field frozen dataclass (object.__setattr__ per field) measured
# 4.2 µs against 1.1 µs for the named tuple — about 90 µs per record of `manage.py stage`.
class Evidence(NamedTuple):
    """0-based indices, ascending, into the record's lists (rules §12.2)."""

    trials: tuple[int, ...] = ()
    ect_courses: tuple[int, ...] = ()
    other_courses: tuple[int, ...] = ()
    scale_scores: tuple[int, ...] = ()


NO_EVIDENCE = Evidence()


class CriterionResult(NamedTuple):
    """One §12.2 criterion evaluated: met, not_met or not_documented, with its evidence."""

    id: str
    role: str | None  # None for an item of an any_of
    kind: str
    state: str
    text: str
    note: str | None  # the profile's interpretation used, shown with the criterion
    explanation: str
    evidence: Evidence
    items: tuple = ()  # an any_of's items (CriterionResult), evaluated


class EligibilityResult(NamedTuple):
    """One profile evaluated (rules §12.3), with what identifies the profile it applied."""

    profile: str
    version: str
    title: str
    treatment: str
    issuer: str
    source_title: str
    source_date: str
    source_url: str
    checked_on: str
    status: str  # eligible, not_eligible or incomplete
    explanation: str
    criteria: tuple[CriterionResult, ...]


@dataclass(frozen=True, slots=True)
class StagingResult:
    ruleset: str
    trials: tuple[TrialResult, ...]
    thase_rush: ThaseRushResult
    maudsley: MaudsleyResult
    mgh: MghResult
    classification: ClassificationResult
    dtd: DtdResult
    flags: tuple[Flag, ...]
    eligibility: tuple[EligibilityResult, ...] = ()  # rules §12, in profile order
