"""Optimistic locking over HTTP: ETag from the row's version, If-Match on every write, 428
without it, 412 when someone (a page or another client) saved first; nothing is saved then."""

from __future__ import annotations

import pytest

from patients.models import Patient
from tests.api.conftest import problem
from tests.factories import make_patient, make_staged_trd_patient

pytestmark = pytest.mark.django_db


def test_a_write_without_if_match_is_428_and_saves_nothing(api, clinic):
    patient = make_patient(clinic, name="Kept")
    response = api.patch(f"/api/v1/patients/{patient.pk}", {"name": "Lost"})
    assert response.status_code == 428
    assert "If-Match" in problem(response)["detail"]
    patient.refresh_from_db()
    assert (patient.name, patient.version) == ("Kept", 1)


def test_a_save_on_the_page_in_between_makes_the_api_write_412(api, clinician_client, clinic):
    patient = make_patient(clinic, name="First")
    etag = api.get(f"/api/v1/patients/{patient.pk}")["ETag"]
    page = clinician_client.post(
        f"/patients/{patient.pk}/edit/",
        {
            "record_number": patient.record_number,
            "name": "Page edit",
            "date_of_birth": "1970-05-17",
            "sex": "female",
            "seen_version": "1",
        },
    )
    assert page.status_code == 302
    response = api.patch(f"/api/v1/patients/{patient.pk}", {"name": "API edit"}, if_match=etag)
    assert response.status_code == 412
    assert problem(response)["type"] == "urn:trd-clinic:api:edit-conflict"
    assert Patient.objects.get(pk=patient.pk).name == "Page edit"


@pytest.mark.parametrize("if_match", ['"v2"', '"something else"', 'W/"v1"', '"v1'])
def test_an_etag_that_is_not_the_stored_one_is_412(api, clinic, if_match):
    patient = make_patient(clinic)
    response = api.patch(f"/api/v1/patients/{patient.pk}", {"name": "X"}, if_match=if_match)
    assert response.status_code == 412


def test_the_current_etag_among_several_matches(api, clinic):
    patient = make_patient(clinic)
    response = api.patch(f"/api/v1/patients/{patient.pk}", {"name": "X"}, if_match='"v7", "v1"')
    assert response.status_code == 200
    assert response["ETag"] == '"v2"'


def test_deleting_a_row_needs_its_current_version(api, clinic):
    patient = make_staged_trd_patient(clinic)
    trial = patient.episodes.get(ended_on__isnull=True).trials.first()
    path = f"/api/v1/patients/{patient.pk}/trials/{trial.pk}"
    assert api.delete(path).status_code == 428
    assert api.delete(path, if_match='"v9"').status_code == 412
    assert api.delete(path, if_match='"v1"').status_code == 204
