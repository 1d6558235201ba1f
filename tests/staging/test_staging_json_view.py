"""GET /patients/<id>/staging.json: the stored rules §10 result, for the user's own clinic only."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import make_patient, make_staged_trd_patient, make_user
from tests.staging.helpers import validate_output_shape

pytestmark = pytest.mark.django_db


def test_the_json_is_the_stored_result_the_page_shows(clinician_client, clinic):
    patient = make_staged_trd_patient(clinic)
    response = clinician_client.get(reverse("staging:json", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["result"] == patient.current_snapshot.result
    validate_output_shape(body["result"])
    assert (body["result"]["thase_rush"]["stage"], body["result"]["classification"]["label"]) == (2, "trd")
    assert AuditEntry.objects.filter(action=AuditEntry.VIEW, patient_id=patient.pk).exists()


def test_another_clinics_patient_is_not_found(client, clinic, other_clinic):
    patient = make_staged_trd_patient(clinic)
    client.force_login(make_user(other_clinic))
    assert client.get(reverse("staging:json", args=[patient.pk])).status_code == 404


def test_a_patient_without_staging_gets_a_clear_answer(clinician_client, clinic):
    patient = make_patient(clinic)
    response = clinician_client.get(reverse("staging:json", args=[patient.pk]))
    assert response.status_code == 409
    assert "record the current episode first" in response.json()["error"]
