"""A profile's status from its criteria (rules §12.3), and the sentence that says why."""

from __future__ import annotations

from collections.abc import Sequence

from staging.engine.eligibility.criteria import MET, NOT_DOCUMENTED, NOT_MET
from staging.engine.results import CriterionResult

ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE = "eligible", "not_eligible", "incomplete"


def profile_status(criteria: Sequence[CriterionResult]) -> str:
    """not_eligible when a require criterion is not met or an exclude criterion is met; else
    eligible when every require is met and every exclude not met; else incomplete."""
    requires = [criterion.state for criterion in criteria if criterion.role == "require"]
    excludes = [criterion.state for criterion in criteria if criterion.role == "exclude"]
    if NOT_MET in requires or MET in excludes:
        return NOT_ELIGIBLE
    if all(state == MET for state in requires) and all(state == NOT_MET for state in excludes):
        return ELIGIBLE
    return INCOMPLETE


def _ids(criteria: Sequence[CriterionResult]) -> str:
    return ", ".join([criterion.id for criterion in criteria])


def status_explanation(status: str, criteria: Sequence[CriterionResult]) -> str:
    """Names the criteria that decide the status (not met, or not documented) and every met caution."""
    if status == NOT_ELIGIBLE:
        not_met = [c for c in criteria if c.role == "require" and c.state == NOT_MET]
        excluded = [c for c in criteria if c.role == "exclude" and c.state == MET]
        parts = []
        if not_met:
            parts.append(f"required but not met: {_ids(not_met)}")
        if excluded:
            parts.append(f"excluded by: {_ids(excluded)}")
        text = "Not eligible — " + "; ".join(parts) + "."
    elif status == INCOMPLETE:
        open_ = [c for c in criteria if c.role in ("require", "exclude") and c.state == NOT_DOCUMENTED]
        text = f"Incomplete — not documented: {_ids(open_)}."
    else:
        text = "Eligible — every required criterion is met and no exclusion applies."
    cautions = [c for c in criteria if c.role == "caution" and c.state == MET]
    if cautions:
        text += f" Caution: {_ids(cautions)}."
    return text
