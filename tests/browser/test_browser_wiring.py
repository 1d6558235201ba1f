"""Without Chromium the browser tests skip locally but fail in CI (TRD_REQUIRE_BROWSER=1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import require_chromium

MISSING = Path("/nonexistent/chromium")


def test_missing_chromium_skips_with_the_reason(monkeypatch):
    monkeypatch.delenv("TRD_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Chromium not found at /nonexistent/chromium"):
        require_chromium(MISSING)


def test_missing_chromium_fails_when_ci_requires_a_browser(monkeypatch):
    monkeypatch.setenv("TRD_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="TRD_REQUIRE_BROWSER=1"):
        require_chromium(MISSING)


def test_an_existing_chromium_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("TRD_REQUIRE_BROWSER", "1")
    executable = tmp_path / "chromium"
    executable.touch()
    assert require_chromium(executable) == executable


def test_every_test_here_carries_the_browser_marker(request):
    assert request.node.get_closest_marker("browser") is not None
