"""Behind a proxy: lock-out and the audit trail see the same client address, and it is the one
the trusted proxy saw, not what the client wrote in X-Forwarded-For. Failed log-ins are limited
per address across user names, and a typed name is kept only when it names an account."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from audit.log import client_address
from audit.models import AuditEntry
from tests.factories import PASSWORD, make_user

# What settings.py sets for TRD_TRUSTED_PROXIES=1.
BEHIND_ONE_PROXY = {
    "AXES_IPWARE_PROXY_COUNT": 1,
    "AXES_IPWARE_PROXY_ORDER": "right-most",
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
}


def test_without_trusted_proxies_x_forwarded_for_is_ignored(rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_address(request) == "203.0.113.9"


@override_settings(**BEHIND_ONE_PROXY)
def test_behind_one_proxy_the_client_is_the_address_the_proxy_saw(rf):
    # The client forged the first entry; our proxy appended the address it saw.
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"


@override_settings(**BEHIND_ONE_PROXY)
def test_lock_out_and_audit_key_on_the_same_address(client, clinic):
    make_user(clinic, username="dr_proxy")
    client.post(
        reverse("login"),
        {"username": "dr_proxy", "password": "wrong"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9",
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert AuditEntry.objects.get(action=AuditEntry.FAILED_LOGIN).client_address == "203.0.113.9"


@pytest.mark.parametrize("typed, stored", [("dr_known", "dr_known"), ("my-Secret-passw0rd", "")])
def test_a_failed_log_in_keeps_the_name_only_when_it_names_an_account(client, clinic, typed, stored):
    make_user(clinic, username="dr_known")
    client.post(reverse("login"), {"username": typed, "password": "wrong"})
    assert AuditEntry.objects.get(action=AuditEntry.FAILED_LOGIN).username == stored
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [stored]


@override_settings(TRD_FAILED_LOGINS_PER_ADDRESS=6)
def test_failed_log_ins_are_limited_per_address_across_user_names(client, clinic):
    user = make_user(clinic, username="dr_sprayed")
    for number in range(6):
        make_user(clinic, username=f"dr_spray_{number}")
        client.post(reverse("login"), {"username": f"dr_spray_{number}", "password": "guess"})
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-ins from this network address" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other_address = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.44"
    )
    assert other_address.status_code == 302
