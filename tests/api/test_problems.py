"""Every error is RFC 9457 problem details (application/problem+json): type, title, status,
detail; field errors carry their path. Checked for each status the API answers with."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem
from tests.factories import make_patient

pytestmark = pytest.mark.django_db


def test_401_403_404_405_415_and_400_are_problem_details(api, client, clinic):
    patient = make_patient(clinic)
    answers = {
        401: client.get(f"/api/v1/patients/{patient.pk}"),
        404: api.get("/api/v1/patients/999999"),
        405: api.delete(f"/api/v1/patients/{patient.pk}"),
        415: api.client.post(
            "/api/v1/stage", "a=1", content_type="application/x-www-form-urlencoded", headers=api._headers()
        ),
        400: api.client.post("/api/v1/stage", "{not json", content_type="application/json", headers=api._headers()),
    }
    for status, response in answers.items():
        assert response.status_code == status, (status, response.content)
        body = problem(response)
        assert set(body) >= {"type", "title", "status", "detail"}
    assert answers[405]["Allow"]
    assert answers[404].json()["title"] == "Not Found"


def test_an_unknown_path_under_the_api_is_a_problem_404(api):
    for path in ("/api/v1/nothing-here", "/api/v1/patients/1/unknown", "/api/v1/"):
        response = api.get(path)
        assert response.status_code == 404
        assert problem(response)["type"] == "urn:trd-clinic:api:not-found"


def test_a_body_that_is_not_an_object_is_named_as_the_whole_input(api, clinic):
    response = api.post("/api/v1/patients", ["a", "list"])
    assert response.status_code == 400
    assert problem(response)["errors"] == [{"path": "(input)", "message": "must be a JSON object"}]


def test_field_errors_carry_their_paths(api, clinic):
    response = api.post("/api/v1/patients", {"record_number": "R-1", "name": "", "date_of_birth": "1980-01-01", "x": 1})
    body = problem(response)
    assert {error["path"] for error in body["errors"]} == {"name", "x"}
    assert body["detail"] == "2 errors in the input: nothing was saved."


@pytest.mark.parametrize("raw", [b'{"age": NaN}', b"\xff\xfe", b"[" * 100_000])
def test_a_body_that_is_not_json_is_a_400_parse_error(api, raw):
    response = api.client.post("/api/v1/stage", raw, content_type="application/json", headers=api._headers())
    assert response.status_code == 400
    assert problem(response)["type"] == "urn:trd-clinic:api:parse-error"
