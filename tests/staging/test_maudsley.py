"""rules §4.2: Maudsley Staging Method — items, not applicable, month arithmetic, category bounds."""

from datetime import date

import pytest

from staging.engine import stage
from staging.engine.calendar import add_months
from staging.engine.maudsley import antidepressant_points, category, duration_points
from tests.staging.helpers import record, trial


def test_not_applicable_without_a_counted_trial():
    result = stage(record(trial(dose=10), ect=[("bilateral", "non_response")])).maudsley
    assert (result.applicable, result.total, result.category, result.items) == (False, None, None, None)
    assert result.explanation.startswith("Not applicable: no failed adequate trial is counted")


@pytest.mark.parametrize(
    "onset, months, expected",
    [
        (date(2024, 1, 31), 12, date(2025, 1, 31)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 24, date(2026, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2023, 3, 31), 11, date(2024, 2, 29)),
        (date(2023, 3, 31), 12, date(2024, 3, 31)),
        (date(2023, 5, 31), 1, date(2023, 6, 30)),
        (date(2023, 12, 15), 1, date(2024, 1, 15)),
    ],
)
def test_calendar_months_clamp_to_the_month_end(onset, months, expected):
    assert add_months(onset, months) == expected


@pytest.mark.parametrize(
    "onset, assessed_on, points",
    [
        (date(2024, 1, 31), date(2025, 1, 31), 1),  # exactly 12 months
        (date(2024, 1, 31), date(2025, 2, 1), 2),
        (date(2024, 1, 31), date(2026, 1, 31), 2),  # exactly 24 months
        (date(2024, 1, 31), date(2026, 2, 1), 3),
        (date(2024, 2, 29), date(2025, 2, 28), 1),  # Feb 29 + 12 months = Feb 28
        (date(2024, 2, 29), date(2025, 3, 1), 2),
        (date(2024, 2, 29), date(2026, 2, 28), 2),
        (date(2024, 2, 29), date(2026, 3, 1), 3),
        (date(2023, 3, 31), date(2024, 3, 31), 1),
        (date(2023, 3, 31), date(2024, 4, 1), 2),
        (date(2024, 6, 1), date(2024, 6, 1), 1),
    ],
)
def test_duration_12_and_24_months_with_month_end_onsets(onset, assessed_on, points):
    assert duration_points(onset, assessed_on) == points


@pytest.mark.parametrize("count, points", [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (10, 4), (11, 5)])
def test_antidepressant_item(count, points):
    assert antidepressant_points(count) == points


@pytest.mark.parametrize(
    "total, expected", [(3, "mild"), (6, "mild"), (7, "moderate"), (10, "moderate"), (11, "severe"), (15, "severe")]
)
def test_category_boundaries(total, expected):
    assert category(total) == expected


def _msm(severity, *, months=6, trials=1, augmented=False, ect=False):
    drugs = [
        "sertraline",
        "venlafaxine",
        "nortriptyline",
        "phenelzine",
        "bupropion",
        "mirtazapine",
        "trazodone",
        "vortioxetine",
        "agomelatine",
        "reboxetine",
        "duloxetine",
    ][:trials]
    made = [trial(drug) for drug in drugs]
    if augmented:
        made[0] = trial(drugs[0], augmentation=["lithium"])
    return stage(
        record(
            *made,
            onset=date(2020, 1, 1),
            assessed_on=add_months(date(2020, 1, 1), months),
            severity=severity,
            ect=[("right_unilateral", "response")] if ect else (),
        )
    ).maudsley


def test_msm_boundary_6_mild_7_moderate():
    six = _msm("moderate", months=13, trials=1, augmented=False)  # 2 + 3 + 1
    assert (six.total, six.category) == (6, "mild")
    seven = _msm("moderate", months=13, trials=1, augmented=True)  # 2 + 3 + 1 + 1
    assert (seven.total, seven.category) == (7, "moderate")
    assert seven.items.augmentation == 1


def test_msm_boundary_10_moderate_11_severe():
    ten = _msm("severe", months=30, trials=3, augmented=True)  # 3 + 4 + 2 + 1
    assert (ten.total, ten.category) == (10, "moderate")
    eleven = _msm("severe", months=30, trials=3, augmented=True, ect=True)  # + ECT 1
    assert (eleven.total, eleven.category) == (11, "severe")
    assert eleven.items.ect == 1  # any ECT course counts, whatever its outcome


def test_msm_extremes_3_and_15():
    low = _msm("subsyndromal", months=1, trials=1)
    assert low.total == 3 and low.category == "mild"
    high = _msm("severe_psychotic", months=40, trials=11, augmented=True, ect=True)
    assert (high.items.duration, high.items.severity, high.items.antidepressants) == (3, 5, 5)
    assert high.total == 15 and high.category == "severe"


def test_augmentation_of_an_uncounted_trial_counts():
    result = stage(record(trial("sertraline"), trial("fluoxetine", dose=5, augmentation=["aripiprazole"]))).maudsley
    assert result.items.augmentation == 1
    assert "augmented: fluoxetine" in result.explanation


def test_explanation_lists_every_item():
    result = _msm("moderate", months=13, trials=1, augmented=True)
    assert result.explanation.startswith("Total 7 (moderate; mild 3–6, moderate 7–10, severe 11–15): duration 2")
    assert "severity 3 (moderate)" in result.explanation
    assert any("calendar months" in note for note in result.interpretation_notes)
