"""Maudsley Staging Method (Fekadu et al. 2009; Fekadu, Donocik & Cleare 2018), rules §4.2."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from staging.engine import vocabulary
from staging.engine.calendar import add_months
from staging.engine.inputs import StagingInput
from staging.engine.results import MaudsleyItems, MaudsleyResult, TrialResult
from staging.engine.text import plural

# rules §4.2 severity item
SEVERITY_POINTS = {"subsyndromal": 1, "mild": 2, "moderate": 3, "severe": 4, "severe_psychotic": 5}

INTERPRETATION_NOTES = (
    "Interpretation used: duration is at most 12 (or 24) months when the assessment date is on or "
    "before the onset date plus 12 (or 24) calendar months; a day that does not exist in the target "
    "month maps to that month's last day (31 January + 1 month = 28 or 29 February) (rules §4.2).",
    "Interpretation used: the antidepressants item counts the counted trials (one failed adequate "
    "trial per distinct drug); the augmentation item counts an augmentation agent in any trial of the "
    "episode, counted or not (rules §4.2).",
)
NOT_APPLICABLE_NOTE = "Not applicable without a counted trial: the antidepressants item has no zero level (rules §4.2)."


def duration_points(onset: date, assessed_on: date) -> int:
    # rules §4.2: ≤ 12 months / ≤ 24 months / > 24 months → 1 / 2 / 3
    if assessed_on <= add_months(onset, 12):
        return 1
    if assessed_on <= add_months(onset, 24):
        return 2
    return 3


def antidepressant_points(counted_trials: int) -> int:
    # rules §4.2: counted trials 1–2 / 3–4 / 5–6 / 7–10 / > 10 → 1 / 2 / 3 / 4 / 5
    if counted_trials <= 2:
        return 1
    if counted_trials <= 4:
        return 2
    if counted_trials <= 6:
        return 3
    if counted_trials <= 10:
        return 4
    return 5


def category(total: int) -> str:
    # rules §4.2: mild 3–6, moderate 7–10, severe 11–15
    if total <= 6:
        return "mild"
    if total <= 10:
        return "moderate"
    return "severe"


def stage_maudsley(
    record: StagingInput,
    trials: Sequence[TrialResult],
    counted: Sequence[TrialResult],
    counted_indices: tuple[int, ...],
    summary: str,
) -> MaudsleyResult:
    if not counted:
        return MaudsleyResult(
            False,
            None,
            None,
            None,
            counted_indices,
            f"Not applicable: no failed adequate trial is counted, and the antidepressants item has no zero level. {summary}",
            INTERPRETATION_NOTES + (NOT_APPLICABLE_NOTE,),
        )
    episode = record.episode
    augmented = [trial.name for trial in trials if trial.trial.augmentation]
    items = MaudsleyItems(
        duration=duration_points(episode.onset, record.assessed_on),
        severity=SEVERITY_POINTS[episode.severity],
        antidepressants=antidepressant_points(len(counted)),
        augmentation=1 if augmented else 0,
        ect=1 if record.ect_courses else 0,
    )
    total = items.total
    band = category(total)
    explanation = (
        f"Total {total} ({band}; mild 3–6, moderate 7–10, severe 11–15): "
        # The assessment date is not in the sentence: the result is "as of" it wherever it is
        # shown, and a result that reads the same tomorrow is not stored again (rules §1.1).
        f"duration {items.duration} (onset {episode.onset.isoformat()}, "
        f"{vocabulary.MAUDSLEY_DURATIONS[items.duration].sentence} before the assessment); "
        f"severity {items.severity} ({vocabulary.SEVERITIES[episode.severity].sentence}); "
        f"antidepressants {items.antidepressants} ({plural(len(counted), 'counted trial')}); "
        f"augmentation {items.augmentation} ("
        + (f"augmented: {', '.join(augmented)}" if augmented else "no augmentation")
        + f"); ECT {items.ect} ("
        + (plural(len(record.ect_courses), "ECT course") if record.ect_courses else "no ECT")
        + f"). {summary}"
    )
    return MaudsleyResult(True, total, band, items, counted_indices, explanation, INTERPRETATION_NOTES)
