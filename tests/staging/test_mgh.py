"""rules §4.3: MGH-S points and bonuses."""

import pytest

from staging.engine import stage
from tests.staging.helpers import record, trial


def test_one_plain_counted_trial_scores_1():
    assert stage(record(trial("sertraline", dose=50, weeks=8))).mgh.score == 1.0


@pytest.mark.parametrize(
    "kwargs, score",
    [
        ({"dose": 51}, 1.5),  # dose above the minimum
        ({"dose": 50}, 1.0),  # at the minimum: not optimised
        ({"weeks": 12}, 1.5),
        ({"weeks": 11.9}, 1.0),
        ({"augmentation": ["lithium"]}, 1.5),
        ({"dose": 200, "weeks": 16, "augmentation": ["quetiapine"]}, 2.5),
    ],
)
def test_bonuses(kwargs, score):
    kwargs = {"dose": 50, "weeks": 8, **kwargs}
    assert stage(record(trial("sertraline", **kwargs))).mgh.score == score


def test_every_bonus_and_failed_ect_once():
    result = stage(
        record(
            trial("sertraline", dose=200, weeks=12, augmentation=["lithium"]),
            trial("venlafaxine", dose=150, weeks=6),
            ect=[("right_unilateral", "non_response"), ("bilateral", "partial_response"), ("bilateral", "response")],
        )
    ).mgh
    assert result.score == 2.5 + 1.0 + 3.0
    assert "failed ECT + 3" in result.explanation
    assert "sertraline 1 + 0.5 dose above minimum + 0.5 for 12+ weeks + 0.5 augmented = 2.5" in result.explanation
    assert result.counted_trials == (0, 1)


def test_successful_ect_adds_nothing_and_no_trial_scores_zero():
    assert stage(record(ect=[("bilateral", "response")])).mgh.score == 0.0
    assert stage(record(ect=[("bilateral", "non_response")])).mgh.score == 3.0


def test_65_column_minimum_is_the_one_optimised_against():
    assert stage(record(trial("sertraline", dose=30), age=70)).mgh.score == 1.5
    assert stage(record(trial("sertraline", dose=30), age=64)).trials[0].adequate is False


def test_interpretation_note_covers_both_thresholds():
    note = " ".join(stage(record(trial())).mgh.interpretation_notes)
    assert "above the drug's minimum adequate dose" in note and "12 weeks or more" in note
