"""The API reference page in Chromium: Swagger UI renders every operation within the CSP."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_swagger_ui_renders_every_operation_within_the_csp(browser_page, clinician, client):
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
