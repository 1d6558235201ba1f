"""Import trials in a browser: upload the CSV template, reject a row on the review page, accept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from patients.models import Episode, Trial
from tests.factories import PASSWORD, make_clinic, make_patient, make_user

TEMPLATE = Path(__file__).resolve().parents[2] / "static" / "import-template.csv"


def test_upload_review_reject_and_accept(browser_page, log_in, db):
    clinic = make_clinic()
    make_user(clinic, username="importer")
    patient = make_patient(clinic, date_of_birth=date(1970, 5, 17))
    Episode.objects.create(patient=patient, onset=date(2024, 11, 1), severity="severe")
    log_in("importer", PASSWORD)
    page = browser_page.page
    browser_page.open(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Import trials").click()
    page.get_by_label("File to import").set_input_files(str(TEMPLATE))
    page.get_by_role("button", name="Read the file").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Review the import").is_visible()
    assert page.get_by_text("venlafaxine: from the brand name “Effexor XR”").is_visible()
    browser_page.screenshot("import-review")
    page.locator("#id_trials-2-DELETE").check()  # reject the agomelatine row
    page.get_by_role("button", name="Accept the rows not rejected").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/patients/{patient.pk}/")
    assert page.get_by_text("Imported 5 rows from import-template.csv").is_visible()
    assert list(Trial.objects.filter(episode__patient=patient).values_list("drug", flat=True)) == [
        "sertraline",
        "venlafaxine",
    ]
    assert browser_page.errors == []  # no script error, CSP violation or failed request
