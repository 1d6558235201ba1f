"""patients.needs: the worklist's stored reasons from an engine input and its result (pure)."""

from __future__ import annotations

from patients.needs import ELIGIBILITY, REFERRAL, SCREENING, TRIALS, needs
from staging.engine import stage
from staging.engine.inputs import SCREENING_ITEMS, EctCourse, OtherCourse
from staging.engine.interchange import result_to_dict
from staging.site import configured_catalogue, configured_profiles
from tests.staging.helpers import ALL_SCREENED, record, trial

FAILED = (trial("sertraline"), trial("venlafaxine"))  # two failed adequate trials: stage II, regulatory TRD


def staged_needs(staging_input):
    return needs(staging_input, result_to_dict(stage(staging_input, configured_catalogue(), configured_profiles())))


def test_without_a_current_episode_nothing_is_needed():
    assert needs(None, None) == frozenset()


def test_screening_from_stage_ii_on_an_absent_item_counting_as_not_screened():
    # rules §8: an absent item is not screened
    assert SCREENING in staged_needs(record(*FAILED, screening=ALL_SCREENED[1:]))
    assert SCREENING in staged_needs(
        record(*FAILED, screening=ALL_SCREENED[1:] + ((SCREENING_ITEMS[0], "not_screened"),))
    )
    assert SCREENING not in staged_needs(record(*FAILED, screening=ALL_SCREENED))
    positive = tuple((item, "positive") for item in SCREENING_ITEMS)  # screened, though positive
    assert SCREENING not in staged_needs(record(*FAILED, screening=positive))
    assert SCREENING not in staged_needs(record(trial("sertraline"), screening=()))  # stage I (rules §4.1)


def test_a_trial_is_undocumented_without_adherence_or_without_outcome_and_improvement():
    assert TRIALS in staged_needs(record(trial(adherence=None)))  # rules §3.2
    assert TRIALS in staged_needs(record(trial(outcome=None, improvement=None)))  # rules §3.1
    assert TRIALS not in staged_needs(record(trial(outcome=None, improvement=10)))
    assert TRIALS not in staged_needs(record(trial(outcome="response", improvement=None)))
    assert TRIALS not in staged_needs(record())


def test_referral_until_an_ect_course_or_a_course_of_esketamine_rtms_or_vns():
    assert REFERRAL in staged_needs(record(*FAILED))
    assert REFERRAL in staged_needs(record(*FAILED, other=("psychotherapy", "ketamine")))
    for kind in ("esketamine", "rtms", "vns"):
        assert REFERRAL not in staged_needs(record(*FAILED, other=(OtherCourse(kind),))), kind  # no outcome yet
    assert REFERRAL not in staged_needs(record(*FAILED, ect=(EctCourse("right_unilateral", "response"),)))
    assert REFERRAL not in staged_needs(record(trial("sertraline")))  # rules §5: one failure is not regulatory TRD


def test_eligibility_when_a_profile_is_incomplete():
    staging_input = record(*FAILED)
    result = result_to_dict(stage(staging_input, configured_catalogue(), configured_profiles()))
    # rules §12.4: esketamine's contraindications are an attestation nobody has answered yet
    assert "incomplete" in {profile["status"] for profile in result["eligibility"]}
    assert ELIGIBILITY in needs(staging_input, result)
    decided = [{**profile, "status": "not_eligible"} for profile in result["eligibility"]]
    assert ELIGIBILITY not in needs(staging_input, {**result, "eligibility": decided})
