"""The "Treatment eligibility" panel in a real browser (rules §12): opened without JavaScript,
an attestation answered with its form, under the CSP, with no serious axe-core violation."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import assert_accessible
from tests.factories import PASSWORD, make_clinic, make_staged_trd_patient, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clinician_answers_an_attestation_and_sees_the_status_change(browser_page, log_in):
    clinic = make_clinic("Eligibility Clinic")
    make_user(clinic, username="dr_eligible")
    patient = make_staged_trd_patient(clinic)
    log_in("dr_eligible", PASSWORD)
    browser_page.open(f"/patients/{patient.pk}/")
    page = browser_page.page

    profile = page.locator("#eligibility-esketamine-us-fda")
    assert "Incomplete" in profile.locator("summary").inner_text()
    assert not profile.locator("table").is_visible()  # closed until the clinician opens it
    profile.locator("summary").click()
    assert profile.locator("table").is_visible()
    assert_accessible(page, "patient page with an eligibility profile open")

    for criterion in ("contraindications", "rems"):
        page.locator(f"#eligibility-esketamine-us-fda-{criterion}-confirmed").check()
        page.locator(f"#eligibility-esketamine-us-fda-{criterion}").get_by_role("button", name="Save answer").click()
        page.wait_for_load_state()
    profile = page.locator("#eligibility-esketamine-us-fda")
    assert "Eligible" in profile.locator("summary").inner_text()
    assert profile.locator("table").is_visible()  # open again after the answer was saved
    assert "Confirmed by" in profile.locator(".attestation-by").first.inner_text()
    browser_page.screenshot("eligibility-panel")
    assert not browser_page.errors, f"console errors (CSP violations show here): {browser_page.errors}"
