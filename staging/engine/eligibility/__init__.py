"""Treatment eligibility profiles (rules §12): each profile's criteria evaluated against a record.

- `profiles`: the profile files, read and validated (data, like the catalogue);
- `criteria`: one function per criterion kind (rules §12.2);
- `status`: a profile's status and its explanation (rules §12.3).

`evaluate_profiles` runs after the trials are judged (§3), because `failed_trials` and
`failed_treatments` read adequacy and counting; `eligibility_to_dict` is its §10 JSON.
"""

from __future__ import annotations

from collections.abc import Sequence

from staging.engine.eligibility.criteria import Facts, evaluate
from staging.engine.eligibility.profiles import Profile, ProfileError, Profiles, default_profiles, load_profiles
from staging.engine.eligibility.status import profile_status, status_explanation
from staging.engine.inputs import StagingInput
from staging.engine.results import CriterionResult, EligibilityResult, TrialResult

__all__ = [
    "ProfileError",
    "Profiles",
    "default_profiles",
    "eligibility_to_dict",
    "evaluate_profile",
    "evaluate_profiles",
    "load_profiles",
]


def evaluate_profile(profile: Profile, facts: Facts) -> EligibilityResult:
    criteria = tuple([evaluate(criterion, facts) for criterion in profile.criteria])
    status = profile_status(criteria)
    return EligibilityResult(
        profile.id,
        profile.version,
        profile.title,
        profile.treatment,
        profile.issuer,
        profile.source_title,
        profile.source_date,
        profile.source_url,
        profile.checked_on.isoformat(),
        status,
        status_explanation(status, criteria),
        criteria,
    )


def evaluate_profiles(
    record: StagingInput, trials: Sequence[TrialResult], profiles: Profiles
) -> tuple[EligibilityResult, ...]:
    """Every profile, in profile order (rules §12.1)."""
    if not len(profiles):
        return ()
    facts = Facts(record, tuple(trials), dict(record.attestations))
    return tuple([evaluate_profile(profile, facts) for profile in profiles])


def _criterion_to_dict(criterion: CriterionResult) -> dict:
    evidence = criterion.evidence
    return {
        "id": criterion.id,
        "role": criterion.role,
        "kind": criterion.kind,
        "state": criterion.state,
        "text": criterion.text,
        "note": criterion.note,
        "explanation": criterion.explanation,
        "evidence": {
            "trials": list(evidence.trials),
            "ect_courses": list(evidence.ect_courses),
            "other_courses": list(evidence.other_courses),
            "scale_scores": list(evidence.scale_scores),
        },
        "items": [_criterion_to_dict(item) for item in criterion.items] if criterion.items else [],
    }


def eligibility_to_dict(results: Sequence[EligibilityResult]) -> list[dict]:
    """rules §10 `eligibility`, with the profile's issuer, source and checked_on (what a
    prior-authorisation request cites) and each criterion's kind, note and any_of items."""
    return [
        {
            "profile": result.profile,
            "version": result.version,
            "title": result.title,
            "treatment": result.treatment,
            "issuer": result.issuer,
            "source": {"title": result.source_title, "date": result.source_date, "url": result.source_url},
            "checked_on": result.checked_on,
            "status": result.status,
            "explanation": result.explanation,
            "criteria": [_criterion_to_dict(criterion) for criterion in result.criteria],
        }
        for result in results
    ]
