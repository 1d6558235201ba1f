"""GET /patients/<pk>/report.pdf: the staging report opened in the browser."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

from staging.models import GeneratedReport
from tests.factories import make_episode, make_generated_report, make_patient, make_staged_trd_patient
from tests.staging.pdf_helpers import LETTER_POINTS, flat, page_sizes, page_texts


def report_url(patient) -> str:
    return reverse("staging:report", args=[patient.pk])


def test_the_url_carries_the_patient_id_only(clinic):
    patient = make_patient(clinic, name="Cleo Private", record_number="RN-443")

    assert report_url(patient) == f"/patients/{patient.pk}/report.pdf"


def test_serves_the_pdf_inline_uncached_and_records_its_hash(clinician_client, clinician, clinic):
    patient = make_staged_trd_patient(clinic, name="Cleo Private", record_number="RN-443")

    response = clinician_client.get(report_url(patient))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    disposition = response["Content-Disposition"]
    assert re.fullmatch(rf'inline; filename="staging-report-{patient.pk}-\d{{4}}-\d{{2}}-\d{{2}}\.pdf"', disposition)
    assert "Cleo" not in disposition and "RN-443" not in disposition
    assert response.content.startswith(b"%PDF")
    assert "Cleo Private" in flat(" ".join(page_texts(response.content)))

    record = GeneratedReport.objects.get()
    assert record.sha256 == hashlib.sha256(response.content).hexdigest()
    assert record.byte_size == len(response.content)
    assert (record.patient_id, record.snapshot_id) == (patient.pk, patient.current_snapshot_id)
    assert (record.generated_by_user, record.generated_by, record.channel) == (clinician, clinician.username, "web")
    assert record.paper_size == "A4"


@override_settings(TRD_PAPER_SIZE="Letter")
def test_letter_paper_by_setting(clinician_client, clinic):
    patient = make_staged_trd_patient(clinic)

    response = clinician_client.get(report_url(patient))

    width, height = page_sizes(response.content)[0]
    assert (width, height) == pytest.approx(LETTER_POINTS, abs=0.5)
    assert GeneratedReport.objects.get().paper_size == "Letter"


def test_another_clinics_patient_is_not_found(clinician_client, other_clinic):
    patient = make_staged_trd_patient(other_clinic)

    response = clinician_client.get(report_url(patient))

    assert response.status_code == 404
    assert not GeneratedReport.objects.exists()


def test_needs_login(client, clinic):
    patient = make_staged_trd_patient(clinic)

    response = client.get(report_url(patient))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not GeneratedReport.objects.exists()


def test_patient_without_staging_gets_a_page_that_says_what_to_do(clinician_client, clinic):
    patient = make_patient(clinic)

    response = clinician_client.get(report_url(patient))

    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Enter the current episode" in page
    assert reverse("patients:episode_new", args=[patient.pk]) in page
    assert not GeneratedReport.objects.exists()


def test_ended_episode_without_current_staging_gets_the_same_page(clinician_client, clinic):
    patient = make_patient(clinic)
    make_episode(patient, onset=date(2023, 1, 1), ended_on=date(2023, 6, 1))

    response = clinician_client.get(report_url(patient))

    assert response.status_code == 409


def test_only_get(clinician_client, clinic):
    patient = make_staged_trd_patient(clinic)

    assert clinician_client.post(report_url(patient)).status_code == 405
    assert not GeneratedReport.objects.exists()


def test_admin_register_is_read_only_and_shows_only_the_admins_clinic(client, clinic, other_clinic):
    from patients.models import Membership
    from tests.factories import make_user

    mine, theirs = make_staged_trd_patient(clinic), make_staged_trd_patient(other_clinic)
    records = {
        patient.pk: make_generated_report(patient, sha256=f"{digit}" * 64, page_count=2)
        for digit, patient in ((1, mine), (2, theirs))
    }
    client.force_login(make_user(clinic, role=Membership.CLINIC_ADMIN))

    listing = client.get(reverse("admin:staging_generatedreport_changelist"))
    assert listing.status_code == 200
    assert "1" * 16 in listing.content.decode() and "2" * 16 not in listing.content.decode()

    own = records[mine.pk]
    assert client.get(reverse("admin:staging_generatedreport_change", args=[own.pk])).status_code == 200
    assert (
        client.post(reverse("admin:staging_generatedreport_change", args=[own.pk]), {"page_count": 9}).status_code
        == 403
    )
    assert client.get(reverse("admin:staging_generatedreport_add")).status_code == 403
    assert (
        client.post(reverse("admin:staging_generatedreport_delete", args=[own.pk]), {"post": "yes"}).status_code == 403
    )
    other = records[theirs.pk]
    assert client.get(reverse("admin:staging_generatedreport_change", args=[other.pk])).status_code in (302, 404)
    assert GeneratedReport.objects.get(pk=own.pk).page_count == 2 and GeneratedReport.objects.count() == 2
