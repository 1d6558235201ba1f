"""Patient create and edit: the clinic comes from the user, validation in the clinician's words."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from tests.factories import make_patient, make_user

CREATE = reverse("patients:create")


def _form_data(**overrides):
    data = {"record_number": "MRN-777", "name": "Nora Newcomer", "date_of_birth": "1985-04-02", "sex": "female"}
    data.update(overrides)
    return data


def test_create_puts_the_patient_in_the_users_clinic_and_suggests_the_episode(clinician_client, clinic):
    response = clinician_client.post(CREATE, _form_data(), follow=True)

    patient = Patient.objects.get(record_number="MRN-777")
    assert patient.clinic == clinic
    assert patient.name == "Nora Newcomer"
    assert patient.date_of_birth == date(1985, 4, 2)
    assert patient.version == 1
    assert response.redirect_chain[-1][0] == reverse("patients:detail", args=[patient.pk])
    assert b"enter the current episode" in response.content


def test_record_number_must_be_unique_within_the_clinic(clinician_client, clinic):
    make_patient(clinic, record_number="MRN-777")

    response = clinician_client.post(CREATE, _form_data())

    assert response.status_code == 200
    assert "Record number MRN-777 is already used in this clinic" in response.content.decode()
    assert Patient.objects.filter(record_number="MRN-777").count() == 1
    assert b'value="Nora Newcomer"' in response.content  # what was typed is kept


def test_same_record_number_in_another_clinic_is_fine(clinician_client, other_clinic):
    make_patient(other_clinic, record_number="MRN-777")

    clinician_client.post(CREATE, _form_data())

    assert Patient.objects.filter(record_number="MRN-777").count() == 2


@pytest.mark.parametrize(
    "born, message",
    [
        (lambda today: today + timedelta(days=1), "The date of birth cannot be in the future."),
        (lambda today: date(1899, 12, 31), "The date of birth cannot be before 1900: check the year."),
        (lambda today: "not-a-date", "Enter the date of birth as a date."),
    ],
)
def test_date_of_birth_validation(clinician_client, born, message):
    value = born(timezone.localdate())
    response = clinician_client.post(CREATE, _form_data(date_of_birth=str(value)))

    assert message in response.content.decode()
    assert not Patient.objects.exists()
    assert b'value="MRN-777"' in response.content


def test_a_date_of_birth_more_than_130_years_ago_is_refused_once_that_is_after_1900(client, clinician):
    """rules §1.1: ages run to 130; from 2030 on that bound is stricter than the 1900 one."""
    import time_machine

    with time_machine.travel(date(2040, 6, 1), tick=False):
        clinician_client = client
        clinician_client.force_login(clinician)
        response = clinician_client.post(CREATE, _form_data(date_of_birth="1910-05-31"))
        assert "The date of birth is more than 130 years ago: check the year." in response.content.decode()
        assert clinician_client.post(CREATE, _form_data(date_of_birth="1910-06-01")).status_code == 302


def test_missing_fields_are_named(clinician_client):
    response = clinician_client.post(CREATE, _form_data(name="  ", record_number=""))

    text = response.content.decode()
    assert "Enter the patient&#x27;s name." in text
    assert "Enter the record number." in text
    assert not Patient.objects.exists()


def test_user_without_a_clinic_is_told_why(client, db):
    client.force_login(make_user(None))

    response = client.get(CREATE)
    posted = client.post(CREATE, _form_data())

    assert response.status_code == 403
    assert b"not attached to a clinic" in response.content
    assert posted.status_code == 403
    assert not Patient.objects.exists()


def test_superuser_chooses_the_clinic(client, clinic, other_clinic):
    client.force_login(make_user(None, is_superuser=True, is_staff=True))

    missing = client.post(CREATE, _form_data())
    client.post(CREATE, _form_data(clinic=other_clinic.pk))

    assert "This field is required" in missing.content.decode()
    assert Patient.objects.get(record_number="MRN-777").clinic == other_clinic


def test_edit_saves_bumps_version_and_keeps_the_clinic(clinician_client, clinic):
    patient = make_patient(clinic, record_number="MRN-1", name="Old Name")

    response = clinician_client.post(
        reverse("patients:edit", args=[patient.pk]), _form_data(record_number="MRN-1", name="New Name", sex="male")
    )

    patient.refresh_from_db()
    assert response.status_code == 302
    assert (patient.name, patient.sex, patient.clinic, patient.version) == ("New Name", "male", clinic, 2)


def test_edit_rejects_another_patients_record_number(clinician_client, clinic):
    make_patient(clinic, record_number="MRN-TAKEN")
    patient = make_patient(clinic, record_number="MRN-1", name="Kept Name")

    response = clinician_client.post(reverse("patients:edit", args=[patient.pk]), _form_data(record_number="MRN-TAKEN"))

    patient.refresh_from_db()
    assert "Record number MRN-TAKEN is already used in this clinic" in response.content.decode()
    assert (patient.record_number, patient.name, patient.version) == ("MRN-1", "Kept Name", 1)


def test_edit_form_shows_current_values(clinician_client, clinic):
    patient = make_patient(clinic, record_number="MRN-5", name="Shown Name", date_of_birth=date(1960, 1, 31))

    response = clinician_client.get(reverse("patients:edit", args=[patient.pk]))

    assert b'value="Shown Name"' in response.content
    assert b'value="1960-01-31"' in response.content


def test_another_clinics_patient_cannot_be_edited(clinician_client, other_clinic):
    patient = make_patient(other_clinic, name="Foreign")

    response = clinician_client.post(reverse("patients:edit", args=[patient.pk]), _form_data(name="Hijacked"))

    patient.refresh_from_db()
    assert response.status_code == 404
    assert patient.name == "Foreign"
