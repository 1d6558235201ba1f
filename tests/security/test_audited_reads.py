"""Reads of patient data are audited where they happen (issue 10 §2): one entry per page shown,
none for a refused one; log-out writes an entry; a patient's history lists the lists and
exports that contained them."""

from __future__ import annotations

from django.urls import reverse

from audit.log import record_patient_set
from audit.models import AuditEntry
from patients.models import Membership
from tests.factories import make_staged_trd_patient, make_user


def test_each_entry_page_records_one_view_of_the_patient(clinician_client, clinician, clinic):
    patient = make_staged_trd_patient(clinic)
    for name in ("edit", "episode", "trials", "courses", "scores", "timeline"):
        before = AuditEntry.objects.count()
        assert clinician_client.get(reverse(f"patients:{name}", args=[patient.pk])).status_code == 200
        entry = AuditEntry.objects.order_by("-pk").first()
        assert AuditEntry.objects.count() == before + 1, name
        assert (entry.action, entry.patient_id, entry.user) == (AuditEntry.VIEW, patient.pk, clinician), name


def test_a_refused_page_records_nothing(clinician_client, other_clinic):
    patient = make_staged_trd_patient(other_clinic)
    before = AuditEntry.objects.count()
    assert clinician_client.get(reverse("patients:trials", args=[patient.pk])).status_code == 404
    assert AuditEntry.objects.count() == before


def test_log_out_is_recorded(clinician_client, clinician):
    clinician_client.post(reverse("logout"))
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.user) == (AuditEntry.LOGOUT, clinician)


def test_reading_the_audit_history_is_itself_recorded_and_lists_exports(client, clinic):
    patient = make_staged_trd_patient(clinic)
    admin = make_user(clinic, role=Membership.CLINIC_ADMIN)
    record_patient_set(AuditEntry.EXPORT_CSV, [patient.pk], what="admin CSV export")
    client.force_login(admin)
    response = client.get(reverse("audit:patient_history", args=[patient.pk]))
    assert response.status_code == 200
    assert AuditEntry.EXPORT_CSV in [entry.action for entry in response.context["entries"]]
    last = AuditEntry.objects.order_by("-pk").first()
    assert (last.action, last.patient_id, last.user) == (AuditEntry.VIEW, patient.pk, admin)


def test_the_admin_change_page_records_a_view(client, clinic):
    patient = make_staged_trd_patient(clinic)
    admin = make_user(clinic, role=Membership.CLINIC_ADMIN)
    client.force_login(admin)
    assert client.get(reverse("admin:patients_patient_change", args=[patient.pk])).status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.VIEW, patient_id=patient.pk, user=admin).count() == 1


def test_the_admin_shows_which_patients_an_export_contained(client, rf, clinic):
    patient = make_staged_trd_patient(clinic)
    admin = make_user(clinic, role=Membership.CLINIC_ADMIN)
    request = rf.get("/")
    request.user = admin
    export = record_patient_set(AuditEntry.EXPORT_CSV, [patient.pk], request=request, what="admin CSV export")
    client.force_login(admin)
    response = client.get(reverse("admin:audit_auditentry_change", args=[export.pk]))
    assert response.status_code == 200
    assert f'<div class="readonly">{patient.pk}</div>' in response.content.decode()
