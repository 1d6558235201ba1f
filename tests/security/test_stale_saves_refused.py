"""Issue 10 §4: every edit path refuses to save over a change someone else made after the page
was opened (the admin's patient page, the courses and the scores pages as well as the
clinician's other pages), with the same message, keeping what was typed on the page."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from patients.models import EctCourse, Membership, OtherCourse, Patient, ScaleScore
from tests.factories import make_ect, make_episode, make_other_course, make_patient, make_user
from tests.html_forms import opened, post_data, save_after_another_save, save_after_the_other

CHANGED_MEANWHILE = "was changed by someone else after you opened this page"


@pytest.fixture
def patient(clinic):
    patient = make_patient(clinic, name="Alex Original")
    make_episode(patient)
    return patient


@pytest.fixture
def two_admins(clinic):
    first, second = Client(), Client()
    first.force_login(make_user(clinic, Membership.CLINIC_ADMIN, username="admin_first"))
    second.force_login(make_user(clinic, Membership.CLINIC_ADMIN, username="admin_second"))
    return first, second


@pytest.mark.django_db
def test_the_admin_refuses_to_save_over_a_newer_admin_edit(two_admins, patient):
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    response = save_after_the_other(two_admins, url, {"name": "Alex First"}, {"name": "Alex Second"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"This patient&#x27;s record {CHANGED_MEANWHILE}" in page
    assert 'value="Alex First"' in page, "what the first admin typed is still on the page"
    patient.refresh_from_db()
    assert (patient.name, patient.version) == ("Alex Second", 2)


def _admin_and_clinician(two_admins, two_clinicians, patient):
    """(client, url) of an admin on the admin's patient page, and of a clinician on theirs."""
    admin_url = reverse("admin:patients_patient_change", args=[patient.pk])
    return (two_admins[0], admin_url), (two_clinicians[0], reverse("patients:edit", args=[patient.pk]))


@pytest.mark.django_db
def test_the_admin_refuses_to_save_over_a_newer_clinician_edit(two_admins, two_clinicians, patient):
    admin, clinician = _admin_and_clinician(two_admins, two_clinicians, patient)
    response = save_after_another_save(admin, clinician, {"date_of_birth": "1971-01-01"}, {"name": "Alex Clinician"})

    assert response.status_code == 200 and CHANGED_MEANWHILE in response.content.decode()
    patient.refresh_from_db()
    assert (patient.name, patient.date_of_birth) == ("Alex Clinician", date(1970, 5, 17))


@pytest.mark.django_db
def test_a_clinician_cannot_save_over_an_admin_edit(two_admins, two_clinicians, patient):
    admin, clinician = _admin_and_clinician(two_admins, two_clinicians, patient)
    response = save_after_another_save(clinician, admin, {"name": "Alex Clinician"}, {"name": "Alex Admin"})

    assert response.status_code == 200 and CHANGED_MEANWHILE in response.content.decode()
    assert Patient.objects.get().name == "Alex Admin"


@pytest.mark.django_db
def test_two_sessions_saving_the_scores_page_do_not_lose_the_first_save(two_clinicians, patient):
    ScaleScore.objects.create(episode=patient.episodes.get(), scale="MADRS", score=30, rated_on=date(2025, 3, 5))
    url = reverse("patients:scores", args=[patient.pk])
    response = save_after_the_other(two_clinicians, url, {"scores-0-score": "28"}, {"scores-0-score": "24"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f"The MADRS score of 05 Mar 2025 {CHANGED_MEANWHILE}" in page
    assert 'value="28"' in page
    assert ScaleScore.objects.get().score == 24


@pytest.mark.django_db
def test_removing_a_score_someone_else_changed_is_refused(two_clinicians, patient):
    ScaleScore.objects.create(episode=patient.episodes.get(), scale="PHQ-9", score=20, rated_on=date(2025, 3, 5))
    url = reverse("patients:scores", args=[patient.pk])
    response = save_after_the_other(two_clinicians, url, {"scores-0-DELETE": "on"}, {"scores-0-score": "12"})

    assert response.status_code == 200 and CHANGED_MEANWHILE in response.content.decode()
    assert ScaleScore.objects.get().score == 12


@pytest.mark.django_db
def test_two_sessions_saving_the_courses_page_do_not_lose_the_first_save(two_clinicians, patient):
    episode = patient.episodes.get()
    make_ect(episode, sessions=8)
    make_other_course(episode, kind="rtms", weeks=4)
    url = reverse("patients:courses", args=[patient.pk])
    response = save_after_the_other(
        two_clinicians, url, {"other-0-weeks": "5"}, {"ect-0-sessions": "12", "other-0-weeks": "6"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"The rTMS course {CHANGED_MEANWHILE}" in page or f"The ECT course {CHANGED_MEANWHILE}" in page
    assert (EctCourse.objects.get().sessions, OtherCourse.objects.get().weeks) == (12, 6)


@pytest.mark.django_db
def test_adding_rows_on_both_pages_keeps_both(two_clinicians, patient):
    """Nothing is overwritten when each session adds its own score: no conflict."""
    first, second = two_clinicians
    url = reverse("patients:scores", args=[patient.pk])
    first_page, second_page = opened(first, url), opened(second, url)
    row = {"scores-TOTAL_FORMS": "1", "scores-0-scale": "MADRS", "scores-0-rated_on": "2025-04-01"}

    assert second.post(url, post_data(second_page, **row, **{"scores-0-score": "20"})).status_code == 302
    assert first.post(url, post_data(first_page, **row, **{"scores-0-score": "22"})).status_code == 302
    assert sorted(ScaleScore.objects.values_list("score", flat=True)) == [20, 22]
