"""Migration 0016 fills the stored reasons of an existing installation: after it, every patient
needs what a restage would have said."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from patients.models import Episode, Patient
from patients.services import restage
from staging.engine.inputs import SCREENING_ITEMS
from tests.factories import make_ect, make_episode, make_other_course, make_patient, make_staged_trd_patient, make_trial

# Migrating back and forth changes the schema: outside a test transaction, then flushed.
pytestmark = pytest.mark.django_db(transaction=True)

NOW = "2026-11-15 10:00:00+00:00"
BEFORE, FILLED = "0015_last_assessed_at", "0016_patient_needs"


def _clinic_of_every_case(clinic) -> list[Patient]:
    trd = make_staged_trd_patient(clinic, name="Trd")  # screening, referral, eligibility
    with_ect = make_staged_trd_patient(clinic, name="Trd With Ect")
    make_ect(Episode.objects.get(patient=with_ect), placement="right_unilateral")
    Episode.objects.filter(patient=with_ect).update(**dict.fromkeys(SCREENING_ITEMS, "screened_negative"))
    with_rtms = make_staged_trd_patient(clinic, name="Trd With Rtms")
    make_other_course(Episode.objects.get(patient=with_rtms), kind="rtms")
    one_item = make_staged_trd_patient(clinic, name="Trd One Item Left")
    screened = dict.fromkeys(SCREENING_ITEMS, "positive")
    Episode.objects.filter(patient=one_item).update(**{**screened, "ptsd": "not_screened"})
    with_psychotherapy = make_staged_trd_patient(clinic, name="Trd With Psychotherapy")
    make_other_course(Episode.objects.get(patient=with_psychotherapy), kind="psychotherapy")
    no_adherence = make_patient(clinic, name="No Adherence")
    make_trial(make_episode(no_adherence), "sertraline", 150, 8, adherence=None, improvement=60)
    no_outcome = make_patient(clinic, name="No Outcome")
    make_trial(make_episode(no_outcome), "sertraline", 150, 8, adherence=90, improvement=None)
    with_outcome = make_patient(clinic, name="Outcome Without Improvement")
    make_trial(make_episode(with_outcome), "sertraline", 150, 8, adherence=90, improvement=None, outcome="response")
    ended = make_staged_trd_patient(clinic, name="Episode Ended")
    Episode.objects.filter(patient=ended).update(ended_on=date(2026, 10, 1))
    earlier_episode = make_patient(clinic, name="Undocumented In An Earlier Episode")
    old = make_episode(earlier_episode, onset=date(2024, 1, 1), ended_on=date(2025, 1, 1))
    make_trial(old, "sertraline", 150, 8, adherence=None, improvement=None)
    make_trial(make_episode(earlier_episode), "sertraline", 150, 8, adherence=90, improvement=60)
    unstaged = make_patient(clinic, name="No Episode")
    patients = [
        trd,
        with_ect,
        with_rtms,
        one_item,
        with_psychotherapy,
        no_adherence,
        no_outcome,
        with_outcome,
        ended,
        earlier_episode,
        unstaged,
    ]
    for patient in patients:
        restage(patient)
    return patients


def _stored_needs() -> dict[str, dict[str, bool]]:
    return {row.pop("name"): row for row in Patient.objects.values("name", *Patient.NEEDS_FIELDS)}


@time_machine.travel(NOW, tick=False)
def test_the_fill_gives_every_patient_the_needs_a_restage_gives(clinic):
    _clinic_of_every_case(clinic)
    restaged = _stored_needs()
    for field in Patient.NEEDS_FIELDS:  # each reason applies to some patients and not to others
        assert {row[field] for row in restaged.values()} == {True, False}, field
    assert restaged["Trd One Item Left"]["needs_screening"] and not restaged["Trd With Ect"]["needs_screening"]
    assert restaged["Trd With Psychotherapy"]["needs_referral"] and not restaged["Trd With Rtms"]["needs_referral"]
    assert not restaged["Outcome Without Improvement"]["needs_trials"]
    assert not restaged["Undocumented In An Earlier Episode"]["needs_trials"]  # rules §1.1: current episode only
    assert not any(restaged["Episode Ended"].values()) and not any(restaged["No Episode"].values())

    call_command("migrate", "patients", BEFORE, verbosity=0)  # the columns go, the data stays
    call_command("migrate", "patients", FILLED, verbosity=0)  # added False, then filled

    assert _stored_needs() == restaged


def test_the_fill_on_an_empty_installation_changes_nothing(db):
    call_command("migrate", "patients", BEFORE, verbosity=0)
    call_command("migrate", "patients", FILLED, verbosity=0)
    assert list(Patient.objects.values_list(*Patient.NEEDS_FIELDS)) == []  # the columns are back, empty
