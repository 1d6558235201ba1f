"""Two clinicians edit the same record: the second save is refused and overwrites nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from patients.models import Episode, Trial
from tests.factories import make_episode, make_patient, make_trial, make_user
from tests.html_forms import post_data


@pytest.fixture
def two_clients(clinic, clinician):
    first, second = Client(), Client()
    first.force_login(clinician)
    second.force_login(make_user(clinic, username="dr_second"))
    return first, second


@pytest.fixture
def patient(clinic):
    return make_patient(clinic)


@pytest.fixture
def episode(patient):
    return make_episode(patient)


def _page(client, name, patient):
    url = reverse(f"patients:{name}", args=[patient.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, response.content.decode()


@pytest.mark.django_db
def test_a_trial_saved_by_someone_else_meanwhile_is_not_overwritten(two_clients, patient, episode):
    trial = make_trial(episode, "sertraline", 100, 8, improvement=10)
    first, second = two_clients
    url, first_page = _page(first, "trials", patient)
    _, second_page = _page(second, "trials", patient)

    response = second.post(url, post_data(second_page, **{"trials-0-dose_mg_per_day": "150"}))
    assert response.status_code == 302

    response = first.post(url, post_data(first_page, **{"trials-0-dose_mg_per_day": "200"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The sertraline trial was changed by someone else after you opened this page" in page
    assert 'value="200"' in page, "what the first clinician typed is still on the page"
    trial.refresh_from_db()
    assert trial.dose_mg_per_day == Decimal("150")
    assert trial.version == 2


@pytest.mark.django_db
def test_removing_a_trial_someone_else_changed_is_refused(two_clients, patient, episode):
    make_trial(episode, "sertraline", 100, 8, improvement=10)
    first, second = two_clients
    url, first_page = _page(first, "trials", patient)
    _, second_page = _page(second, "trials", patient)
    assert second.post(url, post_data(second_page, **{"trials-0-adherence_pct": "90"})).status_code == 302

    response = first.post(url, post_data(first_page, **{"trials-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert Trial.objects.filter(episode=episode).count() == 1


@pytest.mark.django_db
def test_a_stale_row_is_refused_even_when_this_clinician_did_not_touch_it(two_clients, patient, episode):
    """Saving the page would write the old values back over the other clinician's edit."""
    make_trial(episode, "sertraline", 100, 8, improvement=10)
    first, second = two_clients
    url, first_page = _page(first, "trials", patient)
    _, second_page = _page(second, "trials", patient)
    assert second.post(url, post_data(second_page, **{"trials-0-adherence_pct": "90"})).status_code == 302

    new_row = {
        "trials-TOTAL_FORMS": "2",
        "trials-1-drug": "venlafaxine",
        "trials-1-dose_mg_per_day": "225",
        "trials-1-weeks_at_dose": "8",
        "trials-1-improvement_pct": "10",
    }
    response = first.post(url, post_data(first_page, **new_row))
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert [t.drug for t in Trial.objects.filter(episode=episode)] == ["sertraline"]
    assert Trial.objects.get().adherence_pct == Decimal("90")


@pytest.mark.django_db
def test_an_episode_saved_by_someone_else_meanwhile_is_not_overwritten(two_clients, patient, episode):
    first, second = two_clients
    url, first_page = _page(first, "episode", patient)
    _, second_page = _page(second, "episode", patient)
    assert second.post(url, post_data(second_page, severity="severe")).status_code == 302

    response = first.post(url, post_data(first_page, severity="mild"))
    assert response.status_code == 200
    assert "The episode was changed by someone else" in response.content.decode()
    episode.refresh_from_db()
    assert (episode.severity, episode.version) == ("severe", 2)
    patient.refresh_from_db()
    assert patient.current_snapshot.input["episode"]["severity"] == "severe"
    assert Episode.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db
def test_patient_details_saved_by_someone_else_meanwhile_are_not_overwritten(two_clients, patient):
    first, second = two_clients
    url, first_page = _page(first, "edit", patient)
    _, second_page = _page(second, "edit", patient)
    assert second.post(url, post_data(second_page, name="Alex Second")).status_code == 302

    response = first.post(url, post_data(first_page, name="Alex First"))
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    patient.refresh_from_db()
    assert patient.name == "Alex Second"


@pytest.mark.django_db
def test_one_clinician_saving_twice_in_a_row_is_not_a_conflict(two_clients, patient, episode):
    make_trial(episode, "sertraline", 100, 8, improvement=10)
    first, _ = two_clients
    url, page = _page(first, "trials", patient)
    assert first.post(url, post_data(page, **{"trials-0-dose_mg_per_day": "150"})).status_code == 302
    url, page = _page(first, "trials", patient)
    assert first.post(url, post_data(page, **{"trials-0-dose_mg_per_day": "200"})).status_code == 302
    assert Trial.objects.get().dose_mg_per_day == Decimal("200")
