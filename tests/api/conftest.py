"""API test fixtures: a clinician with a personal token, and a client that sends it."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from patients.api.tokens import create_token


class TokenClient:
    """Django's test client with `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, client, secret: str):
        self.client = client
        self.secret = secret

    def _headers(self, if_match=None, **headers):
        headers = {"Authorization": f"Bearer {self.secret}", **headers}
        if if_match is not None:
            headers["If-Match"] = if_match
        return headers

    def get(self, path, data=None, **headers):
        return self.client.get(path, data, headers=self._headers(**headers))

    def _write(self, method, path, body, **headers):
        send = getattr(self.client, method)
        return send(path, json.dumps(body), content_type="application/json", headers=self._headers(**headers))

    def post(self, path, body=None, **headers):
        return self._write("post", path, body, **headers)

    def put(self, path, body=None, **headers):
        return self._write("put", path, body, **headers)

    def patch(self, path, body=None, **headers):
        return self._write("patch", path, body, **headers)

    def delete(self, path, **headers):
        return self.client.delete(path, headers=self._headers(**headers))


@pytest.fixture(autouse=True)
def _fresh_write_counts():
    """The write limit counts in the local-memory cache: every test starts at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_and_secret(clinician):
    return create_token(clinician, "test script", 30)


@pytest.fixture
def api(client, token_and_secret):
    return TokenClient(client, token_and_secret[1])


def problem(response) -> dict:
    """The problem-details body, after checking it is one."""
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    assert body["status"] == response.status_code
    assert body["title"] and body["detail"] and body["type"].startswith("urn:trd-clinic:api:")
    return body


def error_messages(response) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in problem(response)["errors"]:
        errors.setdefault(error["path"], []).append(error["message"])
    return errors
