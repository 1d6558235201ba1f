"""Episodes: every episode readable; only the current one edited (rules §1.1); a new one ends
the current one with the "new episode" page's two forms, in one transaction."""

from __future__ import annotations

from datetime import date

import pytest

from patients.forms.episode import EpisodeForm
from patients.models import Episode
from staging.engine.inputs import SCREENING_ITEMS
from tests.api.conftest import error_messages, problem
from tests.factories import make_episode, make_patient, make_staged_trd_patient

pytestmark = pytest.mark.django_db

NEW_EPISODE = {
    "onset": "2025-01-15",
    "severity": "severe",
    "comorbidities": ["anxiety"],
    "psychosocial_stressors": True,
}


def test_the_first_episode_needs_no_if_match(api, clinic):
    patient = make_patient(clinic)
    response = api.post(f"/api/v1/patients/{patient.pk}/episodes", {"episode": NEW_EPISODE})
    assert response.status_code == 201, response.content
    episode = Episode.objects.get(patient=patient)
    assert (episode.severity, episode.comorbidities, episode.psychosocial_stressors) == ("severe", ["anxiety"], True)
    patient.refresh_from_db()
    assert patient.current_snapshot is not None and patient.label  # staged in the same request


def test_a_new_episode_ends_the_current_one(api, clinic):
    patient = make_staged_trd_patient(clinic)
    current = patient.episodes.get(ended_on__isnull=True)
    path = f"/api/v1/patients/{patient.pk}/episodes"
    body = {"previous_episode": {"ended_on": "2025-01-10"}, "episode": NEW_EPISODE}
    assert api.post(path, body).status_code == 428
    response = api.post(path, body, if_match=f'"v{current.version}"')
    assert response.status_code == 201, response.content
    current.refresh_from_db()
    assert current.ended_on == date(2025, 1, 10)
    patient.refresh_from_db()
    assert patient.current_snapshot.episode_id == response.json()["id"]
    listed = api.get(path).json()
    assert [row["is_current"] for row in listed] == [True, False]


def test_a_new_episode_before_the_previous_end_is_refused_with_the_pages_words(api, clinic):
    patient = make_staged_trd_patient(clinic)
    current = patient.episodes.get(ended_on__isnull=True)
    body = {"previous_episode": {"ended_on": "2025-02-01"}, "episode": NEW_EPISODE}
    response = api.post(f"/api/v1/patients/{patient.pk}/episodes", body, if_match='"v1"')
    assert error_messages(response) == {
        "episode.onset": ["The new episode cannot begin before the previous one ended (01 Feb 2025)"]
    }
    current.refresh_from_db()
    assert current.ended_on is None  # nothing saved


def test_editing_the_current_episode_uses_the_episode_form(api, clinic):
    patient = make_staged_trd_patient(clinic)
    episode = patient.episodes.get(ended_on__isnull=True)
    path = f"/api/v1/patients/{patient.pk}/episodes/{episode.pk}"
    body = {"onset": "2999-01-01", "severity": "catastrophic", "thyroid_function": "maybe"}
    # what is left out takes a new episode's value: every screening item "not screened"
    form = EpisodeForm({**dict.fromkeys(SCREENING_ITEMS, "not_screened"), **body}, instance=episode)
    assert not form.is_valid()
    response = api.put(path, body, if_match=api.get(path)["ETag"])
    assert error_messages(response) == {name: list(messages) for name, messages in form.errors.items()}
    response = api.patch(path, {"severity": "mild"}, if_match='"v1"')
    assert response.status_code == 200, response.content
    episode.refresh_from_db()
    assert (episode.severity, episode.version, episode.onset) == ("mild", 2, date(2024, 1, 10))


def test_an_ended_episode_is_read_only(api, clinic):
    patient = make_patient(clinic)
    ended = make_episode(patient, onset=date(2020, 1, 1), ended_on=date(2020, 6, 1))
    path = f"/api/v1/patients/{patient.pk}/episodes/{ended.pk}"
    assert api.get(path).json()["is_current"] is False
    response = api.patch(path, {"severity": "mild"}, if_match="*")
    assert response.status_code == 409
    assert "Only the current episode" in problem(response)["detail"]
