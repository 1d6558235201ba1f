"""The audit trail: what is recorded, that it cannot be changed, and that tampering shows."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit import log
from audit.chain import GENESIS_HASH, compute_hash
from audit.models import AuditEntry, AuditTrailIsAppendOnly
from patients.models import Episode, Membership, Patient, Trial
from tests.audit.helpers import entries, triggers_dropped
from tests.factories import PASSWORD, make_episode, make_patient, make_trial, make_user


@pytest.fixture
def patient(clinic):
    return make_patient(clinic, name="Ada Example", record_number="AUD-1")


def test_creating_a_patient_records_who_which_patient_and_the_new_values(clinic, clinician):
    from django.test import RequestFactory

    from audit.context import reset_current_request, set_current_request

    request = RequestFactory().post("/patients/new/", REMOTE_ADDR="10.1.2.3")
    request.user = clinician
    token = set_current_request(request)
    try:
        patient = make_patient(clinic, name="Ada Example", record_number="AUD-1", date_of_birth=date(1980, 2, 29))
    finally:
        reset_current_request(token)

    [entry] = entries("create")
    assert (entry.user_id, entry.username, entry.client_address) == (clinician.pk, "dr_north", "10.1.2.3")
    assert (entry.patient_id, entry.clinic_id) == (patient.pk, clinic.pk)
    assert (entry.object_type, entry.object_id) == ("patients.patient", str(patient.pk))
    assert entry.changes["name"] == [None, "Ada Example"]
    assert entry.changes["date_of_birth"] == [None, "1980-02-29"]


def test_an_update_records_only_the_fields_that_changed_with_old_and_new_values(patient):
    episode = make_episode(patient)
    trial = make_trial(episode, "sertraline", 100, 8)
    trial = Trial.objects.get(pk=trial.pk)
    trial.dose_mg_per_day = Decimal("150")
    trial.save()

    [entry] = entries("update", object_type="patients.trial")
    assert entry.changes == {"dose_mg_per_day": ["100", "150"]}
    # The trial is two relations away from the patient: resolved through the episode.
    assert (entry.patient_id, entry.clinic_id) == (patient.pk, patient.clinic_id)


def test_a_save_that_changes_nothing_writes_no_entry(patient):
    before = AuditEntry.objects.count()
    Patient.objects.get(pk=patient.pk).save()
    assert AuditEntry.objects.count() == before


def test_deleting_a_patient_keeps_its_history_and_records_every_deleted_row(patient):
    episode = make_episode(patient)
    make_trial(episode, "sertraline", 100, 8)
    patient_pk = patient.pk
    patient.delete()

    deleted = {entry.object_type for entry in entries("delete", patient_id=patient_pk)}
    assert deleted == {"patients.patient", "patients.episode", "patients.trial"}
    # The earlier create entries are still there: no foreign key cascaded into the trail.
    assert {e.object_type for e in entries("create", patient_id=patient_pk)} >= {"patients.patient", "patients.trial"}


def test_a_change_that_rolls_back_leaves_no_entry(patient):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Episode.objects.create(patient=patient, onset=date(2025, 1, 1), severity="mild")
        raise RuntimeError("the view failed after saving")
    assert AuditEntry.objects.count() == before


def test_entries_cannot_be_changed_or_deleted_through_the_orm(patient):
    entry = entries()[-1]
    entry.username = "someone_else"
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(username="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).username not in ("someone_else", "x")


@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET username = 'x'", "DELETE FROM audit_auditentry"])
def test_the_database_refuses_raw_updates_and_deletes(patient, statement):
    count = AuditEntry.objects.count()
    assert count > 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEntry.objects.count() == count
    assert not AuditEntry.objects.filter(username="x").exists()


def test_each_entry_links_to_the_previous_ones_hash(patient):
    make_trial(make_episode(patient), "sertraline", 100, 8)
    chain = entries()
    assert len(chain) >= 3
    assert chain[0].previous_hash == GENESIS_HASH
    for previous, entry in itertools.pairwise(chain):
        assert entry.previous_hash == previous.entry_hash
        assert entry.entry_hash == compute_hash(entry)


def test_verify_audit_reports_an_intact_trail(patient, capsys):
    call_command("verify_audit")
    assert capsys.readouterr().out.strip() == (
        f"Audit trail intact: {AuditEntry.objects.count()} entries, checkpoints match"
    )


def test_verify_audit_finds_an_entry_changed_behind_the_applications_back(patient):
    episode = make_episode(patient)
    make_trial(episode, "sertraline", 100, 8)
    tampered = entries("create", object_type="patients.episode")[0]
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET username = %s WHERE id = %s", ["innocent", tampered.pk])

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    message = str(failure.value)
    assert message.startswith(f"Audit trail broken at entry #{tampered.pk} (recorded ")
    assert message.endswith("stored hash does not match its content")


def test_verify_audit_finds_a_removed_entry(patient):
    make_trial(make_episode(patient), "sertraline", 100, 8)
    chain = entries()
    removed, following = chain[1], chain[2]
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [removed.pk])
    with pytest.raises(CommandError, match=f"broken at entry #{following.pk} "):
        call_command("verify_audit")


def test_a_rehashed_forgery_is_still_caught_by_the_next_link(patient):
    """Recomputing the tampered entry's own hash is not enough: the next entry stored the old one."""
    make_trial(make_episode(patient), "sertraline", 100, 8)
    chain = entries()
    forged, following = chain[0], chain[1]
    forged.username = "innocent"
    new_hash = compute_hash(forged)
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET username = %s, entry_hash = %s WHERE id = %s",
            ["innocent", new_hash, forged.pk],
        )
    with pytest.raises(CommandError, match=f"broken at entry #{following.pk} "):
        call_command("verify_audit")


