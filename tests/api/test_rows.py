"""Trials, ECT and other courses and scale scores of the current episode: read and write with
the pages' forms (same messages), restaged in the same transaction, one transaction each."""

from __future__ import annotations

from datetime import date

import pytest

from audit.models import AuditEntry
from patients.forms.courses import EctCourseForm
from patients.forms.scores import ScaleScoreForm
from patients.forms.trials import trial_formset_class
from patients.models import Augmentation, EctCourse, OtherCourse, ScaleScore, StagingSnapshot, Trial
from tests.api.conftest import error_messages, problem
from tests.factories import make_episode, make_patient, make_staged_trd_patient, make_trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(clinic):
    return make_staged_trd_patient(clinic)


def _episode(patient):
    return patient.episodes.get(ended_on__isnull=True)


def _as_form_data(body: dict) -> dict:
    return {key: "" if value is None else str(value) for key, value in body.items()}


def test_adding_a_failed_adequate_trial_restages_in_the_same_request(api, patient):
    msm_before = patient.msm_total
    snapshots = StagingSnapshot.objects.filter(patient=patient).count()
    response = api.post(
        f"/api/v1/patients/{patient.pk}/trials",
        {
            "drug": "bupropion",
            "dose_mg_per_day": 300,
            "weeks_at_dose": 8,
            "adherence_pct": 90,
            "improvement_pct": 5,
            "augmentation": "lithium 600",
            "started_on": "2024-10-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    trial = Trial.objects.get(pk=body["id"])
    assert (trial.drug, trial.position, body["augmentation"]) == ("bupropion", 3, "lithium 600 mg/day")
    assert body["augmentations"] == [{"agent": "lithium", "dose_mg_per_day": 600.0, "weeks": None}]
    assert response["ETag"] == '"v1"' and response["Location"].endswith(f"/trials/{trial.pk}")
    patient.refresh_from_db()
    # rules §4: a third failed adequate trial moves the MSM antidepressant item from 1 to 2, and
    # the augmentation item from 0 to 1
    items = patient.current_snapshot.result["maudsley"]["items"]
    assert (items["antidepressants"], items["augmentation"]) == (2, 1)
    assert patient.msm_total == msm_before + 2
    assert patient.current_snapshot.result["trials"][3]["adequate"] is True
    assert StagingSnapshot.objects.filter(patient=patient).count() == snapshots + 1
    assert AuditEntry.objects.filter(action=AuditEntry.CREATE, object_type="patients.trial").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"drug": "sertraline", "dose_mg_per_day": 0, "weeks_at_dose": 8},
        {"drug": "madeupazine", "dose_mg_per_day": 10, "weeks_at_dose": 8},
        {"drug": "sertraline", "dose_mg_per_day": 100, "improvement_pct": 60, "outcome": "non_response"},
        {"drug": "sertraline", "dose_mg_per_day": 100, "weeks_at_dose": 8, "augmentation": "lithum 600"},
        {"drug": "", "dose_mg_per_day": "lots", "adherence_pct": 140, "started_on": "2025-02-30"},
        {"drug": "sertraline", "dose_mg_per_day": 100, "started_on": "2024-05-01", "ended_on": "2024-03-01"},
        {
            "drug": "sertraline",
            "dose_mg_per_day": 100,
            "weeks_at_dose": 8,
            "improvement_scale": "PHQ-9",
            "baseline_score": 40,
            "end_score": 5,
        },
    ],
)
def test_trial_errors_are_the_trial_forms_messages(api, patient, body):
    episode = _episode(patient)
    form = trial_formset_class().form(_as_form_data(body), instance=Trial(episode=episode))
    assert not form.is_valid()
    count = Trial.objects.count()
    response = api.post(f"/api/v1/patients/{patient.pk}/trials", body)
    assert response.status_code == 400
    assert error_messages(response) == {name: list(messages) for name, messages in form.errors.items()}
    assert Trial.objects.count() == count


def test_editing_a_trial_needs_its_etag_and_restages(api, patient):
    trial = _episode(patient).trials.order_by("position").first()
    path = f"/api/v1/patients/{patient.pk}/trials/{trial.pk}"
    etag = api.get(path)["ETag"]
    assert api.patch(path, {"improvement_pct": 80}).status_code == 428
    response = api.patch(path, {"improvement_pct": 80}, if_match=etag)
    assert response.status_code == 200, response.content
    trial.refresh_from_db()
    assert (trial.improvement_pct, trial.version, trial.drug) == (80, 2, "sertraline")
    patient.refresh_from_db()
    assert patient.current_snapshot.result["trials"][0]["outcome"] == "response"
    assert api.patch(path, {"improvement_pct": 10}, if_match=etag).status_code == 412


