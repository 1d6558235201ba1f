"""The worklist: who needs what, with the link that fixes it; scoped, sorted, paged, exported."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from patients.models import Episode, Membership
from patients.services import restage
from patients.worklist import ELIGIBILITY, REASSESSMENT, REFERRAL, SCREENING, TRIALS
from staging.engine.inputs import SCREENING_ITEMS
from tests.factories import make_ect, make_episode, make_patient, make_staged_trd_patient, make_trial, make_user

pytestmark = pytest.mark.django_db

PAST = "2026-06-01 09:00:00+00:00"
NOW = "2026-11-15 10:00:00+00:00"


def _screen_everything(patient):
    Episode.objects.filter(patient=patient).update(**dict.fromkeys(SCREENING_ITEMS, "screened_negative"))


def _needs(response, *, eligibility=False) -> dict[int, dict[str, object]]:
    """Per patient listed, reason -> need; without the eligibility reason unless asked (rules §12:
    nearly every staged patient has a profile waiting for an attestation)."""
    return {
        item.patient.pk: {need.reason: need for need in item.needs if eligibility or need.reason != ELIGIBILITY}
        for item in response.context["items"]
    }


@pytest.fixture
def world(clinic):
    """Patients, each needing one known thing (or nothing), staged on known days."""
    with time_machine.travel(PAST, tick=False):
        stale = make_patient(clinic, name="Stale Patient")
        episode = make_episode(stale, onset=date(2026, 1, 5))
        make_trial(episode, "sertraline", 150, 8, adherence=90, improvement=60)  # responding
        restage(stale)
    with time_machine.travel(NOW, tick=False):
        trd = make_staged_trd_patient(clinic, name="Trd Unscreened")  # stage II, nothing screened, no course
        treated = make_staged_trd_patient(clinic, name="Trd With Ect")
        make_ect(Episode.objects.get(patient=treated), placement="right_unilateral", outcome="non_response")
        _screen_everything(treated)
        restage(treated)
        undocumented = make_patient(clinic, name="Undocumented Trial")
        episode = make_episode(undocumented, onset=date(2026, 3, 1))
        make_trial(episode, "sertraline", 150, 8, adherence=None, improvement=None)
        restage(undocumented)
        fine = make_patient(clinic, name="Nothing Needed")
        episode = make_episode(fine, onset=date(2026, 3, 1))
        make_trial(episode, "sertraline", 150, 8, adherence=95, improvement=70)
        restage(fine)
    return {"stale": stale, "trd": trd, "treated": treated, "undocumented": undocumented, "fine": fine}


@time_machine.travel(NOW, tick=False)
def test_each_patient_is_listed_with_what_they_need_and_where(world, clinician_client):
    response = clinician_client.get(reverse("patients:worklist"))

    assert response.status_code == 200
    needs = _needs(response)
    assert set(needs[world["trd"].pk]) == {SCREENING, REFERRAL}
    assert not needs.get(world["treated"].pk)  # screened, and an ECT course recorded
    assert set(needs[world["undocumented"].pk]) == {TRIALS}
    assert set(needs[world["stale"].pk]) == {REASSESSMENT}
    assert not needs.get(world["fine"].pk)
    trd = world["trd"].pk
    assert needs[trd][SCREENING].url == reverse("patients:episode", args=[trd])
    assert "Thyroid function" in needs[trd][SCREENING].detail
    assert needs[trd][REFERRAL].url == reverse("patients:courses", args=[trd])
    undocumented = needs[world["undocumented"].pk][TRIALS]
    assert undocumented.detail == "trial 1 (sertraline): outcome and adherence not documented"
    assert undocumented.url == reverse("patients:trials", args=[world["undocumented"].pk])
    assert "due after 90 days" in needs[world["stale"].pk][REASSESSMENT].detail
    # longest waiting first: the patient last assessed in June leads
    assert response.context["items"][0].patient.pk == world["stale"].pk
    assert response.context["items"][0].days_waiting == 167


@time_machine.travel(NOW, tick=False)
def test_filter_by_reason_and_order(world, clinician_client):
    response = clinician_client.get(reverse("patients:worklist"), {"reason": REFERRAL})
    assert [item.patient.pk for item in response.context["items"]] == [world["trd"].pk]
    response = clinician_client.get(reverse("patients:worklist"), {"order": "shortest"})
    assert response.context["items"][-1].patient.pk == world["stale"].pk
    response = clinician_client.get(reverse("patients:worklist"), {"reason": "nonsense", "page": "-3"})
    assert response.status_code == 200  # ignored, not a 500
    assert len(response.context["items"]) == len(clinician_client.get(reverse("patients:worklist")).context["items"])


@time_machine.travel(NOW, tick=False)
def test_incomplete_eligibility_names_what_is_not_documented(world, clinician_client):
    response = clinician_client.get(reverse("patients:worklist"), {"reason": ELIGIBILITY})
    needs = _needs(response, eligibility=True)
    trd = world["trd"].pk
    assert set(needs[trd]) == {ELIGIBILITY}  # only the reason asked for
    need = needs[trd][ELIGIBILITY]
    assert need.url == reverse("patients:detail", args=[trd])
    assert "not documented: " in need.detail
    assert "contraindications" in need.detail  # rules §12.4: an attestation nobody has answered yet


@time_machine.travel(NOW, tick=False)
def test_reassessment_period_is_the_clinics(world, clinic, clinician_client):
    clinic.reassessment_after_days = 365
    clinic.save()
    response = clinician_client.get(reverse("patients:worklist"), {"reason": REASSESSMENT})
    assert response.context["items"] == []


@time_machine.travel(NOW, tick=False)
def test_pages_of_25(clinic, clinician_client):
    for _ in range(30):
        make_staged_trd_patient(clinic)
    first = clinician_client.get(reverse("patients:worklist"))
    second = clinician_client.get(reverse("patients:worklist"), {"page": 2})
    assert len(first.context["items"]) == 25
    assert len(second.context["items"]) == 5
    assert first.context["has_next"] and not second.context["has_next"]
    assert "Patients 26 to 30." in second.content.decode()
    assert 'page=2">Next</a>' in first.content.decode()
    assert not {item.patient.pk for item in first.context["items"]} & {
        item.patient.pk for item in second.context["items"]
    }


def _needing_every_stored_reason(clinic):
    """A patient with screening, trials, referral and eligibility to do (rules §8, §3, §5, §12.3)."""
    patient = make_staged_trd_patient(clinic)
    make_trial(Episode.objects.get(patient=patient), "citalopram", 40, 8, adherence=None, improvement=None)
    restage(patient)
    return patient


# The request (session, user, membership, clinic), the page's patients with their reasons, the
# words of three reasons (screening items, trials, eligibility profiles: only for the patients
# they concern), the audit entry of the patients shown (savepoint, chain head, entry, its
# patients, checkpoint, release; on PostgreSQL also the chain's advisory lock) and the session's
# save (savepoint, update, release).
PAGE_QUERIES = 4 + 1 + 3 + 6 + 3


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("size", [3, 30])
def test_a_page_costs_the_same_queries_for_3_and_30_patients(clinic, clinician_client, size, django_assert_num_queries):
    for _ in range(size):
        _needing_every_stored_reason(clinic)
    chain_lock = 1 if connection.vendor == "postgresql" else 0  # audit.log's advisory lock
    with django_assert_num_queries(PAGE_QUERIES + chain_lock):
        response = clinician_client.get(reverse("patients:worklist"))
    assert len(response.context["items"]) == min(size, 25)
    assert {need.reason for need in response.context["items"][0].needs} == {SCREENING, TRIALS, REFERRAL, ELIGIBILITY}


@time_machine.travel(NOW, tick=False)
def test_a_reason_without_words_to_look_up_costs_only_the_page(clinic, clinician_client, django_assert_num_queries):
    for _ in range(3):
        _needing_every_stored_reason(clinic)
    chain_lock = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(PAGE_QUERIES - 3 + chain_lock):  # no screening, trial or profile words
        response = clinician_client.get(reverse("patients:worklist"), {"reason": REFERRAL})
    assert [need.reason for item in response.context["items"] for need in item.needs] == [REFERRAL] * 3


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("size", [3, 30])
def test_the_csv_costs_the_same_queries_for_3_and_30_patients(
    clinic, clinician_client, size, django_assert_num_queries
):
    for _ in range(size):
        _needing_every_stored_reason(clinic)
    chain_lock = 1 if connection.vendor == "postgresql" else 0
    # the request, the patients' ids, the audit entry (as a page's), the session's save, then per
    # chunk of 2,000 patients: their rows and the words of three reasons
    with django_assert_num_queries(4 + 1 + 6 + 3 + 4 + chain_lock):
        response = clinician_client.get(reverse("patients:worklist_csv"))
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 4 * size  # the header, then a line per patient and reason


@time_machine.travel(NOW, tick=False)
def test_a_clinician_of_another_clinic_sees_none_of_them(world, other_clinic, client):
    client.force_login(make_user(other_clinic, Membership.CLINICIAN))
    response = client.get(reverse("patients:worklist"))
    assert response.status_code == 200
    assert response.context["items"] == []
    assert "Trd Unscreened" not in response.content.decode()
    export = client.get(reverse("patients:worklist_csv"))
    assert b"Trd Unscreened" not in b"".join(export.streaming_content)


@time_machine.travel(NOW, tick=False)
def test_page_view_is_audited_with_the_patients_shown(world, clinician_client):
    clinician_client.get(reverse("patients:worklist"), {"reason": REFERRAL})
    entry = AuditEntry.objects.filter(action=AuditEntry.LIST).latest("pk")
    assert entry.patient_set_ids == [world["trd"].pk]


@time_machine.travel(NOW, tick=False)
def test_csv_is_formula_safe_and_audited_as_an_export(clinic, clinician_client):
    patient = make_staged_trd_patient(clinic, name='=HYPERLINK("http://evil")', record_number="+1-555")

    response = clinician_client.get(reverse("patients:worklist_csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "worklist-2026-11-15.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Record number", "Name", "Clinic", "Reason"]
    body = rows[1:]
    assert {row[3] for row in body} >= {
        "Pseudo-resistance items not screened",
        "Regulatory TRD, no ECT, esketamine, rTMS or VNS: candidate for referral",
    }  # a line per reason
    assert all(row[0] == "'+1-555" and row[1] == '\'=HYPERLINK("http://evil")' for row in body)
    entry = AuditEntry.objects.filter(action=AuditEntry.EXPORT_CSV).latest("pk")
    assert entry.patient_set_ids == [patient.pk]


def test_user_without_clinic_is_told_why(client):
    client.force_login(make_user(None))
    response = client.get(reverse("patients:worklist"))
    assert response.status_code == 403
    assert "not attached to a clinic" in response.content.decode()
