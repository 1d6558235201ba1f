"""MGH staging, MGH-S (Fava 2003), rules §4.3."""

from __future__ import annotations

from collections.abc import Sequence

from staging.engine.inputs import EctCourse
from staging.engine.results import MghResult, TrialResult
from staging.engine.thase_rush import failed_ect

OPTIMISED_WEEKS = 12  # rules §4.3 duration optimised (interpretation used)
FAILED_ECT_POINTS = 3

INTERPRETATION_NOTES = (
    "Interpretation used: a trial's dose is optimised when it is above the drug's minimum adequate "
    "dose (rules §9, the 65+ column when it applies), and its duration is optimised at 12 weeks or "
    "more at that dose; Fava 2003 leaves both thresholds open (rules §4.3).",
)


def trial_points(trial: TrialResult) -> tuple[float, list[str]]:
    """1 point per counted trial, + 0.5 for each optimisation (rules §4.3), with the reasons."""
    points = 1.0
    parts = ["1"]
    if trial.trial.dose_mg_per_day > trial.min_adequate_dose_mg:
        points += 0.5
        parts.append("0.5 dose above minimum")
    if trial.trial.weeks_at_dose >= OPTIMISED_WEEKS:
        points += 0.5
        parts.append(f"0.5 for {OPTIMISED_WEEKS}+ weeks")
    if trial.trial.augmentation:
        points += 0.5
        parts.append("0.5 augmented")
    return points, parts


def stage_mgh(
    counted: Sequence[TrialResult], counted_indices: tuple[int, ...], ect_courses: Sequence[EctCourse], summary: str
) -> MghResult:
    score = 0.0
    pieces = []
    for trial in counted:
        points, parts = trial_points(trial)
        score += points
        pieces.append(f"{trial.name} {' + '.join(parts)} = {points:.1f}")
    if any(failed_ect(course) for course in ect_courses):
        score += FAILED_ECT_POINTS  # once, however many courses failed
        pieces.append(f"failed ECT + {FAILED_ECT_POINTS}")
    score = round(score, 1)
    detail = "; ".join(pieces) if pieces else "no counted trial and no failed ECT"
    explanation = f"Score {score:.1f} ({detail}). {summary}"
    return MghResult(score, counted_indices, explanation, INTERPRETATION_NOTES)
