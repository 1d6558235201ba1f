"""The API reference page: Swagger UI from our own static files, started by a static script,
within the site's Content-Security-Policy; the schema needs a signed-in user or a token."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from tests.browser.conftest import browser, browser_page  # noqa: F401 (fixtures used below)

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


@pytest.mark.browser
def test_swagger_ui_renders_every_operation_within_the_csp(browser_page, clinician, client):  # noqa: F811
    client.force_login(clinician)
    browser_page.page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": browser_page.base_url}]
    )
    browser_page.open("/api/v1/docs/")
    browser_page.page.wait_for_selector(".opblock-summary")
    operations = browser_page.page.locator(".opblock-summary").count()
    browser_page.screenshot("api-reference")
    assert operations >= 35
    assert browser_page.errors == []  # no CSP refusal, no script error, no failed request
