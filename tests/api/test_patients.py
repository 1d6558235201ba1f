"""/api/v1/patients: the list page's filters, search and sort; a patient with their staging as
of today; create and edit with the patient form's validation and messages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from patients.filters import PAGE_SIZE, PatientListForm
from patients.forms.patient import PatientForm
from patients.models import Patient, StagingSnapshot
from tests.api.conftest import error_messages, problem
from tests.factories import make_patient, make_patients, make_staged_trd_patient

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_search_filters_and_sort_are_the_list_pages(api, clinic):
    trd = make_staged_trd_patient(clinic, name="Ada Stone", record_number="A-1")
    make_patient(clinic, name="Bea Stone", record_number="B-2")
    make_patient(clinic, name="Cy Lake", record_number="C-3")
    assert _names(api.get("/api/v1/patients", {"q": "stone"})) == ["Ada Stone", "Bea Stone"]
    assert _names(api.get("/api/v1/patients", {"q": "c-3"})) == ["Cy Lake"]
    assert _names(api.get("/api/v1/patients", {"label": "trd"})) == ["Ada Stone"]
    assert _names(api.get("/api/v1/patients", {"stage": str(trd.thase_rush_stage)})) == ["Ada Stone"]
    assert _names(api.get("/api/v1/patients", {"sort": "-name"})) == ["Cy Lake", "Bea Stone", "Ada Stone"]
    # the same rows, in the same order, as the list form applied to the clinic's patients
    params = {"q": "stone", "sort": "-record_number"}
    expected = [p.name for p in PatientListForm(params).apply(Patient.objects.filter(clinic=clinic))]
    assert _names(api.get("/api/v1/patients", params)) == expected


def test_an_invalid_filter_is_a_400_with_the_forms_message(api, clinic):
    response = api.get("/api/v1/patients", {"stage": "9", "sort": "shoe size"})
    form = PatientListForm({"stage": "9", "sort": "shoe size"})
    assert error_messages(response) == {name: list(messages) for name, messages in form.errors.items()}


def test_pages_of_the_requested_size_up_to_1000(api, clinic):
    make_patients(clinic, 30)
    first = api.get("/api/v1/patients").json()
    assert (first["count"], first["page_size"], len(first["results"])) == (30, PAGE_SIZE, PAGE_SIZE)
    assert (first["next_page"], first["previous_page"]) == (2, None)
    second = api.get("/api/v1/patients", {"page": 2}).json()
    assert len(second["results"]) == 30 - PAGE_SIZE and second["next_page"] is None
    assert {row["id"] for row in first["results"]}.isdisjoint(row["id"] for row in second["results"])
    assert len(api.get("/api/v1/patients", {"page_size": 1000}).json()["results"]) == 30
    too_many = api.get("/api/v1/patients", {"page_size": 1001})
    assert error_messages(too_many) == {"page_size": ["Enter a whole number from 1 to 1,000."]}
    assert problem(api.get("/api/v1/patients", {"page": 3}))["status"] == 404


def test_a_list_is_audited_with_the_set_of_patients_shown(api, clinic):
    patients = make_patients(clinic, 3)
    api.get("/api/v1/patients")
    entry = AuditEntry.objects.filter(action=AuditEntry.LIST).latest("pk")
    assert sorted(entry.patient_rows.values_list("patient_id", flat=True)) == sorted(patient.pk for patient in patients)


def test_a_patient_comes_with_the_staging_as_of_today(api, clinic):
    patient = make_staged_trd_patient(clinic)
    body = api.get(f"/api/v1/patients/{patient.pk}").json()
    snapshot = patient.current_snapshot
    assert body["staging"]["result"] == snapshot.result
    assert body["staging"]["as_of"] == body["staging"]["assessed_on"] == timezone.localdate().isoformat()
    assert body["label"] == snapshot.result["classification"]["label"] == "trd"
    # a day later the stored staging is dated yesterday: the API restages before answering
    tomorrow = timezone.now() + timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        later = api.get(f"/api/v1/patients/{patient.pk}").json()
    assert later["staging"]["as_of"] == timezone.localdate(tomorrow).isoformat()
    patient.refresh_from_db()
    assert patient.staged_on == timezone.localdate(tomorrow)
    assert later["staging"]["result"] == patient.current_snapshot.result


def test_reading_a_patient_is_audited_per_patient(api, clinic):
    patient = make_staged_trd_patient(clinic)
    api.get(f"/api/v1/patients/{patient.pk}")
    api.get(f"/api/v1/patients/{patient.pk}/trials")
    assert AuditEntry.objects.filter(action=AuditEntry.VIEW, patient_id=patient.pk).count() == 2


def test_create_puts_the_patient_in_the_callers_clinic(api, clinic):
    response = api.post(
        "/api/v1/patients", {"record_number": "N-1", "name": "Nora New", "date_of_birth": "1985-04-02", "sex": "female"}
    )
    assert response.status_code == 201, response.content
    patient = Patient.objects.get(record_number="N-1")
    assert (patient.clinic, patient.name, patient.date_of_birth) == (clinic, "Nora New", date(1985, 4, 2))
    assert response["Location"] == f"/api/v1/patients/{patient.pk}"
    assert response["ETag"] == '"v1"'
    assert response.json()["staging"] is None
    assert AuditEntry.objects.filter(action=AuditEntry.CREATE, patient_id=patient.pk).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"record_number": "", "name": "", "date_of_birth": "2999-01-01", "sex": "female"},
        {"record_number": "N-2", "name": "Old", "date_of_birth": "1800-01-01", "sex": "robot"},
        {"record_number": "TAKEN", "name": "Twin", "date_of_birth": "not a date"},
    ],
)
def test_create_refuses_with_the_patient_forms_messages(api, clinic, body):
    make_patient(clinic, record_number="TAKEN")
    form = PatientForm({"sex": "unknown", **body}, clinic=clinic)  # a new record's page shows "Not recorded"
    assert not form.is_valid()
    response = api.post("/api/v1/patients", body)
    assert response.status_code == 400
    assert error_messages(response) == {name: list(messages) for name, messages in form.errors.items()}
    assert Patient.objects.filter(clinic=clinic).count() == 1


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({"name": 12}, "name", "Enter text, not a number, list or object."),
        ({"date_of_birth": 19850402}, "date_of_birth", "Enter the date of birth as a date."),
        ({"nickname": "Bo"}, "nickname", "unknown key"),
    ],
)
def test_wrong_json_types_and_unknown_keys_are_named(api, clinic, body, path, message):
    patient = make_patient(clinic)
    response = api.patch(f"/api/v1/patients/{patient.pk}", body, if_match='"v1"')
    assert error_messages(response) == {path: [message]}


def test_edit_with_if_match_saves_and_moves_the_etag(api, clinic):
    patient = make_patient(clinic, name="Old Name")
    etag = api.get(f"/api/v1/patients/{patient.pk}")["ETag"]
    response = api.patch(f"/api/v1/patients/{patient.pk}", {"name": "New Name"}, if_match=etag)
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "New Name"
    patient.refresh_from_db()
    assert (patient.name, patient.version) == ("New Name", 2)
    assert response["ETag"] == '"v2"'
    # PUT replaces: what is left out takes a new record's value (empty here), and the form says so
    response = api.put(f"/api/v1/patients/{patient.pk}", {"name": "Only Name"}, if_match='"v2"')
    assert set(error_messages(response)) == {"record_number", "date_of_birth"}


def test_a_user_without_a_clinic_cannot_create(client, db):
    from patients.api.tokens import create_token
    from tests.api.conftest import TokenClient
    from tests.factories import make_user

    _, secret = create_token(make_user(None, username="nobody"), "x", 30)
    response = TokenClient(client, secret).post(
        "/api/v1/patients", {"record_number": "N", "name": "N", "date_of_birth": "1980-01-01"}
    )
    assert response.status_code == 403
    assert "not attached to a clinic" in problem(response)["detail"]
    assert not StagingSnapshot.objects.exists() and not Patient.objects.exists()


def test_a_page_costs_the_same_queries_whatever_the_clinics_size(api, clinic):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_of_a_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/patients").status_code == 200
        return len(captured.captured_queries)

    make_patients(clinic, 3)
    api.get("/api/v1/patients")  # warm-up: content types, the catalogue
    small = queries_of_a_page()
    make_patients(clinic, 60)  # a full page of 25 now
    assert queries_of_a_page() == small
