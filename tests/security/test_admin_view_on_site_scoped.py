"""Issue 10 §8: the admin's "view on site" shortcut answers another clinic's patient exactly as
it answers an id that does not exist, so it tells nobody which ids other clinics hold."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from patients.models import Membership, Patient
from tests.factories import make_patient, make_user


def shortcut_url(object_id) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(Patient).pk}/{object_id}/"


@pytest.fixture
def admin_client(client, clinic):
    client.force_login(make_user(clinic, Membership.CLINIC_ADMIN, username="admin_north"))
    return client


@pytest.mark.django_db
def test_another_clinics_patient_and_a_missing_id_get_the_same_answer(admin_client, clinic, other_clinic):
    south = make_patient(other_clinic)
    missing_id = south.pk + 1000

    south_response = admin_client.get(shortcut_url(south.pk))
    missing_response = admin_client.get(shortcut_url(missing_id))

    assert south_response.status_code == missing_response.status_code == 404
    assert south_response.content == missing_response.content


@pytest.mark.django_db
def test_the_shortcut_still_opens_a_patient_of_ones_own_clinic(admin_client, clinic):
    patient = make_patient(clinic)
    response = admin_client.get(shortcut_url(patient.pk))
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("patients:detail", args=[patient.pk]))


@pytest.mark.django_db
def test_the_shortcut_needs_an_admin_login(client, clinic):
    patient = make_patient(clinic)
    client.force_login(make_user(clinic, username="dr_north"))  # a clinician, not staff
    response = client.get(shortcut_url(patient.pk))
    assert response.status_code == 302 and "login" in response["Location"]
