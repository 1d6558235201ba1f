"""What a patient's current episode still needs from the clinic: the worklist's stored reasons.

Decided when the patient is staged, from what staging has in hand (the engine input record and
its result), and stored on Patient (`needs_<reason>`, patients.services), so that the worklist
filters, sorts and pages on columns of one table at any clinic size. Pure: no Django, no clock.

The fifth reason of the worklist, `reassessment`, is not here: it falls due as the clock moves,
without any edit, so the worklist decides it from `last_assessed_at` when it is shown.
"""

from __future__ import annotations

from staging.engine.inputs import StagingInput

SCREENING, TRIALS, REFERRAL, ELIGIBILITY = "screening", "trials", "referral", "eligibility"
# The reasons stored on Patient, each as the boolean column `needs_<reason>`.
STORED_REASONS = (SCREENING, TRIALS, REFERRAL, ELIGIBILITY)
# Courses of the treatments regulatory TRD opens (rules §5): one of them, or any ECT course,
# already recorded in the episode means the referral has been made.
REFERRAL_KINDS = ("esketamine", "rtms", "vns")
# The engine's flags (rules §8, §3.1, §3.2) that say a trial's outcome or adherence is missing
UNDOCUMENTED_TRIAL_FLAGS = ("outcome_not_documented", "adherence_not_documented")


def needs(record: StagingInput | None, result: dict | None) -> frozenset[str]:
    """The STORED_REASONS that apply to a staged episode (`record` and its rules §10 `result`,
    as stored); none without a current episode."""
    if record is None or result is None:
        return frozenset()
    applies = {
        SCREENING: _screening_needed(result),
        TRIALS: any(flag["code"] in UNDOCUMENTED_TRIAL_FLAGS for flag in result["flags"]),
        REFERRAL: _referral_candidate(record, result),
        ELIGIBILITY: _eligibility_incomplete(result),
    }
    return frozenset(reason for reason, applied in applies.items() if applied)


def _screening_needed(result: dict) -> bool:
    # rules §8: the engine flags every item not screened ("not_screened:<item>"), an absent one
    # included; asked from Thase–Rush stage II on (rules §4.1)
    if (result["thase_rush"]["stage"] or 0) < 2:
        return False
    return any(flag["code"].startswith("not_screened:") for flag in result["flags"])


def _referral_candidate(record: StagingInput, result: dict) -> bool:
    # rules §5 regulatory TRD, and no course yet of a treatment it opens
    referred = bool(record.ect_courses) or any(course.kind in REFERRAL_KINDS for course in record.other_courses)
    return bool(result["classification"]["regulatory_trd"]) and not referred


def _eligibility_incomplete(result: dict) -> bool:
    # rules §12.3: a profile `incomplete` (nothing rules the treatment out, a criterion is not documented)
    return any(profile["status"] == "incomplete" for profile in result["eligibility"])
