"""The eligibility panel, attestation answers and the prior-authorisation packet (rules §12)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.models import AuditEntry
from patients.models import Attestation, ScaleScore
from patients.services import restage
from staging.models import GeneratedReport
from tests.factories import make_ect, make_staged_trd_patient, make_user
from tests.staging.pdf_helpers import flat, page_texts

TODAY = date(2026, 12, 2)
US = "esketamine-us-fda"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel("2026-12-02 10:00:00+00:00", tick=False):
        yield


@pytest.fixture
def patient(clinic):
    patient = make_staged_trd_patient(clinic, name="Ada Eligible")
    episode = patient.episodes.get()
    ScaleScore.objects.create(episode=episode, scale="MADRS", score=32, rated_on=date(2026, 11, 1))
    ScaleScore.objects.create(episode=episode, scale="PHQ-9", score=19, rated_on=date(2026, 11, 25))
    make_ect(episode, "right_unilateral", "non_response", 9)
    restage(patient)  # as every entry form does after a save
    patient.refresh_from_db()
    return patient


def answer(client, patient, criterion, value, profile=US):
    return client.post(
        reverse("staging:eligibility_answer", args=[patient.pk]),
        {"profile": profile, "criterion": criterion, "answer": value},
    )


def statuses(patient) -> dict[str, str]:
    patient.refresh_from_db()
    return {profile["profile"]: profile["status"] for profile in patient.current_snapshot.result["eligibility"]}


def criterion_states(result: dict, profile_id: str) -> list[tuple[str, str]]:
    [profile] = [p for p in result["eligibility"] if p["profile"] == profile_id]
    return [(c["id"], c["state"]) for c in profile["criteria"]]


def test_the_page_shows_a_row_per_profile_with_status_source_and_evidence_links(clinician_client, patient):
    response = clinician_client.get(reverse("patients:detail", args=[patient.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Treatment eligibility" in html
    assert html.count('<details class="card mb-2 eligibility-profile"') == 4
    assert 'id="eligibility-esketamine-us-fda"' in html and 'id="eligibility-vns-us-cms-ncd-160-18"' in html
    assert "SPRAVATO (esketamine) nasal spray, US prescribing information" in html
    assert "checked 2 Dec 2026" in html
    # the US profile waits on its two attestations; the TRD criterion cites trials 1 and 2
    us = html[html.index('id="eligibility-esketamine-us-fda"') : html.index('id="eligibility-esketamine-eu-smpc"')]
    assert "eligibility-incomplete" in us and "Not documented" in us and "Met" in us
    assert '<a href="#trial-1">sertraline (trial 1): 150 mg/day (minimum 50)' in us
    assert 'href="#trial-2"' in us and 'href="#trial-3"' not in us
    # the anchors exist on the page's own rows
    for anchor in ("trial-1", "trial-2", "course-1", "score-1", "score-2"):
        assert f'id="{anchor}"' in html
    vns = html[html.index('id="eligibility-vns-us-cms-ncd-160-18"') : html.index('id="eligibility-ect-uk-nice-ng222"')]
    assert 'href="#score-1"' in vns and 'href="#score-2"' in vns
    # one answer form per attestation, CSRF-protected, never a GET
    assert html.count('class="attestation-answer mt-2"') == 12
    assert 'name="csrfmiddlewaretoken"' in us and 'method="post"' in us
    panel = html[html.index('aria-labelledby="eligibility-heading"') :]
    panel = panel[: panel.index("</section>")]
    assert "<script" not in panel and "style=" not in panel and " on" + "click" not in panel


def test_answering_an_attestation_restages_at_once_and_is_audited(clinician_client, clinician, patient):
    assert statuses(patient)[US] == "incomplete"
    before = AuditEntry.objects.count()
    response = answer(clinician_client, patient, "contraindications", "confirmed")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/patients/{patient.pk}/?eligibility={US}#eligibility-esketamine-us-fda")
    answer(clinician_client, patient, "rems", "confirmed")
    assert statuses(patient)[US] == "eligible"
    stored = Attestation.objects.get(criterion="rems")
    assert (stored.holds, stored.answered_by, stored.answered_by_name) == (True, clinician, "Test Dr_North")
    assert stored.episode.patient == patient
    entries = AuditEntry.objects.filter(pk__gt=before, object_type="patients.attestation")
    assert [(e.action, e.patient_id) for e in entries] == [("create", patient.pk), ("create", patient.pk)]

    answer(clinician_client, patient, "rems", "does_not_hold")  # changed
    assert statuses(patient)[US] == "not_eligible"
    change = AuditEntry.objects.filter(object_type="patients.attestation").latest("pk")
    assert change.action == "update" and change.changes["holds"] == [True, False]

    answer(clinician_client, patient, "rems", "open")  # withdrawn
    assert statuses(patient)[US] == "incomplete"
    assert not Attestation.objects.filter(criterion="rems").exists()
    assert AuditEntry.objects.filter(object_type="patients.attestation").latest("pk").action == "delete"


def test_the_page_shows_who_answered_and_when(clinician_client, patient):
    answer(clinician_client, patient, "four_episodes", "confirmed", profile="vns-us-cms-ncd-160.18")
    html = clinician_client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "Confirmed by Test Dr_North on 2 Dec 2026." in html
    assert re.search(r'value="confirmed" id="eligibility-vns-us-cms-ncd-160-18-four_episodes-confirmed" checked', html)


def test_a_bad_answer_changes_nothing_and_says_why(clinician_client, patient):
    snapshot = patient.current_snapshot_id
    response = answer(clinician_client, patient, "trd", "confirmed")  # not an attestation criterion
    assert response.status_code == 302
    follow = clinician_client.get(response["Location"]).content.decode()
    assert "The answer was not saved" in follow
    assert answer(clinician_client, patient, "rems", "maybe").status_code == 302
    assert not Attestation.objects.exists()
    patient.refresh_from_db()
    assert patient.current_snapshot_id == snapshot


def test_answers_and_packets_are_post_only_and_clinic_scoped(client, clinician_client, patient, other_clinic):
    assert clinician_client.get(reverse("staging:eligibility_answer", args=[patient.pk])).status_code == 405
    assert clinician_client.get(reverse("staging:eligibility_packet", args=[patient.pk])).status_code == 405
    stranger = make_user(other_clinic, username="dr_south")
    client.force_login(stranger)
    assert answer(client, patient, "rems", "confirmed").status_code == 404
    packet = client.post(reverse("staging:eligibility_packet", args=[patient.pk]), {"profile": US})
    assert packet.status_code == 404
    assert not Attestation.objects.exists()


def produce(client, patient, profile=US, reason="Severe, chronic episode; two SSRIs/SNRIs failed."):
    return client.post(reverse("staging:eligibility_packet", args=[patient.pk]), {"profile": profile, "reason": reason})


def test_the_packet_pdf_holds_criteria_states_evidence_attestations_and_the_reason(clinician_client, patient):
    answer(clinician_client, patient, "contraindications", "confirmed")
    before = AuditEntry.objects.count()
    response = produce(clinician_client, patient)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    filename = re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1)
    assert filename == f"eligibility-{US}-{patient.pk}-2026-12-02.pdf"
    assert "Ada" not in filename
    text = flat(" ".join(page_texts(response.content)))
    for expected in (
        "Prior-authorisation packet",
        "Ada Eligible",
        "Treatment-resistant depression (TRD)",  # the diagnosis
        "SPRAVATO (esketamine) nasal spray, US prescribing information",
        "against the source on 2 Dec 2026",
        "Severe, chronic episode; two SSRIs/SNRIs failed.",
        "Incomplete",
        "sertraline (trial 1, SSRI) 150 (50) 8 90 % No response",  # dose against minimum, weeks, adherence
        "venlafaxine (trial 2, SNRI) 225 (150) 10 95 % No response",
        "1 Feb 2024",
        "Clinician's attestation: Confirmed — Test Dr_North, 2 Dec 2026",
        "Clinician's attestation: Left open",
        "Signature",
    ):
        assert expected in text, expected
    record = GeneratedReport.objects.get(kind=GeneratedReport.ELIGIBILITY_PACKET)
    assert (record.profile, record.patient, record.generated_by) == (US, patient, "dr_north")
    assert len(record.sha256) == 64
    audit = AuditEntry.objects.filter(pk__gt=before, action=AuditEntry.EXPORT_PDF).get()
    assert audit.patient_id == patient.pk


def test_the_packet_cites_scale_scores_with_their_dates(clinician_client, patient):
    text = flat(" ".join(page_texts(produce(clinician_client, patient, "vns-us-cms-ncd-160.18", "").content)))
    assert "Scale score: MADRS 32" in text and "rated 1 Nov 2026" in text
    assert "Scale score: PHQ-9 19" in text and "rated 25 Nov 2026" in text
    assert "Reason for referral" not in text


def test_an_unknown_profile_prints_nothing(clinician_client, patient):
    response = produce(clinician_client, patient, profile="rtms-nowhere")
    assert response.status_code == 302
    assert not GeneratedReport.objects.exists()


def test_page_report_and_packet_show_the_same_criteria_states(clinician_client, patient):
    answer(clinician_client, patient, "rems", "does_not_hold")
    patient.refresh_from_db()
    result = patient.current_snapshot.result
    html = clinician_client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    report = flat(" ".join(page_texts(clinician_client.get(reverse("staging:report", args=[patient.pk])).content)))
    words = {"met": "Met", "not_met": "Not met", "not_documented": "Not documented"}
    for profile in result["eligibility"]:
        anchor = "eligibility-" + profile["profile"].replace(".", "-")
        packet = flat(" ".join(page_texts(produce(clinician_client, patient, profile["profile"], "").content)))
        assert profile["title"] in report
        for criterion in profile["criteria"]:
            state = words[criterion["state"]]
            row = re.search(rf'<tr class="criterion criterion-(\w+)" id="{anchor}-{criterion["id"]}">', html)
            assert row.group(1) == criterion["state"], (profile["profile"], criterion["id"])
            assert f"{state} {criterion['explanation'][:40]}" in report, (profile["profile"], criterion["id"])
            heading = f"{criterion['text'][:40]}"
            assert heading in packet and state in packet
    assert criterion_states(result, US)[3] == ("rems", "not_met")
    assert "Eligibility" in report and "Not eligible" in report


def test_staging_report_command_writes_a_packet(clinic, patient, tmp_path):
    output = tmp_path / "packet.pdf"
    one_patient = [patient.record_number, "--clinic", clinic.slug, "--output", str(output)]
    call_command("staging_report", *one_patient, "--profile", US, stdout=io.StringIO())
    text = flat(" ".join(page_texts(output.read_bytes())))
    assert "Prior-authorisation packet" in text and "SPRAVATO" in text
    record = GeneratedReport.objects.get()
    assert (record.kind, record.profile, record.channel) == ("eligibility_packet", US, "command")
    with pytest.raises(CommandError, match="No eligibility profile 'nope'"):
        call_command("staging_report", *one_patient, "--profile", "nope")
    call_command("staging_report", "--all", "--output", str(tmp_path / "all"), "--profile", US, stdout=io.StringIO())
    assert (tmp_path / "all" / f"{clinic.slug}-{patient.pk}-{US}.pdf").exists()
