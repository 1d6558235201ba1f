"""Thase–Rush staging (Thase & Rush 1997), as set out in rules §4.1."""

from __future__ import annotations

from collections.abc import Sequence

from staging.engine.inputs import EctCourse
from staging.engine.results import FAILED_OUTCOMES, ThaseRushResult, TrialResult
from staging.engine.text import join_words
from staging.engine.vocabulary import THASE_RUSH_STAGES

INTERPRETATION_NOTES = (
    "Interpretation used: the model describes a sequence of treatments; here the order is ignored "
    "and each class counts once, so the TCA (Stage III) and the MAOI (Stage IV) must come on top "
    "of two other distinct classes: SSRI + TCA is Stage II; SSRI + MAOI + TCA is Stage III "
    "(rules §4.1).",
    "Interpretation used: a RIMA (moclobemide) does not meet the MAOI step of Stage IV (rules §4.1).",
    "Interpretation used: only a failed bilateral ECT course meets Stage V; right unilateral or "
    "bifrontal ECT does not (rules §4.1).",
)


def failed_ect(course: EctCourse) -> bool:
    # rules §1.3: a course failed when its outcome is non_response or partial_response
    return course.outcome in FAILED_OUTCOMES


def thase_rush_stage(classes: frozenset[str] | set[str], failed_bilateral_ect: bool) -> int:
    """The highest stage that holds for the classes of the counted trials (rules §4.1)."""
    if not classes:
        return 0
    stage = 1 if len(classes) < 2 else 2
    if "TCA" in classes and len(classes - {"TCA"}) >= 2:
        stage = 3
        if "MAOI" in classes and len(classes - {"TCA", "MAOI"}) >= 2:
            stage = 4
            if failed_bilateral_ect:
                stage = 5
    return stage


def stage_thase_rush(
    counted: Sequence[TrialResult], counted_indices: tuple[int, ...], ect_courses: Sequence[EctCourse], summary: str
) -> ThaseRushResult:
    classes = frozenset(trial.drug_class for trial in counted)
    failed_bilateral = any(course.electrode_placement == "bilateral" and failed_ect(course) for course in ect_courses)
    stage = thase_rush_stage(classes, failed_bilateral)
    class_list = join_words(sorted(classes))
    if stage == 0:
        headline = "Stage 0: no failed adequate trial is counted."
    elif stage == 1:
        headline = f"Stage I: failed adequate trials in one class ({class_list})."
    elif stage == 2:
        headline = f"Stage II: failed adequate trials in {len(classes)} distinct classes ({class_list})."
    elif stage == 3:
        headline = f"Stage III: a failed TCA on top of two other distinct classes ({class_list})."
    elif stage == 4:
        headline = f"Stage IV: a failed MAOI and a failed TCA on top of two other distinct classes ({class_list})."
    else:
        headline = f"Stage V: Stage IV ({class_list}) and a failed bilateral ECT course."
    why_not_higher = _why_not_higher(stage, classes, failed_bilateral, ect_courses)
    explanation = " ".join(part for part in (headline, why_not_higher, summary) if part)
    return ThaseRushResult(stage, counted_indices, explanation, INTERPRETATION_NOTES)


def _why_not_higher(stage: int, classes, failed_bilateral: bool, ect_courses) -> str:
    if stage == 2:
        if "TCA" not in classes:
            return "Not Stage III: no failed TCA is counted."
        return "Not Stage III: the TCA needs two other distinct classes besides it."
    if stage == 3:
        if "MAOI" not in classes:
            extra = " (a RIMA does not count as an MAOI)" if "RIMA" in classes else ""
            return f"Not Stage IV: no failed MAOI is counted{extra}."
        return "Not Stage IV: the MAOI and the TCA need two other distinct classes besides them."
    if stage == 4:
        if ect_courses:
            return "Not Stage V: no failed bilateral ECT course (unilateral or bifrontal ECT, or ECT that did not fail, does not count)."
        return "Not Stage V: no ECT course is recorded."
    return ""


def stage_name(stage: int) -> str:
    return THASE_RUSH_STAGES[stage].label