def test_log_ins_and_failed_log_ins_are_recorded_without_passwords(clinic, client):
    make_user(clinic, username="dr_login")
    client.post(reverse("login"), {"username": "dr_login", "password": "wrong-password-123"}, REMOTE_ADDR="10.0.0.7")
    response = client.post(reverse("login"), {"username": "dr_login", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302

    [failed] = entries("failed_login")
    assert (failed.username, failed.user_id, failed.patient_id, failed.client_address) == (
        "dr_login",
        None,
        None,
        "10.0.0.7",
    )
    assert "wrong-password-123" not in str(failed.changes)
    [login] = entries("login")
    assert login.username == "dr_login" and login.user_id is not None


def test_opening_the_patient_page_records_a_view_but_a_refused_one_does_not(clinic, other_clinic, client, patient):
    own = make_user(clinic, username="dr_own")
    stranger = make_user(other_clinic, username="dr_stranger")
    client.force_login(stranger)
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 404
    client.force_login(own)
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200

    [view] = entries("view")
    assert (view.username, view.patient_id, view.clinic_id) == ("dr_own", patient.pk, clinic.pk)


def test_the_staging_report_pdf_is_recorded_as_an_export(clinic, client):
    from tests.factories import make_staged_trd_patient

    patient = make_staged_trd_patient(clinic)
    client.force_login(make_user(clinic))
    response = client.get(reverse("staging:report", args=[patient.pk]))
    if response.status_code != 200 or not response["Content-Type"].startswith("application/pdf"):
        pytest.fail(f"the staging report did not answer a PDF: {response.status_code} {response['Content-Type']}")
    assert [entry.patient_id for entry in entries("export_pdf")] == [patient.pk]


def test_record_is_the_single_api_and_fills_in_the_request(rf, clinician, patient):
    request = rf.get("/", REMOTE_ADDR="2001:db8::1")
    request.user = clinician
    entry = log.record("view", patient=patient, request=request)
    assert (entry.username, entry.patient_id, entry.clinic_id, entry.client_address) == (
        "dr_north",
        patient.pk,
        patient.clinic_id,
        "2001:db8::1",
    )


# --- who may read the trail -----------------------------------------------------------------


@pytest.fixture
def clinic_admin(clinic):
    return make_user(clinic, role=Membership.CLINIC_ADMIN, username="admin_north")


def test_a_clinic_admin_reads_a_patients_audit_history(client, clinic_admin, patient):
    trial = make_trial(make_episode(patient), "sertraline", 100, 8)
    Trial.objects.filter(pk=trial.pk).first().delete()
    client.force_login(clinic_admin)
    response = client.get(reverse("audit:patient_history", args=[patient.pk]))
    assert response.status_code == 200
    shown = list(response.context["entries"])
    assert {entry.action for entry in shown} >= {"create", "delete"}
    assert all(entry.patient_id == patient.pk for entry in shown)
    assert b"patients.trial" in response.content


@pytest.mark.parametrize("who", ["clinician", "other_clinic_admin"])
def test_the_audit_history_is_404_for_clinicians_and_other_clinics(client, clinician, other_clinic, patient, who):
    user = clinician if who == "clinician" else make_user(other_clinic, role=Membership.CLINIC_ADMIN)
    client.force_login(user)
    assert client.get(reverse("audit:patient_history", args=[patient.pk])).status_code == 404


def test_the_admin_shows_a_clinic_admin_only_their_clinics_entries_and_allows_no_changes(
    client, clinic_admin, patient, other_clinic
):
    stranger = make_patient(other_clinic, name="Other Clinic Patient")
    client.force_login(clinic_admin)
    response = client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 200
    listed = {entry.clinic_id for entry in response.context["cl"].result_list}
    assert listed == {patient.clinic_id}

    theirs = entries(patient_id=stranger.pk)[0]
    ours = entries(patient_id=patient.pk)[0]
    assert client.get(reverse("admin:audit_auditentry_change", args=[theirs.pk])).status_code == 302
    assert client.get(reverse("admin:audit_auditentry_change", args=[ours.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_delete", args=[ours.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:audit_auditentry_change", args=[ours.pk]), {"username": "x"}).status_code == 403
    assert AuditEntry.objects.get(pk=ours.pk).username == ours.username


def test_a_superuser_cannot_delete_entries_in_the_admin_either(admin_client, patient):
    entry = entries()[0]
    response = admin_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
