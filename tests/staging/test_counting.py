"""rules §3.3: counted trials — one per drug, highest dose, first on ties."""

from staging.engine import stage
from tests.staging.helpers import record, trial


def test_drug_tried_twice_counts_the_highest_dose():
    result = stage(record(trial("sertraline", dose=100), trial("sertraline", dose=200)))
    assert [t.counted for t in result.trials] == [False, True]
    assert [t.name for t in result.trials] == ["sertraline #1", "sertraline #2"]
    assert result.trials[0].not_counted_reason == "same drug as sertraline #2, higher dose (200 mg/day) counted"
    assert result.thase_rush.counted_trials == (1,)


def test_drug_tried_twice_at_the_same_dose_counts_the_first():
    result = stage(record(trial("sertraline", dose=100, weeks=12), trial("sertraline", dose=100)))
    assert [t.counted for t in result.trials] == [True, False]
    assert "same dose, the earlier trial counted" in result.trials[1].explanation
    assert result.mgh.score == 2.0  # the first (12 weeks, dose above minimum) is the one scored


def test_an_inadequate_higher_dose_does_not_displace_the_adequate_one():
    result = stage(record(trial("sertraline", dose=100), trial("sertraline", dose=200, weeks=3)))
    assert [t.counted for t in result.trials] == [True, False]


def test_responses_and_unknown_outcomes_are_never_counted():
    result = stage(
        record(
            trial("sertraline", outcome="response"),
            trial("fluoxetine", outcome=None, improvement=None),
            trial("citalopram", outcome="remission"),
            trial("venlafaxine", outcome="partial_response"),
        )
    )
    assert [t.counted for t in result.trials] == [False, False, False, True]
    assert result.trials[1].outcome == "unknown"
    assert result.trials[1].adequate  # unknown outcome does not make it inadequate, only uncounted
    assert "outcome not documented" in result.thase_rush.explanation


def test_explanations_name_counted_and_ignored_trials():
    result = stage(record(trial("sertraline"), trial("venlafaxine"), trial("fluoxetine", dose=10)))
    expected = (
        "Counted: sertraline (SSRI), venlafaxine (SNRI). Not counted: fluoxetine — dose below minimum "
        "(10 mg/day is below the adequate 20 mg/day)."
    )
    for explanation in (
        result.thase_rush.explanation,
        result.maudsley.explanation,
        result.mgh.explanation,
        result.classification.explanation,
    ):
        assert expected in explanation
