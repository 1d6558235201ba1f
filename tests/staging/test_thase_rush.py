"""rules §4.1: Thase–Rush stages, including the examples of the interpretation used."""

import pytest

from staging.engine import stage
from staging.engine.thase_rush import thase_rush_stage
from tests.staging.helpers import record, trial

DRUG_OF = {
    "SSRI": "sertraline",
    "SNRI": "venlafaxine",
    "TCA": "nortriptyline",
    "MAOI": "phenelzine",
    "RIMA": "moclobemide",
    "NDRI": "bupropion",
    "NaSSA": "mirtazapine",
    "SARI": "trazodone",
}


def stage_of(*classes, ect=()):
    return stage(record(*(trial(DRUG_OF[c]) for c in classes), ect=ect)).thase_rush


@pytest.mark.parametrize(
    "classes, expected",
    [
        ((), 0),
        (("SSRI",), 1),
        (("SSRI", "SNRI"), 2),
        (("SSRI", "TCA"), 2),  # rules §4.1 example: SSRI + TCA is Stage II
        (("SSRI", "MAOI", "TCA"), 3),  # rules §4.1 example: SSRI + MAOI + TCA is Stage III
        (("SSRI", "SNRI", "TCA"), 3),
        (("SSRI", "TCA", "MAOI"), 3),  # the MAOI needs two classes besides TCA and MAOI
        (("SSRI", "SNRI", "TCA", "MAOI"), 4),
        (("SSRI", "SNRI", "NDRI", "TCA", "MAOI"), 4),
        (("SSRI", "SNRI", "NDRI", "TCA", "RIMA"), 3),  # RIMA does not meet the MAOI step
        (("SSRI", "SNRI", "NDRI", "MAOI"), 2),  # no TCA: never Stage III
    ],
)
def test_stages(classes, expected):
    assert stage_of(*classes).stage == expected


def test_same_class_counts_once():
    result = stage(record(trial("sertraline"), trial("fluoxetine"), trial("citalopram")))
    assert result.thase_rush.stage == 1
    assert result.thase_rush.counted_trials == (0, 1, 2)


@pytest.mark.parametrize(
    "placement, outcome, expected",
    [
        ("bilateral", "non_response", 5),
        ("bilateral", "partial_response", 5),
        ("bilateral", "response", 4),
        ("right_unilateral", "non_response", 4),
        ("bifrontal", "non_response", 4),
    ],
)
def test_stage_v_needs_failed_bilateral_ect(placement, outcome, expected):
    result = stage_of("SSRI", "SNRI", "NDRI", "TCA", "MAOI", ect=[(placement, outcome)])
    assert result.stage == expected


def test_failed_bilateral_ect_alone_is_not_stage_v():
    assert stage_of("SSRI", "SNRI", ect=[("bilateral", "non_response")]).stage == 2


def test_explanation_and_interpretation_notes():
    result = stage_of("SSRI", "TCA")
    assert result.explanation.startswith("Stage II: failed adequate trials in 2 distinct classes (SSRI and TCA).")
    assert "Not Stage III: the TCA needs two other distinct classes besides it." in result.explanation
    notes = " ".join(result.interpretation_notes)
    assert "order is ignored" in notes and "RIMA" in notes and "bilateral" in notes
    rima = stage_of("SSRI", "SNRI", "TCA", "RIMA")
    assert "a RIMA does not count as an MAOI" in rima.explanation


def test_pure_stage_function():
    assert thase_rush_stage(frozenset({"SSRI", "SNRI", "NDRI", "TCA", "MAOI"}), True) == 5
    assert thase_rush_stage(frozenset(), True) == 0
