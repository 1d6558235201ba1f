"""Secure by default: without DJANGO_DEBUG the app runs as production, a short secret key is
refused at start-up, and request bodies have a documented cap."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

PROJECT = Path(__file__).resolve().parents[2]
PRINT_DEBUG = "from django.conf import settings; print('DEBUG', settings.DEBUG)"


def _run_settings(**variables) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL", "TRD_"))
    } | variables
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT_DEBUG],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_django_debug_the_app_runs_as_production():
    result = _run_settings(
        DJANGO_ALLOWED_HOSTS="clinic.example.org",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        TRD_AUDIT_HMAC_KEY=secrets.token_urlsafe(32),
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_without_django_debug_or_a_secret_key_start_up_is_refused_with_what_to_set():
    result = _run_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr


def test_a_secret_key_shorter_than_50_characters_is_refused_at_start_up():
    for debug in ("0", "1"):
        result = _run_settings(
            DJANGO_DEBUG=debug,
            DJANGO_ALLOWED_HOSTS="clinic.example.org",
            DJANGO_SECRET_KEY="x" * 49,
            TRD_AUDIT_HMAC_KEY=secrets.token_urlsafe(32),
        )
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is too short (49 characters)" in result.stderr


def test_production_requires_the_audit_checkpoint_key():
    result = _run_settings(
        DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="clinic.example.org", DJANGO_SECRET_KEY=secrets.token_urlsafe(50)
    )
    assert result.returncode != 0
    assert "TRD_AUDIT_HMAC_KEY must be set" in result.stderr


def test_request_bodies_above_the_cap_are_refused_with_400(clinician_client):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = clinician_client.post(
        reverse("patients:create"), data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
