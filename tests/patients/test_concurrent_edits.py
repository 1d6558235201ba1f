"""Two clinicians edit the same record: the second save is refused and overwrites nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from patients.models import Episode, Trial
from tests.factories import make_episode, make_patient, make_trial
from tests.html_forms import opened, post_data, save_after_the_other


@pytest.fixture
def patient(clinic):
    return make_patient(clinic)


@pytest.fixture
def episode(patient):
    return make_episode(patient)


def _save_after_the_other_clinician(two_clinicians, name, patient, changes: dict, other_changes: dict):
    """Both clinicians open the patient's page `name`; the second saves, then the first."""
    return save_after_the_other(two_clinicians, reverse(f"patients:{name}", args=[patient.pk]), changes, other_changes)


@pytest.mark.django_db
def test_a_trial_saved_by_someone_else_meanwhile_is_not_overwritten(two_clinicians, patient, episode):
    trial = make_trial(episode, "sertraline", 100, 8, improvement=10)
    response = _save_after_the_other_clinician(
        two_clinicians, "trials", patient, {"trials-0-dose_mg_per_day": "200"}, {"trials-0-dose_mg_per_day": "150"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The sertraline trial was changed by someone else after you opened this page" in page
    assert 'value="200"' in page, "what the first clinician typed is still on the page"
    trial.refresh_from_db()
    assert trial.dose_mg_per_day == Decimal("150")
    assert trial.version == 2


@pytest.mark.django_db
def test_removing_a_trial_someone_else_changed_is_refused(two_clinicians, patient, episode):
    make_trial(episode, "sertraline", 100, 8, improvement=10)
    response = _save_after_the_other_clinician(
        two_clinicians, "trials", patient, {"trials-0-DELETE": "on"}, {"trials-0-adherence_pct": "90"}
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert Trial.objects.filter(episode=episode).count() == 1


@pytest.mark.django_db
def test_a_stale_row_is_refused_even_when_this_clinician_did_not_touch_it(two_clinicians, patient, episode):
    """Saving the page would write the old values back over the other clinician's edit."""
    make_trial(episode, "sertraline", 100, 8, improvement=10)
    new_row = {
        "trials-TOTAL_FORMS": "2",
        "trials-1-drug": "venlafaxine",
        "trials-1-dose_mg_per_day": "225",
        "trials-1-weeks_at_dose": "8",
        "trials-1-improvement_pct": "10",
    }
    response = _save_after_the_other_clinician(
        two_clinicians, "trials", patient, new_row, {"trials-0-adherence_pct": "90"}
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert [t.drug for t in Trial.objects.filter(episode=episode)] == ["sertraline"]
    assert Trial.objects.get().adherence_pct == Decimal("90")


@pytest.mark.django_db
def test_an_episode_saved_by_someone_else_meanwhile_is_not_overwritten(two_clinicians, patient, episode):
    response = _save_after_the_other_clinician(
        two_clinicians, "episode", patient, {"severity": "mild"}, {"severity": "severe"}
    )
    assert response.status_code == 200
    assert "The episode was changed by someone else" in response.content.decode()
    episode.refresh_from_db()
    assert (episode.severity, episode.version) == ("severe", 2)
    patient.refresh_from_db()
    assert patient.current_snapshot.input["episode"]["severity"] == "severe"
    assert Episode.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db
def test_patient_details_saved_by_someone_else_meanwhile_are_not_overwritten(two_clinicians, patient):
    response = _save_after_the_other_clinician(
        two_clinicians, "edit", patient, {"name": "Alex First"}, {"name": "Alex Second"}
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    patient.refresh_from_db()
    assert patient.name == "Alex Second"


@pytest.mark.django_db
def test_one_clinician_saving_twice_in_a_row_is_not_a_conflict(two_clinicians, patient, episode):
    make_trial(episode, "sertraline", 100, 8, improvement=10)
    first, _ = two_clinicians
    url = reverse("patients:trials", args=[patient.pk])
    assert first.post(url, post_data(opened(first, url), **{"trials-0-dose_mg_per_day": "150"})).status_code == 302
    assert first.post(url, post_data(opened(first, url), **{"trials-0-dose_mg_per_day": "200"})).status_code == 302
    assert Trial.objects.get().dose_mg_per_day == Decimal("200")
