"""The demo admin logs in as seed_demo prints: password, then the authenticator's code; the
enrolment page draws its QR code locally and passes the CSP."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--allow-without-debug", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_admin_logs_in_with_the_second_factor(browser_page, log_in, demo):
    from patients.management.commands.seed_demo import ADMIN_PASSWORD, ADMIN_USERNAME

    log_in(ADMIN_USERNAME, ADMIN_PASSWORD)  # types the current code on the second step
    browser_page.open("/admin/patients/patient/")
    assert browser_page.page.locator("#result_list tbody tr").count() > 0
    assert not browser_page.errors, browser_page.errors


def test_a_clinician_can_open_the_enrolment_page(browser_page, log_in, demo):
    from patients.management.commands.seed_demo import CLINICIAN_PASSWORD, CLINICIAN_USERNAME

    log_in(CLINICIAN_USERNAME, CLINICIAN_PASSWORD)
    browser_page.open("/accounts/two-factor/enrol/")
    qr = browser_page.page.get_by_alt_text("QR code to add TRD Clinic to an authenticator app")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    browser_page.screenshot("two_factor_enrol")
    assert not browser_page.errors, browser_page.errors
