"""Builders for the eligibility tests: one-criterion profiles staged against a record."""

from __future__ import annotations

from dataclasses import replace

from staging.engine import stage
from staging.engine.eligibility import Profiles
from staging.engine.eligibility.profiles import parse_profile
from staging.engine.results import CriterionResult, EligibilityResult


def profile_document(*criteria: dict, profile_id: str = "test-profile") -> dict:
    return {
        "id": profile_id,
        "version": "1",
        "title": "Test profile",
        "treatment": "other",
        "issuer": "Test issuer",
        "source": {"title": "Test source", "date": "2026-01-01", "url": "https://example.org/source"},
        "checked_on": "2026-12-02",
        "criteria": list(criteria),
    }


def profiles_of(*documents: dict) -> Profiles:
    parsed = []
    for index, document in enumerate(documents):
        profile, errors = parse_profile(document, f"{index:02d}.json")
        assert errors == [], errors
        parsed.append(profile)
    return Profiles(parsed)


def evaluate_profile(record, *criteria: dict, attestations=None) -> EligibilityResult:
    """The one test profile of `criteria`, staged against `record` (with `attestations`)."""
    if attestations is not None:
        record = replace(record, attestations=tuple(attestations.items()))
    [result] = stage(record, profiles=profiles_of(profile_document(*criteria))).eligibility
    return result


def evaluate_criterion(record, criterion: dict, attestations=None) -> CriterionResult:
    criterion = {"id": "c", "role": "require", "text": "Test wording.", **criterion}
    return evaluate_profile(record, criterion, attestations=attestations).criteria[0]
