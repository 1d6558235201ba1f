"""rules §3.2: adequacy, reason codes in order, words, 65+ column, clinician-defined drugs."""

import pytest

from staging.engine import stage
from staging.engine.adequacy import REASON_CODES, UnknownDrugError, resolve_drug
from staging.engine.catalogue import default_catalogue
from tests.staging.helpers import record, trial


def judged(t, age=40):
    return stage(record(t, age=age)).trials[0]


@pytest.mark.parametrize("weeks, adequate", [(5.9, False), (6, True)])
def test_six_weeks_boundary(weeks, adequate):
    result = judged(trial(weeks=weeks))
    assert result.adequate is adequate
    assert result.inadequate_reasons == (() if adequate else ("too_short",))
    if not adequate:
        assert "5.9 weeks at that dose is shorter than the 6 weeks required" in result.explanation


@pytest.mark.parametrize("adherence, adequate", [(79.9, False), (80, True), (None, True)])
def test_80_percent_adherence_boundary(adherence, adequate):
    result = judged(trial(adherence=adherence))
    assert result.adequate is adequate
    if not adequate:
        assert result.inadequate_reasons == ("low_adherence",)
        assert "adherence 79.9 % is below 80 %" in result.explanation


def test_dose_below_minimum_explained_in_words():
    result = judged(trial("sertraline", dose=25))
    assert result.inadequate_reasons == ("dose_below_minimum",)
    assert "sertraline 25 mg/day is below the adequate 50 mg/day" in result.explanation
    assert judged(trial("sertraline", dose=50)).adequate


@pytest.mark.parametrize(
    "age, dose, adequate, minimum",
    [
        (64, 25, False, 50),
        (64, 50, True, 50),
        (65, 25, True, 25),
        (65, 24, False, 25),
        (None, 25, False, 50),
    ],
)
def test_age_64_vs_65_uses_the_65_column(age, dose, adequate, minimum):
    result = judged(trial("sertraline", dose=dose), age=age)
    assert result.adequate is adequate
    assert result.min_adequate_dose_mg == minimum


def test_a_drug_without_a_65_value_keeps_its_minimum_at_65():
    result = judged(trial("bupropion", dose=200), age=80)
    assert result.min_adequate_dose_mg == 300 and result.inadequate_reasons == ("dose_below_minimum",)
    assert judged(trial("bupropion", dose=300), age=80).adequate


def test_65_column_is_named_in_the_explanation():
    result = judged(trial("sertraline", dose=20), age=70)
    assert "sertraline 20 mg/day is below the adequate 25 mg/day for age 65 and over" in result.explanation


def test_all_reasons_in_the_specified_order():
    result = judged(trial("venlafaxine", dose=75, weeks=2, adherence=50, outcome="intolerance"))
    assert result.inadequate_reasons == REASON_CODES
    assert result.inadequate_reasons == ("intolerance", "dose_below_minimum", "too_short", "low_adherence")
    assert not result.adequate and not result.counted


def test_intolerance_alone_makes_a_trial_inadequate():
    result = judged(trial(outcome="intolerance"))
    assert result.inadequate_reasons == ("intolerance",)


def test_clinician_defined_drug_uses_its_own_class_and_dose():
    result = judged(trial("esmirtazapine", dose=20, drug_class="NaSSA", min_adequate_dose_mg=15), age=70)
    assert result.clinician_defined and result.drug_class == "NaSSA" and result.min_adequate_dose_mg == 15
    assert result.adequate and result.counted
    assert "Clinician-defined drug (NaSSA, minimum adequate dose 15 mg/day)" in result.explanation
    low = judged(trial("esmirtazapine", dose=10, drug_class="NaSSA", min_adequate_dose_mg=15))
    assert low.inadequate_reasons == ("dose_below_minimum",)
    assert "esmirtazapine 10 mg/day is below the adequate 15 mg/day" in low.explanation


def test_catalogue_drug_ignores_stray_class_and_dose():
    resolved = resolve_drug(trial("sertraline", drug_class="TCA", min_adequate_dose_mg=1), default_catalogue(), 40)
    assert resolved == ("SSRI", 50, False, False)


def test_unknown_drug_without_class_is_refused():
    with pytest.raises(UnknownDrugError, match="not in the catalogue"):
        stage(record(trial("nodrug", dose=10)))
