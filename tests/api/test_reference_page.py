"""The API reference page: Swagger UI from our own static files, started by a static script,
within the site's Content-Security-Policy; the schema needs a signed-in user or a token."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_page_loads_swagger_ui_from_our_static_files_without_inline_script(clinician_client):
    response = clinician_client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert any(src.endswith("vendor/swagger-ui/swagger-ui-bundle.js") for src in sources)
    assert any(src.endswith("js/api-docs.js") for src in sources)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script would be refused by the CSP"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "cdn" not in html.lower()
    for path in (
        "vendor/swagger-ui/swagger-ui-bundle.js",
        "vendor/swagger-ui/swagger-ui.css",
        "vendor/swagger-ui/LICENSE",
    ):
        assert finders.find(path), path


def test_the_page_needs_a_log_in_and_the_schema_a_user(client):
    assert client.get("/api/v1/docs/").status_code == 302
    assert client.get("/api/v1/schema/").status_code == 401
