"""Properties of rules §12 (hypothesis), over the records the engine's own property tests draw."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from staging.engine import stage
from staging.engine.eligibility import default_profiles
from staging.engine.inputs import Trial
from staging.engine.interchange import result_to_dict
from tests.staging.eligibility_helpers import profile_document, profiles_of
from tests.staging.test_properties import CATALOGUE, DRUGS, records

ATTESTATION_KEYS = sorted(default_profiles().attestation_keys)

failed_trials_criteria = st.fixed_dictionaries(
    {
        "id": st.just("failures"),
        "role": st.just("require"),
        "kind": st.just("failed_trials"),
        "text": st.just("Failed trials."),
        "min": st.integers(min_value=1, max_value=4),
        "distinct": st.sampled_from(["drug", "class"]),
        "min_weeks": st.sampled_from([6, 8, 12]),
        "include_intolerance": st.booleans(),
    }
)


def failed_adequate_trial(drug: str, weeks: float, outcome: str) -> Trial:
    return Trial(drug, CATALOGUE.get(drug).min_dose_mg * 2, weeks, 100, None, outcome)


@given(
    records(),
    failed_trials_criteria,
    st.sampled_from(DRUGS),
    st.sampled_from([6, 8, 12, 20]),
    st.sampled_from(["non_response", "partial_response"]),
)
def test_adding_a_failed_adequate_trial_never_unmeets_failed_trials(record, criterion, drug, weeks, outcome):
    profiles = profiles_of(profile_document(criterion))
    before = stage(record, profiles=profiles).eligibility[0].criteria[0]
    longer = replace(record, trials=record.trials + (failed_adequate_trial(drug, weeks, outcome),))
    after = stage(longer, profiles=profiles).eligibility[0].criteria[0]
    if before.state == "met":
        assert after.state == "met"
    assert not (before.state == "not_documented" and after.state == "not_met")


@given(records(), st.dictionaries(st.sampled_from(ATTESTATION_KEYS), st.booleans()))
def test_a_profile_is_not_eligible_whenever_a_require_criterion_is_not_met(record, attestations):
    result = stage(replace(record, attestations=tuple(attestations.items())))
    for profile in result.eligibility:
        required = [criterion.state for criterion in profile.criteria if criterion.role == "require"]
        if "not_met" in required:
            assert profile.status == "not_eligible"
        if profile.status == "eligible":
            assert set(required) == {"met"}


@given(records(), st.dictionaries(st.sampled_from(ATTESTATION_KEYS), st.booleans()))
def test_evidence_indices_point_into_the_record(record, attestations):
    output = result_to_dict(stage(replace(record, attestations=tuple(attestations.items()))))
    sizes = {
        "trials": len(record.trials),
        "ect_courses": len(record.ect_courses),
        "other_courses": len(record.other_courses),
        "scale_scores": len(record.scale_scores),
    }
    for profile in output["eligibility"]:
        for criterion in profile["criteria"]:
            for name, indices in criterion["evidence"].items():
                assert all(0 <= index < sizes[name] for index in indices)
