"""Difficult-to-treat depression (McAllister-Williams et al. 2020), rules §6.

Reported alongside the §5 label, never instead of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from staging.engine import vocabulary
from staging.engine.inputs import StagingInput
from staging.engine.results import DtdResult, TrialResult
from staging.engine.text import join_words, plural

BURDEN_SEVERITIES = frozenset({"moderate", "severe", "severe_psychotic"})  # "moderate or worse"
BURDEN_IMPAIRMENTS = frozenset({"moderate", "severe"})


def stage_dtd(record: StagingInput, trials: Sequence[TrialResult], chronic: bool) -> DtdResult:
    episode = record.episode
    # rules §6 (1): some treatment was made
    adequate = sum(1 for trial in trials if trial.adequate)
    treatments = []
    if adequate:
        treatments.append(plural(adequate, "adequate trial"))
    if record.ect_courses:
        treatments.append(plural(len(record.ect_courses), "ECT course"))
    if record.other_courses:
        treatments.append(plural(len(record.other_courses), "other treatment course"))
    treated = bool(treatments)
    # rules §6 (2): burden persists
    burden = []
    severity_words = vocabulary.SEVERITIES[episode.severity].sentence
    if episode.severity in BURDEN_SEVERITIES:
        burden.append(f"severity {severity_words}")
    if episode.functional_impairment in BURDEN_IMPAIRMENTS:
        burden.append(
            f"{vocabulary.FUNCTIONAL_IMPAIRMENTS[episode.functional_impairment].sentence} functional impairment"
        )
    if chronic:
        burden.append("chronic episode (more than 24 months)")
    reasons = []
    if treated:
        reasons.append(f"Treatment was made: {join_words(treatments)}.")
    else:
        reasons.append("No treatment counts yet: no adequate trial (any outcome), no ECT course and no other course.")
    if burden:
        reasons.append(f"Burden persists: {join_words(burden)}.")
    else:
        impairment = vocabulary.sentence(
            vocabulary.FUNCTIONAL_IMPAIRMENTS, episode.functional_impairment, "not recorded"
        )
        reasons.append(
            f"No persisting burden: severity {severity_words}, functional impairment "
            f"{impairment}, episode not chronic (it needs moderate or worse, or chronic)."
        )
    return DtdResult(treated and bool(burden), tuple(reasons), complexity_factors(record, trials, chronic))


def complexity_factors(record: StagingInput, trials: Sequence[TrialResult], chronic: bool) -> tuple[str, ...]:
    """Listed, not required (rules §6)."""
    episode = record.episode
    factors = [f"comorbidity: {vocabulary.COMORBIDITIES[item].sentence}" for item in episode.comorbidities]
    if episode.psychosocial_stressors:
        factors.append("psychosocial stressors")
    statuses = dict(episode.screening)
    for item, term in vocabulary.SCREENING_ITEMS.items():  # in rules §8 order
        status = statuses.get(item, "not_screened")  # rules §8: absent items are not_screened
        if status in ("not_screened", "positive"):
            factors.append(f"{term.sentence} {vocabulary.SCREENING_STATUSES[status].sentence}")
    if chronic:
        factors.append("chronic episode (more than 24 months)")
    intolerant = [trial.name for trial in trials if trial.outcome == "intolerance"]
    if len(intolerant) >= 2:
        factors.append(f"{len(intolerant)} trials stopped for adverse effects ({', '.join(intolerant)})")
    return tuple(factors)
