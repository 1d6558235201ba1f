"""Log-in hardening: lockout after 5 failures for 15 minutes, Argon2, 30-minute idle sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_user

LOCKED_MESSAGE = "Too many failed log-in attempts; try again in 15 minutes"


@pytest.fixture
def user(clinic):
    return make_user(clinic, username="dr_lock")


def _log_in(client, password, username="dr_lock"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_four_failures_still_allow_the_right_password(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(client, "wrong-password").status_code == 200
    assert _log_in(client, PASSWORD).status_code == 302


def test_the_fifth_failure_locks_the_account_even_for_the_right_password(client, user):
    for attempt in range(5):
        response = _log_in(client, f"wrong-{attempt}")
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()

    response = _log_in(client, PASSWORD)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_15_minutes(client, user):
    for attempt in range(5):
        _log_in(client, f"wrong-{attempt}")
    assert _log_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert _log_in(client, PASSWORD).status_code == 302


def test_a_lockout_does_not_lock_other_clinicians_out(client, user, clinic):
    make_user(clinic, username="dr_colleague")
    for attempt in range(5):
        _log_in(client, f"wrong-{attempt}")
    assert _log_in(client, PASSWORD, username="dr_colleague").status_code == 302


def test_the_lockout_page_has_no_inline_script(client, user):
    for attempt in range(5):
        response = _log_in(client, f"wrong-{attempt}")
    html = response.content.decode()
    assert "<script>" not in html and "style=" not in html


def test_passwords_are_hashed_with_argon2(user):
    assert user.password.startswith("argon2$")


def test_the_session_lasts_30_idle_minutes_and_ends_with_the_browser(client, user):
    response = _log_in(client, PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == 30 * 60

    key = client.session.session_key
    first_expiry = Session.objects.get(session_key=key).expire_date
    assert first_expiry - timezone.now() <= timedelta(minutes=30)
    client.get(reverse("patients:list"))
    # Every request pushes the end of the session on: it ends after 30 *idle* minutes.
    assert Session.objects.get(session_key=key).expire_date > first_expiry


def test_an_expired_session_goes_back_to_the_log_in_page(client, user):
    _log_in(client, PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
