"""POST /api/v1/stage: rules §10 records in, results out, nothing stored; the engine's errors
with their paths as a 400; more than 1,000 records a 413."""

from __future__ import annotations

import copy
import json

import pytest

from audit.models import AuditEntry
from patients.models import Patient, StagingSnapshot
from staging.engine.batch import stage_document
from staging.engine.interchange import InterchangeError, parse_records
from staging.site import configured_catalogue
from tests.api.conftest import error_messages, problem
from tests.staging.helpers import validate_output_shape
from tests.staging.test_interchange import VALID

pytestmark = pytest.mark.django_db


def _counts():
    return Patient.objects.count(), StagingSnapshot.objects.count()


def test_one_record_gives_the_engines_result_and_stores_nothing(api):
    before = _counts()
    audited = AuditEntry.objects.exclude(action=AuditEntry.LOGIN).count()
    response = api.post("/api/v1/stage", VALID)
    assert response.status_code == 200, response.content
    result = response.json()
    validate_output_shape(result)
    assert result == json.loads(json.dumps(stage_document(VALID, configured_catalogue())[0][0]))
    assert _counts() == before
    assert AuditEntry.objects.exclude(action=AuditEntry.LOGIN).count() == audited  # only the token's use


def test_a_list_gives_a_list_in_the_same_order(api):
    second = copy.deepcopy(VALID)
    second["trials"] = []
    response = api.post("/api/v1/stage", [VALID, second])
    assert response.status_code == 200
    results = response.json()
    assert [len(result["trials"]) for result in results] == [len(VALID["trials"]), 0]


def test_invalid_records_give_every_error_with_its_path(api):
    bad = copy.deepcopy(VALID)
    bad["trials"][0]["dose_mg_per_day"] = -5
    bad["episode"]["severity"] = "awful"
    bad["shoe_size"] = 44
    with pytest.raises(InterchangeError) as engine:
        parse_records([VALID, bad], configured_catalogue())
    response = api.post("/api/v1/stage", [VALID, bad])
    assert response.status_code == 400
    body = problem(response)
    assert [(error["path"], error["message"]) for error in body["errors"]] == engine.value.errors
    assert {"[1].trials[0].dose_mg_per_day", "[1].episode.severity", "[1].shoe_size"} <= set(error_messages(response))
    assert body["detail"] == f"Invalid input, nothing staged: {len(engine.value.errors)} errors."


@pytest.mark.parametrize("document", [42, "record", None, True])
def test_a_document_that_is_not_a_record_is_400(api, document):
    response = api.post("/api/v1/stage", document)
    assert response.status_code == 400
    assert error_messages(response) == {"(input)": ["must be a record (JSON object) or a list of records"]}


def test_more_than_1000_records_is_413_before_staging(api):
    response = api.post("/api/v1/stage", [VALID] * 1001)
    assert response.status_code == 413
    assert "at most 1,000" in problem(response)["detail"]
    assert api.post("/api/v1/stage", [VALID] * 3).status_code == 200
