"""Schema-driven fuzzing: schemathesis generates requests from the schema the API serves and
checks every answer: never a 5xx, only documented status codes and content types, and a body
that matches the schema (problem details included).

Runs in the normal suite (and so in CI) with a bounded number of examples per operation, as a
clinician with a personal token, in-process through Django's WSGI handler. Path ids are pointed
at real records of the clinician's clinic so that bodies reach the forms, not only the 404s.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from patients.api.tokens import create_token
from patients.models import ScaleScore
from tests.factories import make_ect, make_other_course, make_staged_trd_patient, make_user

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def world(db, clinic):
    """A staged patient with one row of every kind, and a clinician's token."""
    patient = make_staged_trd_patient(clinic)
    episode = patient.episodes.get(ended_on__isnull=True)
    rows = {
        "trials": episode.trials.first(),
        "ect-courses": make_ect(episode),
        "other-courses": make_other_course(episode),
        "scale-scores": ScaleScore.objects.create(episode=episode, scale="PHQ-9", score=18, rated_on="2024-09-01"),
    }
    _, secret = create_token(make_user(clinic, username="fuzzer"), "schemathesis", 30)
    return {"patient": patient, "episode": episode, "rows": rows, "secret": secret}


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler in this thread, inside the test's transaction. Like Django's test
    client, it must not close the connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _served_schema() -> dict:
    """The document /api/v1/schema/ serves (same generator, same settings), built once at import:
    schemathesis parametrizes the tests from it before any fixture exists."""
    return SchemaGenerator(patterns=None).get_schema(request=None, public=True)


SERVED = json.loads(json.dumps(_served_schema(), cls=DjangoJSONEncoder))
# The fuzzing phase only, EXAMPLES_PER_OPERATION cases each: the coverage phase would add every
# boundary of every field (hundreds of cases per operation) and take many minutes on two cores.
schema = schemathesis.openapi.from_dict(
    SERVED, config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
)


def test_the_fuzzed_schema_is_the_served_one(world, client):
    response = client.get("/api/v1/schema/", {"format": "json"}, headers={"Authorization": f"Bearer {world['secret']}"})
    assert response.status_code == 200
    assert json.loads(response.content) == SERVED
    ours = {"/api/v1/stage", "/api/v1/patients", "/api/v1/patients/{id}", "/api/v1/patients/{id}/episodes"}
    ours |= {f"/api/v1/patients/{{id}}/{kind}" for kind in ("trials", "ect-courses", "other-courses", "scale-scores")}
    assert ours <= SERVED["paths"].keys()


def _point_at_real_records(case, world) -> None:
    parameters = case.path_parameters or {}
    if "id" in parameters:
        parameters["id"] = world["patient"].pk
    if "episode_id" in parameters:
        parameters["episode_id"] = world["episode"].pk
    if "row_id" in parameters:
        kind = case.path.split("/")[5]  # /api/v1/patients/{id}/<kind>/{row_id}
        parameters["row_id"] = world["rows"][kind].pk
    if case.method in ("PUT", "PATCH"):
        # any stored version: the body, not the precondition, is what is being fuzzed here
        case.headers = {**(case.headers or {}), "If-Match": "*"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, world, wsgi_app):
    cache.clear()  # the 60-writes-a-minute limit would otherwise answer most writes
    _point_at_real_records(case, world)
    response = case.call(app=wsgi_app, headers={"Authorization": f"Bearer {world['secret']}"})
    case.validate_response(response, checks=CHECKS)
