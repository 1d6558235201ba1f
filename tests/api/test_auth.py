"""Personal API tokens: stored hashed, with an expiry, revocable, sent as a Bearer header only;
a token acts as its user (same clinic, same 404s); creating, using and revoking are audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from patients.api.tokens import create_token, revoke_token
from patients.models import ApiToken
from tests.api.conftest import TokenClient, problem
from tests.factories import make_patient, make_user

pytestmark = pytest.mark.django_db


def test_only_the_sha256_of_the_secret_is_stored(token_and_secret):
    token, secret = token_and_secret
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {getattr(stored, field.attname) for field in ApiToken._meta.concrete_fields}
    assert stored.prefix == secret[:12] and len(secret) > 40


def test_a_token_acts_as_its_user_within_their_clinic(api, clinic, other_clinic):
    own = make_patient(clinic)
    elsewhere = make_patient(other_clinic)
    listed = api.get("/api/v1/patients").json()["results"]
    assert [row["id"] for row in listed] == [own.pk]
    assert api.get(f"/api/v1/patients/{own.pk}").status_code == 200
    response = api.get(f"/api/v1/patients/{elsewhere.pk}")
    assert response.status_code == 404
    assert problem(response)["status"] == 404
    # the same answer as for an id that does not exist: nothing is revealed
    assert api.get("/api/v1/patients/999999").json()["detail"] == response.json()["detail"]


def test_an_expired_token_is_refused(client, clinician, clinic):
    patient = make_patient(clinic)
    _, secret = create_token(clinician, "short", 30)
    api = TokenClient(client, secret)
    assert api.get(f"/api/v1/patients/{patient.pk}").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, seconds=1)):
        response = api.get(f"/api/v1/patients/{patient.pk}")
    assert response.status_code == 401
    assert "expired or revoked" in problem(response)["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(client, token_and_secret, clinic):
    token, secret = token_and_secret
    api = TokenClient(client, secret)
    assert api.get("/api/v1/patients").status_code == 200
    revoke_token(token)
    assert api.get("/api/v1/patients").status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Token {secret}", "Basic {secret}", "Bearer", "Bearer {secret} extra", "Bearer trd_not-a-real-token"],
)
def test_only_a_bearer_header_with_a_known_token_is_accepted(client, token_and_secret, header):
    secret = token_and_secret[1]
    response = client.get("/api/v1/patients", headers={"Authorization": header.format(secret=secret)})
    assert response.status_code == 401
    problem(response)


@pytest.mark.parametrize("name", ["token", "access_token", "api_key"])
def test_a_token_in_the_url_is_refused_not_used(client, token_and_secret, name):
    secret = token_and_secret[1]
    response = client.get("/api/v1/patients", {name: secret})
    assert response.status_code == 401
    assert "never accepted" in problem(response)["detail"]
    # refused even with a valid header beside it: the one in the URL has leaked into logs
    response = client.get("/api/v1/patients", {name: secret}, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_the_browser_session_works_and_its_writes_need_the_csrf_token(clinician, clinic):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clinician)
    patient = make_patient(clinic)
    assert browser.get(f"/api/v1/patients/{patient.pk}").status_code == 200
    response = browser.patch(
        f"/api/v1/patients/{patient.pk}", '{"name": "X"}', content_type="application/json", headers={"If-Match": "*"}
    )
    assert response.status_code == 403
    assert "CSRF" in problem(response)["detail"]


def test_anonymous_requests_get_401_problem_details(client, clinic):
    response = client.get("/api/v1/patients")
    assert response.status_code == 401
    assert problem(response)["type"] == "urn:trd-clinic:api:not-authenticated"


def test_creating_using_and_revoking_a_token_are_audited(client, clinician, clinic):
    patient = make_patient(clinic)
    token, secret = create_token(clinician, "audited", 90)
    created = AuditEntry.objects.get(action=AuditEntry.CREATE, object_type="patients.apitoken")
    assert (created.user_id, created.object_id) == (clinician.pk, str(token.pk))

    TokenClient(client, secret).get(f"/api/v1/patients/{patient.pk}")
    used = AuditEntry.objects.filter(action=AuditEntry.LOGIN, object_type="patients.apitoken", object_id=str(token.pk))
    assert used.count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.VIEW, patient_id=patient.pk, user=clinician).count() == 1
    token.refresh_from_db()
    assert token.last_used_at is not None

    revoke_token(token)
    revoked = AuditEntry.objects.get(action=AuditEntry.UPDATE, object_type="patients.apitoken")
    assert revoked.changes["revoked_at"][0] is None


def test_the_tokens_page_shows_a_new_secret_once_and_revokes(client, clinician):
    client.force_login(clinician)
    response = client.post("/accounts/tokens/", {"name": "nightly export", "lifetime_days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=clinician)
    secret = response.context["created"]["secret"]
    assert secret.encode() in response.content
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    again = client.get("/accounts/tokens/")
    assert secret.encode() not in again.content and token.prefix.encode() in again.content

    response = client.post("/accounts/tokens/", {"revoke": str(token.pk)})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_tokens_page_cannot_revoke_someone_elses_token(client, clinician, clinic):
    other = make_user(clinic, username="colleague")
    token, _ = create_token(other, "theirs", 30)
    client.force_login(clinician)
    assert client.post("/accounts/tokens/", {"revoke": str(token.pk)}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_tokens_page_says_what_is_missing(client, clinician):
    client.force_login(clinician)
    response = client.post("/accounts/tokens/", {"name": "  ", "lifetime_days": "7"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert response.context["form"].errors.keys() == {"name", "lifetime_days"}


def test_the_token_of_a_deactivated_account_is_refused(client, token_and_secret, clinician):
    clinician.is_active = False
    clinician.save(update_fields=["is_active"])
    response = TokenClient(client, token_and_secret[1]).get("/api/v1/patients")
    assert response.status_code == 401
