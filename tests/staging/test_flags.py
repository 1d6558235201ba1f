"""rules §8 "Before concluding resistance" and the flags of §3.1 / §3.2."""

from staging.engine import stage
from staging.engine.inputs import SCREENING_ITEMS
from tests.staging.helpers import record, trial


def test_every_absent_item_is_not_screened():
    flags = stage(record(screening=())).flags
    assert [flag.code for flag in flags] == [f"not_screened:{item}" for item in SCREENING_ITEMS]
    assert flags[2].message == "Vitamin B12 not screened."
    assert all(flag.trial is None for flag in flags)


def test_positive_and_explicit_not_screened_items():
    screening = tuple((item, "screened_negative") for item in SCREENING_ITEMS[2:])
    screening += (("bipolar_spectrum", "positive"), ("thyroid_function", "not_screened"))
    flags = stage(record(screening=screening)).flags
    assert [(flag.code, flag.message) for flag in flags] == [
        ("positive:bipolar_spectrum", "Bipolar spectrum screened positive."),
        ("not_screened:thyroid_function", "Thyroid function not screened."),
    ]


def test_trial_flags():
    result = stage(
        record(
            trial("sertraline", dose=25, weeks=4),
            trial("venlafaxine", adherence=None),
            trial("bupropion", outcome=None, improvement=None),
        )
    )
    assert [(flag.code, flag.trial) for flag in result.flags] == [
        ("inadequate_trial", 0),
        ("adherence_not_documented", 1),
        ("outcome_not_documented", 2),
    ]
    assert result.flags[0].message == (
        "sertraline was not an adequate trial: sertraline 25 mg/day is below the adequate 50 mg/day; "
        "4 weeks at that dose is shorter than the 6 weeks required."
    )
    assert "Adherence not documented for venlafaxine" in result.flags[1].message
    assert "Outcome not documented for bupropion" in result.flags[2].message
    assert not result.trials[2].counted and result.trials[2].outcome == "unknown"


def test_clean_record_has_no_flags():
    assert stage(record(trial())).flags == ()
