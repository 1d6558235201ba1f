"""The clinician's workflow in a real browser: log in, create a patient, enter an episode and its
trials (rows added without reloading the page), and read the staging on the patient page.

Expected results are worked out from ../shared/clinical-rules.md beside each assertion.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from patients.models import Patient, Trial
from staging.engine.calendar import add_months
from tests.factories import PASSWORD, make_clinic, make_staged_trd_patient, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinician_account(transactional_db):
    clinic = make_clinic("Browser Clinic")
    user = make_user(clinic, username="dr_browser")
    return clinic, user


def assert_no_page_errors(browser_page):
    assert not browser_page.errors, f"console errors (CSP violations show here): {browser_page.errors}"


def test_login_page_sends_an_anonymous_visitor_to_the_login_form(browser_page):
    page = browser_page.page
    browser_page.open("/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="Log in").is_visible()
    assert_no_page_errors(browser_page)


def test_wrong_password_is_refused_on_the_login_form(browser_page, clinician_account):
    page = browser_page.page
    browser_page.open("/accounts/login/")
    page.get_by_label("Username").fill("dr_browser")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="Patients").count() == 0


def test_clinician_logs_in_and_sees_only_their_clinic_in_the_list(browser_page, log_in, clinician_account):
    clinic, _ = clinician_account
    own = make_staged_trd_patient(clinic, name="Hannah Lowry")
    make_staged_trd_patient(make_clinic("Other Clinic"), name="Someone Elsewhere")
    page = browser_page.page
    log_in("dr_browser", PASSWORD)
    assert page.get_by_role("heading", name="Patients").is_visible()
    table = page.locator("table.patient-table")
    assert table.get_by_role("link", name="Hannah Lowry").is_visible()
    assert page.get_by_text("Someone Elsewhere").count() == 0
    # make_staged_trd_patient: sertraline (SSRI) and venlafaxine (SNRI) failed → stage II (rules §4.1),
    # two non-responses → TRD (rules §5).
    row = table.locator("tbody tr", has_text="Hannah Lowry")
    assert own.thase_rush_stage == 2
    assert row.locator("td.stage-badge").inner_text().strip() == "II"
    assert "TRD" in row.inner_text()
    assert_no_page_errors(browser_page)


def fill_trial(page, index: int, *, drug: str, dose: str, weeks: str, improvement: str):
    page.locator(f"#id_trials-{index}-drug").fill(drug)
    page.locator(f"#id_trials-{index}-dose_mg_per_day").fill(dose)
    page.locator(f"#id_trials-{index}-weeks_at_dose").fill(weeks)
    page.locator(f"#id_trials-{index}-improvement_pct").fill(improvement)


def test_clinician_enters_a_history_and_sees_its_staging(browser_page, log_in, clinician_account):
    clinic, _ = clinician_account
    page = browser_page.page
    today = timezone.localdate()
    onset = add_months(today, -10)
    log_in("dr_browser", PASSWORD)

    # a new patient
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("Record number").fill("BR-0001")
    page.get_by_label("Name").fill("Iris Calloway")
    page.get_by_label("Date of birth").fill("1980-04-12")
    page.get_by_role("button", name="Create patient").click()
    page.wait_for_load_state()
    patient = Patient.objects.get(clinic=clinic, record_number="BR-0001")
    assert page.url.endswith(f"/patients/{patient.pk}/")

    # the current episode: onset 10 months ago, severe
    page.get_by_role("link", name="Enter the current episode").click()
    page.get_by_label("Onset of the episode").fill(onset.isoformat())
    page.get_by_label("Severity (clinician-rated)").select_option("severe")
    page.get_by_role("button", name="Save episode").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/patients/{patient.pk}/")

    # three trials, each row added by the "Add a trial" button without reloading the page
    page.get_by_role("link", name="Trials", exact=True).click()
    page.wait_for_load_state()
    page.evaluate("window.__sameDocument = true")
    add_trial = page.get_by_role("button", name="Add a trial")
    add_trial.click()
    fill_trial(page, 0, drug="sertraline", dose="100", weeks="8", improvement="10")
    add_trial.click()
    fill_trial(page, 1, drug="venlafaxine", dose="225", weeks="10", improvement="10")
    add_trial.click()
    fill_trial(page, 2, drug="fluoxetine", dose="10", weeks="8", improvement="5")
    assert page.evaluate("window.__sameDocument === true"), "adding rows reloaded the page"
    assert page.locator("#id_trials-TOTAL_FORMS").input_value() == "3"
    # the catalogue hint warns before saving (rules §9: fluoxetine minimum 20 mg/day)
    assert "below" in page.locator("[data-formset-row]").nth(2).locator("[data-drug-info]").inner_text()
    page.get_by_role("button", name="Save trials").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/patients/{patient.pk}/"), page.content()[:3000]
    assert list(Trial.objects.filter(episode__patient=patient).values_list("drug", flat=True)) == [
        "sertraline",
        "venlafaxine",
        "fluoxetine",
    ]

    # rules §3.2: sertraline 100 ≥ 50 and venlafaxine 225 ≥ 150, 8 and 10 weeks ≥ 6 → adequate;
    # fluoxetine 10 < 20 → inadequate (dose below minimum). Improvement < 25 % → non-response (§3.1).
    # §4.1: counted classes {SSRI, SNRI} → stage II. §5: two non-responses → TRD.
    # §4.2 Maudsley: duration ≤ 12 months 1 + severe 4 + 2 counted antidepressants 1 + no
    # augmentation 0 + no ECT 0 = 6 → mild (3–6).
    staging = page.locator(".staging-panel")
    assert "Stage II" in staging.locator("#staging-thase-rush").locator("xpath=..").inner_text()
    maudsley = staging.locator("section", has=page.locator("#staging-maudsley")).inner_text()
    assert re.search(r"\b6\s*/ 15 · Mild", maudsley), maudsley
    # §4.3 MGH-S: per counted trial 1 + 0.5 (dose above its minimum); 8 and 10 weeks < 12 and
    # no augmentation add nothing; no ECT → 1.5 + 1.5 = 3.0
    mgh = staging.locator("section", has=page.locator("#staging-mgh")).inner_text()
    assert re.search(r"^3\.0$", mgh, re.MULTILINE), mgh
    classification = staging.locator("section", has=page.locator("#staging-classification")).inner_text()
    assert "TRD" in classification
    trials_section = page.locator("section", has=page.locator("#trials-heading"))
    assert "Inadequate" in trials_section.locator("tbody tr", has_text="fluoxetine").first.inner_text()
    assert "fluoxetine 10 mg/day is below the adequate 20 mg/day" in trials_section.inner_text()
    # the same reason is listed under "Before concluding resistance" (rules §8)
    assert "below the adequate 20 mg/day" in staging.locator(".before-concluding").inner_text()
    patient.refresh_from_db()
    assert (patient.thase_rush_stage, patient.msm_total, patient.label) == (2, 6, "trd")
    browser_page.screenshot("patient_page_entered")
    assert_no_page_errors(browser_page)


def test_rejected_trial_form_keeps_what_was_typed(browser_page, log_in, clinician_account):
    clinic, _ = clinician_account
    patient = make_staged_trd_patient(clinic, name="Jon Farrow")
    trials_before = list(Trial.objects.filter(episode__patient=patient).values_list("pk", "dose_mg_per_day"))
    page = browser_page.page
    log_in("dr_browser", PASSWORD)
    browser_page.open(f"/patients/{patient.pk}/trials/")
    existing_rows = int(page.locator("#id_trials-TOTAL_FORMS").input_value())
    page.get_by_role("button", name="Add a trial").click()
    index = existing_rows
    started_on = (timezone.localdate() - timedelta(weeks=10)).isoformat()
    page.locator(f"#id_trials-{index}-drug").fill("duloxetine")
    page.locator(f"#id_trials-{index}-dose_mg_per_day").fill("0")
    page.locator(f"#id_trials-{index}-weeks_at_dose").fill("9")
    page.locator(f"#id_trials-{index}-started_on").fill(started_on)
    page.locator(f"#id_trials-{index}-adherence_pct").fill("85")
    page.locator(f"#id_trials-{index}-improvement_pct").fill("12")
    page.locator(f"#id_trials-{index}-augmentation").fill("lithium 600")
    page.get_by_role("button", name="Save trials").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"/patients/{patient.pk}/trials/")
    assert page.locator("#error-summary").is_visible()
    row = page.locator("[data-formset-row]").nth(index)
    assert "Dose must be more than 0 mg/day" in row.inner_text()
    assert "Dose must be more than 0 mg/day" in page.locator("#error-summary").inner_text()
    assert page.locator(f"#id_trials-{index}-drug").input_value() == "duloxetine"
    assert page.locator(f"#id_trials-{index}-dose_mg_per_day").input_value() == "0"
    assert page.locator(f"#id_trials-{index}-weeks_at_dose").input_value() == "9"
    assert page.locator(f"#id_trials-{index}-started_on").input_value() == started_on
    assert page.locator(f"#id_trials-{index}-adherence_pct").input_value() == "85"
    assert page.locator(f"#id_trials-{index}-improvement_pct").input_value() == "12"
    assert page.locator(f"#id_trials-{index}-augmentation").input_value() == "lithium 600"
    # the rows that were already there are still filled in, and nothing was saved
    assert page.locator("#id_trials-0-drug").input_value() == "sertraline"
    assert list(Trial.objects.filter(episode__patient=patient).values_list("pk", "dose_mg_per_day")) == trials_before
    browser_page.screenshot("trials_rejected")
    assert_no_page_errors(browser_page)
