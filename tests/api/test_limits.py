"""Limits: bodies over 5 MB answer 413, lists over 1,000 records 413 (test_stage), more than
60 writes a minute by one token 429 with Retry-After; each with a clear message."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from patients.api.limits import MAX_BODY_BYTES, WRITES_PER_MINUTE
from patients.api.tokens import create_token
from patients.models import ScaleScore
from tests.api.conftest import TokenClient, problem
from tests.factories import make_staged_trd_patient, make_user

pytestmark = pytest.mark.django_db


def test_a_body_over_5_mb_is_413_and_nothing_is_read(api, clinic):
    body = {"record_number": "R", "name": "x" * (MAX_BODY_BYTES + 10)}
    response = api.post("/api/v1/patients", body)
    assert response.status_code == 413
    assert "larger than 5 MB" in problem(response)["detail"]


def test_the_61st_write_in_a_minute_is_429_and_the_limit_is_per_token(api, client, clinic):
    patient = make_staged_trd_patient(clinic)
    path = f"/api/v1/patients/{patient.pk}/scale-scores"
    score = {"scale": "PHQ-9", "score": 12, "rated_on": "2024-09-01"}
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(WRITES_PER_MINUTE):
            assert api.post(path, score).status_code == 201
        refused = api.post(path, score)
        assert refused.status_code == 429
        body = problem(refused)
        assert body["detail"].startswith("More than 60 writes a minute with this token: nothing was saved.")
        assert int(refused["Retry-After"]) >= 1
        assert ScaleScore.objects.filter(episode__patient=patient).count() == WRITES_PER_MINUTE
        assert api.get(path).status_code == 200  # reads are not counted
        _, other_secret = create_token(make_user(clinic, username="colleague"), "theirs", 30)
        assert TokenClient(client, other_secret).post(path, score).status_code == 201


def test_a_body_under_5_mb_is_read_even_above_the_sites_form_limit(api, clinic):
    # 3 MB: over Django's DATA_UPLOAD_MAX_MEMORY_SIZE for form posts, under the API's 5 MB
    response = api.post("/api/v1/patients", {"record_number": "R", "notes": "x" * 3_000_000})
    assert response.status_code == 400
    assert problem(response)["errors"][0] == {"path": "notes", "message": "unknown key"}
