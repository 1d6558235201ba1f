"""The worklist's stored reasons (Patient.needs_*): set and cleared by the clinician's own edits,
refreshed by every restage, whether or not the staging result changed."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from patients.attestations import answer_attestation
from patients.models import Episode, Patient, StagingSnapshot
from patients.services import restage, restage_many, staging_as_of_today
from staging.engine.inputs import SCREENING_ITEMS
from tests.factories import make_episode, make_other_course, make_patient, make_staged_trd_patient, make_trial
from tests.html_forms import post_data

pytestmark = pytest.mark.django_db

NOW = "2026-11-15 10:00:00+00:00"


def needs(patient) -> set[str]:
    """The stored reasons of the patient, as the worklist reads them."""
    row = Patient.objects.values(*Patient.NEEDS_FIELDS).get(pk=patient.pk)
    return {field.removeprefix("needs_") for field, applies in row.items() if applies}


def save_page(client, name, patient, **changes):
    """Open an entry page, change some of its fields and save it, as a clinician would."""
    page_url = reverse(f"patients:{name}", args=[patient.pk])
    response = client.post(page_url, post_data(client.get(page_url).content.decode(), **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


@time_machine.travel(NOW, tick=False)
def test_screening_is_needed_from_stage_ii_until_the_episode_page_records_it(clinician_client, clinic):
    trd = make_staged_trd_patient(clinic)  # Thase–Rush stage II, nothing screened
    assert "screening" in needs(trd)

    save_page(clinician_client, "episode", trd, **dict.fromkeys(SCREENING_ITEMS, "screened_negative"))
    assert "screening" not in needs(trd)

    save_page(clinician_client, "episode", trd, thyroid_function="not_screened")  # rules §8: one item is enough
    assert "screening" in needs(trd)


@time_machine.travel(NOW, tick=False)
def test_screening_is_not_asked_below_stage_ii(clinic):
    patient = make_patient(clinic)
    make_trial(make_episode(patient), "sertraline", 150, 8, adherence=90, improvement=10)  # stage I
    restage(patient)
    assert needs(patient) & {"screening"} == set()


@time_machine.travel(NOW, tick=False)
def test_trials_need_follows_the_documentation_of_outcome_and_adherence(clinician_client, clinic):
    patient = make_patient(clinic)
    make_trial(make_episode(patient), "sertraline", 150, 8, adherence=None, improvement=10)
    restage(patient)
    assert "trials" in needs(patient)  # rules §3.2: adherence not documented

    save_page(clinician_client, "trials", patient, **{"trials-0-adherence_pct": "90"})
    assert "trials" not in needs(patient)

    save_page(clinician_client, "trials", patient, **{"trials-0-improvement_pct": "", "trials-0-outcome": ""})
    assert "trials" in needs(patient)  # rules §3.1: no outcome and no improvement

    save_page(clinician_client, "trials", patient, **{"trials-0-outcome": "non_response"})
    assert "trials" not in needs(patient)


@time_machine.travel(NOW, tick=False)
def test_referral_is_needed_until_a_course_of_what_regulatory_trd_opens(clinician_client, clinic):
    trd = make_staged_trd_patient(clinic)
    assert trd.regulatory_trd and "referral" in needs(trd)

    new_course = {"other-TOTAL_FORMS": "1", "other-0-kind": "psychotherapy", "other-0-weeks": "12"}
    save_page(clinician_client, "courses", trd, **new_course)
    assert "referral" in needs(trd)  # psychotherapy is not one of them

    save_page(clinician_client, "courses", trd, **{"other-0-kind": "esketamine"})
    assert "referral" not in needs(trd)

    ect = {"ect-TOTAL_FORMS": "1", "ect-0-electrode_placement": "right_unilateral", "ect-0-outcome": "non_response"}
    save_page(clinician_client, "courses", trd, **ect, **{"other-0-kind": "psychotherapy"})
    assert "referral" not in needs(trd)  # any ECT course

    save_page(clinician_client, "courses", trd, **{"ect-0-DELETE": "on"})
    assert "referral" in needs(trd)


@time_machine.travel(NOW, tick=False)
def test_a_change_that_leaves_the_result_alone_still_changes_the_need(clinician_client, clinic):
    trd = make_staged_trd_patient(clinic)
    make_other_course(Episode.objects.get(patient=trd), kind="psychotherapy", weeks=6, outcome="")
    restage(trd)
    trd.refresh_from_db()
    snapshot = trd.current_snapshot_id
    assert "referral" in needs(trd)

    # One course with no outcome either way: the same result (rules §6 counts a course, §12
    # does not count psychotherapy, nor an rTMS course that has no outcome yet)
    save_page(clinician_client, "courses", trd, **{"other-0-kind": "rtms"})
    trd.refresh_from_db()
    assert trd.current_snapshot_id == snapshot  # no new snapshot: the result did not change
    assert "referral" not in needs(trd)

    save_page(clinician_client, "courses", trd, **{"other-0-kind": "psychotherapy"})
    trd.refresh_from_db()
    assert trd.current_snapshot_id == snapshot
    assert "referral" in needs(trd)


@time_machine.travel(NOW, tick=False)
def test_eligibility_need_follows_the_attestation_answers(clinic, clinician):
    trd = make_staged_trd_patient(clinic)
    assert "eligibility" in needs(trd)  # rules §12.4: attestations nobody has answered yet
    answered = []
    for profile in trd.current_snapshot.result["eligibility"]:
        if profile["status"] != "incomplete":
            continue
        criterion = next(c["id"] for c in profile["criteria"] if c["role"] == "require" and c["kind"] == "attestation")
        answer_attestation(trd, profile["profile"], criterion, False, clinician)  # rules §12.3: not eligible
        answered.append((profile["profile"], criterion))
    assert answered and "eligibility" not in needs(trd)

    profile, criterion = answered[0]
    answer_attestation(trd, profile, criterion, None, clinician)  # left open again
    assert "eligibility" in needs(trd)


@time_machine.travel(NOW, tick=False)
def test_without_a_current_episode_nothing_is_needed(clinician_client, clinic):
    trd = make_staged_trd_patient(clinic)
    make_trial(Episode.objects.get(patient=trd), "citalopram", 40, 8, adherence=None, improvement=None)
    restage(trd)
    assert needs(trd) == {"screening", "trials", "referral", "eligibility"}

    Episode.objects.filter(patient=trd).update(ended_on=date(2026, 10, 1))
    restage(trd)
    assert needs(trd) == set()


@time_machine.travel(NOW, tick=False)
def test_a_new_episode_leaves_the_old_ones_needs_behind(clinician_client, clinic):
    trd = make_staged_trd_patient(clinic)
    make_trial(Episode.objects.get(patient=trd), "citalopram", 40, 8, adherence=None, improvement=None)
    restage(trd)
    episode_page = reverse("patients:episode_new", args=[trd.pk])
    changes = {"ended_on": "2026-10-01", "new-onset": "2026-11-01", "new-severity": "moderate"}
    response = clinician_client.post(
        episode_page, post_data(clinician_client.get(episode_page).content.decode(), **changes)
    )
    assert response.status_code == 302
    # rules §1.1: only the current episode is staged; it has no trial yet
    assert needs(trd) & {"screening", "trials", "referral"} == set()


def test_every_restage_refreshes_the_needs_even_when_the_result_is_unchanged(clinic):
    with time_machine.travel(NOW, tick=False):
        patients = [make_staged_trd_patient(clinic) for _ in range(3)]
        expected = needs(patients[0])
        Patient.objects.update(**dict.fromkeys(Patient.NEEDS_FIELDS, False))  # as a row written before
        snapshots = StagingSnapshot.objects.count()

        assert not restage(patients[0], clinical_change=False)  # the same result
        assert needs(patients[0]) == expected
        assert restage_many([patients[1].pk]) == (1, 0)  # recompute_staging: staged, none changed
        assert needs(patients[1]) == expected
        assert StagingSnapshot.objects.count() == snapshots
    with time_machine.travel("2026-11-16 08:00:00+00:00", tick=False):
        staging_as_of_today(patients[2])  # the first view on a new day restages
        assert needs(patients[2]) == expected
