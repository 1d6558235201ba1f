"""Issue 10 §3: a mistyped year is refused where it is typed, in clinical words, and the page
keeps what was typed: not in the future, not before the date of birth, not before 1900."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import EctCourse, Episode, OtherCourse, ScaleScore, Trial
from tests.entry_posts import episode_post
from tests.factories import make_episode, make_patient

BORN = date(1961, 3, 12)
TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.fixture
def patient(clinic):
    return make_patient(clinic, date_of_birth=BORN)


def _rows(prefix: str, **fields) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"} | {
        f"{prefix}-0-{name}": value for name, value in fields.items()
    }


def _refused(response, message: str, typed: str) -> None:
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert message in page
    assert f'value="{typed}"' in page, "what was typed is still on the page"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "onset, message",
    [
        ("1960-01-01", "The episode cannot start before the patient's date of birth (12 Mar 1961)."),
        (TOMORROW, "The episode cannot start in the future."),
        ("2205-01-01", "The episode cannot start in the future."),
    ],
)
def test_episode_onset(clinician_client, patient, onset, message):
    response = clinician_client.post(reverse("patients:episode", args=[patient.pk]), episode_post(onset=onset))
    _refused(response, message, onset)
    assert not Episode.objects.exists()


@pytest.mark.django_db
def test_an_onset_before_1900_is_refused_for_a_patient_born_before_it(clinician_client, clinic):
    """The 1900 bound holds even where the date of birth does not reach it (an imported record)."""
    patient = make_patient(clinic, date_of_birth=date(1895, 1, 1))
    response = clinician_client.post(reverse("patients:episode", args=[patient.pk]), episode_post(onset="1899-06-01"))
    _refused(response, "The episode cannot start before 1900: check the year.", "1899-06-01")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("started_on", "2205-01-01", "The trial cannot start in the future."),
        ("started_on", "1925-01-01", "The trial cannot start before the patient's date of birth (12 Mar 1961)."),
        ("ended_on", "2205-01-01", "The trial cannot end in the future."),
    ],
)
def test_trial_dates(clinician_client, patient, field, value, message):
    make_episode(patient, onset=date(2024, 1, 1))
    trial = {"drug": "sertraline", "dose_mg_per_day": "100", "weeks_at_dose": "8", "improvement_pct": "10"}
    response = clinician_client.post(
        reverse("patients:trials", args=[patient.pk]), _rows("trials", **trial, **{field: value})
    )
    _refused(response, message, value)
    assert not Trial.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rated_on, message",
    [
        ("1925-06-01", "The rating cannot be dated before the patient's date of birth (12 Mar 1961)."),
        (TOMORROW, "The rating cannot be dated in the future."),
    ],
)
def test_score_rated_on(clinician_client, patient, rated_on, message):
    make_episode(patient, onset=date(2024, 1, 1))
    response = clinician_client.post(
        reverse("patients:scores", args=[patient.pk]), _rows("scores", scale="MADRS", score="20", rated_on=rated_on)
    )
    _refused(response, message, rated_on)
    assert not ScaleScore.objects.exists()


@pytest.mark.django_db
def test_course_start_dates(clinician_client, patient):
    make_episode(patient, onset=date(2024, 1, 1))
    data = _rows("ect", electrode_placement="bilateral", outcome="response", started_on="9999-12-31") | _rows(
        "other", kind="rtms", weeks="6", started_on="1950-01-01"
    )
    response = clinician_client.post(reverse("patients:courses", args=[patient.pk]), data)
    _refused(response, "The ECT course cannot start in the future.", "9999-12-31")
    _refused(response, "The course cannot start before the patient's date of birth (12 Mar 1961).", "1950-01-01")
    assert not EctCourse.objects.exists() and not OtherCourse.objects.exists()


@pytest.mark.django_db
def test_end_of_the_current_episode_cannot_be_in_the_future(clinician_client, patient):
    make_episode(patient, onset=date(2024, 1, 1))
    response = clinician_client.post(
        reverse("patients:episode_new", args=[patient.pk]),
        {"ended_on": "2205-01-01"} | episode_post("new", onset="2025-01-01"),
    )
    _refused(response, "The episode cannot end in the future.", "2205-01-01")
    assert Episode.objects.get().ended_on is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "born, message",
    [
        ("1899-12-31", "The date of birth cannot be before 1900: check the year."),
        ("2205-01-01", "The date of birth cannot be in the future."),
    ],
)
def test_date_of_birth_in_the_admin(client, clinic, patient, born, message):
    from patients.models import Membership
    from tests.factories import make_user

    client.force_login(make_user(clinic, Membership.CLINIC_ADMIN, username="admin_north"))
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    response = client.post(
        url,
        {
            "record_number": patient.record_number,
            "name": patient.name,
            "date_of_birth": born,
            "sex": "female",
            "seen_version": str(patient.version),
            "episodes-TOTAL_FORMS": "0",
            "episodes-INITIAL_FORMS": "0",
        },
    )
    _refused(response, message, born)
    patient.refresh_from_db()
    assert patient.date_of_birth == BORN
