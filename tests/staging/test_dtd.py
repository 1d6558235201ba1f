"""rules §6: difficult-to-treat depression, each way, and complexity factors."""

from datetime import date

import pytest

from staging.engine import stage
from staging.engine.inputs import SCREENING_ITEMS
from tests.staging.helpers import record, trial


def dtd(*trials, **kwargs):
    return stage(record(*trials, **kwargs)).dtd


def test_met_with_an_adequate_trial_and_moderate_severity():
    result = dtd(trial(outcome="response"), severity="moderate")
    assert result.met
    assert result.reasons == ("Treatment was made: 1 adequate trial.", "Burden persists: severity moderate.")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"severity": "mild", "functional_impairment": "moderate"},
        {"severity": "mild", "functional_impairment": "severe"},
        {"severity": "severe_psychotic"},
        {"severity": "mild", "onset": date(2021, 1, 1), "assessed_on": date(2024, 1, 2)},
    ],
)
def test_each_burden_is_enough(kwargs):
    assert dtd(trial(), **kwargs).met


@pytest.mark.parametrize(
    "kwargs",
    [
        {"severity": "mild"},
        {"severity": "subsyndromal", "functional_impairment": "mild"},
        {"severity": "mild", "functional_impairment": "none"},
    ],
)
def test_not_met_without_burden(kwargs):
    result = dtd(trial(), **kwargs)
    assert not result.met
    assert result.reasons[1].startswith("No persisting burden")


@pytest.mark.parametrize(
    "kwargs, met",
    [
        ({}, False),
        ({"ect": [("bifrontal", "response")]}, True),
        ({"other": ["psychotherapy"]}, True),
    ],
)
def test_treatment_can_be_ect_or_another_course(kwargs, met):
    result = dtd(trial(dose=5), severity="severe", **kwargs)  # the only trial is inadequate
    assert result.met is met
    if not met:
        assert result.reasons[0].startswith("No treatment counts yet")


def test_inadequate_trials_are_not_treatment_but_adequate_any_outcome_is():
    assert not dtd(trial(weeks=2), severity="severe").met
    assert dtd(trial(outcome="remission"), severity="severe").met


def test_complexity_factors():
    screening = (("bipolar_spectrum", "positive"),) + tuple(
        (item, "screened_negative") for item in SCREENING_ITEMS if item not in ("bipolar_spectrum", "vitamin_d")
    )  # vitamin_d absent → not screened
    result = dtd(
        trial("sertraline", outcome="intolerance"),
        trial("venlafaxine", outcome="intolerance"),
        comorbidities=("anxiety", "ptsd"),
        psychosocial_stressors=True,
        screening=screening,
        onset=date(2020, 1, 1),
        assessed_on=date(2024, 1, 1),
    )
    assert result.complexity_factors == (
        "comorbidity: anxiety",
        "comorbidity: PTSD",
        "psychosocial stressors",
        "bipolar spectrum screened positive",
        "vitamin D not screened",
        "chronic episode (more than 24 months)",
        "2 trials stopped for adverse effects (sertraline, venlafaxine)",
    )


def test_one_intolerance_is_not_a_complexity_factor():
    assert dtd(trial(outcome="intolerance")).complexity_factors == ()
