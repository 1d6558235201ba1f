"""Production settings pass Django's deployment checks; every response carries the CSP."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

PROJECT = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_no_issues_with_production_settings():
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))
    } | {
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "TRD_AUDIT_HMAC_KEY": secrets.token_urlsafe(32),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (item.strip() for item in policy.split(";")) if part}


def test_every_kind_of_response_has_a_csp_without_inline_script(client, clinician_client, clinic):
    from tests.factories import make_staged_trd_patient

    patient = make_staged_trd_patient(clinic)
    responses = [
        client.get(reverse("login")),
        clinician_client.get(reverse("patients:list")),
        clinician_client.get(reverse("patients:detail", args=[patient.pk])),
        clinician_client.get(reverse("patients:detail", args=[patient.pk + 1000])),  # a 404
        clinician_client.get(reverse("patients:timeline", args=[patient.pk])),
    ]
    for response in responses:
        policy = _csp(response)
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]
        assert policy["script-src"] == "script-src 'self'"
        assert policy["object-src"] == "object-src 'none'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"


def test_no_page_has_inline_script_or_style(clinician_client, clinic):
    """The CSP would block them in the browser: catch them here, with the page named."""
    import re

    from tests.factories import make_staged_trd_patient

    patient = make_staged_trd_patient(clinic)
    pages = ["patients:list", "patients:create"] + [
        (name, patient.pk)
        for name in (
            "patients:detail",
            "patients:edit",
            "patients:episode",
            "patients:trials",
            "patients:courses",
            "patients:scores",
        )
    ]
    for page in pages:
        url = reverse(page) if isinstance(page, str) else reverse(page[0], args=[page[1]])
        html = clinician_client.get(url).content.decode()
        # json_script data blocks are not executed, so the CSP allows them.
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", html), (
            f"inline <script> on {url}"
        )
        assert not re.search(r"\sstyle=\"|<style", html), f"inline style on {url}"
        assert not re.search(r"\son[a-z]+=\"", html), f"inline event handler on {url}"