def test_removing_a_trial_restages(api, patient):
    trials = list(_episode(patient).trials.order_by("position"))
    stage = patient.thase_rush_stage
    response = api.delete(f"/api/v1/patients/{patient.pk}/trials/{trials[0].pk}", if_match=f'"v{trials[0].version}"')
    assert response.status_code == 204
    assert not Trial.objects.filter(pk=trials[0].pk).exists()
    patient.refresh_from_db()
    assert patient.thase_rush_stage == stage - 1


def test_an_augmentation_line_replaces_the_agents(api, patient):
    trial = make_trial(_episode(patient), "escitalopram", 20, 8, augmentation=[("lithium", 600)])
    path = f"/api/v1/patients/{patient.pk}/trials/{trial.pk}"
    response = api.patch(path, {"augmentation": "aripiprazole 5 for 6 weeks"}, if_match='"v1"')
    assert response.status_code == 200, response.content
    assert list(Augmentation.objects.filter(trial=trial).values_list("agent", flat=True)) == ["aripiprazole"]
    assert response.json()["augmentation"] == "aripiprazole 5 mg/day for 6 weeks"


def test_courses_and_scores_are_read_and_written(api, patient):
    base = f"/api/v1/patients/{patient.pk}"
    ect = api.post(
        f"{base}/ect-courses", {"electrode_placement": "bilateral", "sessions": 12, "outcome": "non_response"}
    )
    assert ect.status_code == 201, ect.content
    other = api.post(f"{base}/other-courses", {"kind": "rtms", "weeks": 6, "outcome": "non_response"})
    assert other.status_code == 201, other.content
    score = api.post(f"{base}/scale-scores", {"scale": "MADRS", "score": 31, "rated_on": "2024-09-01"})
    assert score.status_code == 201, score.content
    assert EctCourse.objects.filter(episode__patient=patient).count() == 1
    assert OtherCourse.objects.get(pk=other.json()["id"]).kind == "rtms"
    assert ScaleScore.objects.get(pk=score.json()["id"]).score == 31
    patient.refresh_from_db()
    assert patient.current_snapshot.result["maudsley"]["items"]["ect"] == 1  # the ECT course counted
    assert [row["id"] for row in api.get(f"{base}/scale-scores").json()] == [score.json()["id"]]
    path = f"{base}/scale-scores/{score.json()['id']}"
    assert (
        api.put(path, {"scale": "MADRS", "score": 20, "rated_on": "2024-09-02"}, if_match=score["ETag"]).status_code
        == 200
    )
    assert ScaleScore.objects.get(pk=score.json()["id"]).score == 20


@pytest.mark.parametrize(
    ("path", "form_class", "body"),
    [
        ("ect-courses", EctCourseForm, {"electrode_placement": "temporal", "sessions": 0, "outcome": ""}),
        ("scale-scores", ScaleScoreForm, {"scale": "PHQ-9", "score": 40, "rated_on": "2999-01-01"}),
    ],
)
def test_course_and_score_errors_are_their_forms_messages(api, patient, path, form_class, body):
    episode = _episode(patient)
    form = form_class(_as_form_data(body), instance=form_class._meta.model(episode=episode))
    assert not form.is_valid()
    response = api.post(f"/api/v1/patients/{patient.pk}/{path}", body)
    assert error_messages(response) == {name: list(messages) for name, messages in form.errors.items()}


def test_without_a_current_episode_rows_answer_409_with_the_pages_words(api, clinic):
    patient = make_patient(clinic)
    response = api.post(f"/api/v1/patients/{patient.pk}/trials", {"drug": "sertraline"})
    assert response.status_code == 409
    assert problem(response)["detail"] == "Record the current episode first: trials, courses and scores belong to it."


def test_rows_of_an_ended_episode_or_another_patient_are_not_found(api, clinic, patient):
    old = make_episode(make_patient(clinic), onset=date(2020, 1, 1))
    stranger = make_trial(old)
    assert api.get(f"/api/v1/patients/{patient.pk}/trials/{stranger.pk}").status_code == 404


def test_no_more_rows_than_the_page_saves(api, patient):
    from patients.forms.scores import MAX_SCORES

    episode = _episode(patient)
    ScaleScore.objects.bulk_create(
        ScaleScore(episode=episode, scale="PHQ-9", score=10, rated_on=date(2024, 9, 1)) for _ in range(MAX_SCORES)
    )
    response = api.post(
        f"/api/v1/patients/{patient.pk}/scale-scores", {"scale": "PHQ-9", "score": 9, "rated_on": "2024-10-01"}
    )
    assert response.status_code == 400
    assert error_messages(response) == {
        "(input)": [f"At most {MAX_SCORES} scale scores can be recorded for an episode, as on its page."]
    }
    assert ScaleScore.objects.filter(episode=episode).count() == MAX_SCORES
