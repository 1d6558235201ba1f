"""axe-core on the pages a clinician uses, filled with the demo clinic; screenshots for review.

No serious or critical violation is allowed. Screenshots go to $TRD_SCREENSHOT_DIR (/tmp/shots)
so a person can look at the pages the tests saw.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from patients.models import Patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}
# Demo patients whose pages show the most: stage V with ECT and rTMS; an earlier episode; a
# clinician-defined drug.
RICH_PATIENT = "DEMO-014"
EARLIER_EPISODE_PATIENT = "DEMO-013"


@pytest.fixture
def demo_logins(transactional_db):
    call_command("seed_demo", "--allow-without-debug", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from patients.management.commands.seed_demo import CLINICIAN_PASSWORD, CLINICIAN_USERNAME

    return CLINICIAN_USERNAME, CLINICIAN_PASSWORD


def demo_patient(record_number: str) -> Patient:
    return Patient.objects.get(clinic__slug="demo", record_number=record_number)


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node.get("target", [])) for node in violation.get("nodes", [])][:5]
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} — {targets}")
    return "\n".join(lines)


def assert_accessible(page, what: str):
    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core on the {what}:\n{describe(blocking)}"


def test_login_page_is_accessible(browser_page):
    browser_page.open("/accounts/login/")
    assert_accessible(browser_page.page, "login page")
    browser_page.screenshot("login")


def test_patient_list_is_accessible(browser_page, log_in, demo_logins):
    log_in(*demo_logins)
    browser_page.open("/")
    page = browser_page.page
    assert page.locator("table.patient-table tbody tr").count() > 0
    assert_accessible(page, "patient list")
    browser_page.screenshot("patient_list")
    assert not browser_page.errors, browser_page.errors


@pytest.mark.parametrize("record_number", [RICH_PATIENT, EARLIER_EPISODE_PATIENT])
def test_patient_page_is_accessible(browser_page, log_in, demo_logins, record_number):
    log_in(*demo_logins)
    patient = demo_patient(record_number)
    browser_page.open(f"/patients/{patient.pk}/")
    page = browser_page.page
    assert page.get_by_role("heading", name=patient.name).is_visible()
    assert_accessible(page, f"patient page of {record_number}")
    browser_page.screenshot(f"patient_page_{record_number}")
    assert not browser_page.errors, browser_page.errors


def test_trial_entry_page_is_accessible(browser_page, log_in, demo_logins):
    log_in(*demo_logins)
    patient = demo_patient(RICH_PATIENT)
    browser_page.open(f"/patients/{patient.pk}/trials/")
    page = browser_page.page
    page.get_by_role("button", name="Add a trial").click()
    assert_accessible(page, "trial entry page")
    browser_page.screenshot("trial_entry")
    # and once more with the errors of a rejected save on the page
    rows = int(page.locator("#id_trials-TOTAL_FORMS").input_value())
    page.locator(f"#id_trials-{rows - 1}-drug").fill("sertraline")
    page.locator(f"#id_trials-{rows - 1}-dose_mg_per_day").fill("0")
    page.get_by_role("button", name="Save trials").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "trial entry page with errors")
    browser_page.screenshot("trial_entry_errors")
    assert not browser_page.errors, browser_page.errors
