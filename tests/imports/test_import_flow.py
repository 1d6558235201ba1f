"""Import with clinician review: nothing saved on upload, each row reviewed, one transaction."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from patients.models import Episode, ImportBatch, ScaleScore, Trial
from patients.services import restage
from tests.factories import make_patient
from tests.imports.helpers import accept_as_shown, latest_batch, review_page, upload, upload_json

TEMPLATE = Path(__file__).resolve().parents[2] / "static" / "import-template.csv"


@pytest.fixture
def patient(clinician):
    patient = make_patient(clinician.membership.clinic, date_of_birth=date(1970, 5, 17))
    Episode.objects.create(patient=patient, onset=date(2024, 11, 1), severity="severe")
    restage(patient)
    return patient


def _statement(drug_text: str, *, dose=100, start="2025-01-06", end="2025-03-03", rxnorm=None) -> dict:
    concept = {"text": drug_text}
    if rxnorm:
        concept["coding"] = [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": rxnorm}]
    return {
        "resourceType": "MedicationStatement",
        "id": drug_text.replace(" ", "-")[:20] or "x",
        "status": "completed",
        "medicationCodeableConcept": concept,
        "subject": {"display": "the patient"},
        "effectivePeriod": {"start": start, "end": end},
        "dosage": [
            {
                "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": dose / 2, "unit": "mg"}}],
            }
        ],
    }


def _bundle(*resources) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": item} for item in resources]}


def test_the_template_csv_is_reviewed_then_saved_in_one_go_and_audited(clinician_client, patient):
    response = upload(clinician_client, patient, TEMPLATE.read_bytes(), name="import-template.csv")
    assert response.status_code == 302
    batch = latest_batch(patient)
    assert batch.status == ImportBatch.PENDING and batch.file_format == "csv"
    assert not Trial.objects.filter(episode__patient=patient).exists()  # nothing saved on upload
    page = review_page(clinician_client, patient, batch).content.decode()
    assert "venlafaxine: from the brand name “Effexor XR”" in page
    assert "agomelatine" in page
    response = accept_as_shown(clinician_client, patient, batch)
    assert response.status_code == 302, response.content.decode()[-3000:]
    trials = list(Trial.objects.filter(episode__patient=patient).order_by("position"))
    assert [trial.drug for trial in trials] == ["sertraline", "venlafaxine", "agomelatine"]
    assert trials[1].augmentations.get().agent == "lithium"
    assert trials[2].weeks_at_dose == 8
    assert ScaleScore.objects.filter(episode__patient=patient, scale="PHQ-9", score=19).exists()
    batch.refresh_from_db()
    patient.refresh_from_db()
    assert batch.status == ImportBatch.ACCEPTED and batch.decided_at is not None
    assert batch.accepted["trials"]["accepted"] == ["row 2", "row 3", "row 4"]
    assert patient.current_snapshot.result["trials"][0]["drug"] == "sertraline"  # restaged
    entry = AuditEntry.objects.get(action=AuditEntry.IMPORT)
    assert entry.patient_id == patient.pk
    assert entry.changes["sha256"] == batch.sha256 and entry.changes["file_name"] == "import-template.csv"
    assert entry.changes["trials"] == {"accepted": 3, "rejected": 0}
    # The review page of a decided batch only reports it: accepting twice saves nothing twice.
    again = accept_as_shown(clinician_client, patient, batch)
    assert again.status_code == 200
    assert Trial.objects.filter(episode__patient=patient).count() == 3


def test_an_invalid_row_blocks_the_save_and_is_named(clinician_client, patient):
    upload_json(
        clinician_client, patient, _bundle(_statement("Zoloft"), _statement("sertralin", start="2025-04-01", end=""))
    )
    batch = latest_batch(patient)
    response = accept_as_shown(clinician_client, patient, batch, **{"trials-1-dose_mg_per_day": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Trial from entry 2 (MedicationStatement sertralin) · Dose, mg/day" in page
    assert "Dose must be more than 0 mg/day" in page
    assert not Trial.objects.filter(episode__patient=patient).exists()
    assert latest_batch(patient).status == ImportBatch.PENDING
    assert not AuditEntry.objects.filter(action=AuditEntry.IMPORT).exists()


def test_rows_can_be_rejected_and_edited(clinician_client, patient):
    upload_json(
        clinician_client,
        patient,
        _bundle(_statement("Prozac"), _statement("Lexapro", start="2025-04-01", end="2025-06-01")),
    )
    batch = latest_batch(patient)
    response = accept_as_shown(
        clinician_client, patient, batch, **{"trials-0-DELETE": "on", "trials-1-dose_mg_per_day": "15"}
    )
    assert response.status_code == 302
    (trial,) = Trial.objects.filter(episode__patient=patient)
    assert trial.drug == "escitalopram" and trial.dose_mg_per_day == 15
    assert latest_batch(patient).accepted["trials"]["rejected"] == ["entry 1 (MedicationStatement Prozac)"]


def test_mapping_by_rxnorm_brand_spelling_and_unmapped(clinician_client, patient):
    upload_json(
        clinician_client,
        patient,
        _bundle(
            _statement("Some product", rxnorm="36437"),
            _statement("Cymbalta"),
            _statement("Welbutrin"),
            _statement("Ketazolam"),
        ),
    )
    proposal = latest_batch(patient).proposal
    assert [row["fields"]["drug"] for row in proposal["trials"]] == [
        "sertraline",
        "duloxetine",
        "bupropion",
        "ketazolam",
    ]
    assert [row["unmapped"] for row in proposal["trials"]] == [False, False, False, True]
    assert proposal["trials"][0]["fields"]["dose_mg_per_day"] == "100"  # 2 × 50 mg a day
    page = review_page(clinician_client, patient, latest_batch(patient)).content.decode()
    assert "Not in the catalogue" in page
    response = accept_as_shown(clinician_client, patient, latest_batch(patient))
    assert "ketazolam is not in the catalogue: choose its class" in response.content.decode()
    response = accept_as_shown(
        clinician_client,
        patient,
        latest_batch(patient),
        **{"trials-3-drug_class": "SSRI", "trials-3-min_adequate_dose_mg": "20"},
    )
    assert response.status_code == 302
    assert Trial.objects.get(episode__patient=patient, drug="ketazolam").drug_class == "SSRI"


def test_likely_duplicates_are_flagged(clinician_client, patient):
    episode = patient.episodes.get()
    Trial.objects.create(
        episode=episode, drug="sertraline", dose_mg_per_day=100, weeks_at_dose=8, started_on=date(2025, 1, 6)
    )
    upload_json(clinician_client, patient, _bundle(_statement("sertraline"), _statement("paroxetine")))
    page = review_page(clinician_client, patient, latest_batch(patient)).content.decode()
    assert page.count("Possible duplicate.") == 1
    assert "Likely a duplicate of trial 1 (sertraline, started 06 Jan 2025)" in page


def test_the_episode_comes_from_the_condition_for_a_patient_without_one(clinician_client, clinician):
    patient = make_patient(clinician.membership.clinic)
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "370143000"}]},
        "severity": {"coding": [{"system": "http://snomed.info/sct", "code": "6736007"}]},
        "onsetDateTime": "2024-10-01",
    }
    statement = _statement("citalopram") | {"reasonReference": [{"reference": "Condition/c1"}]}
    upload_json(clinician_client, patient, _bundle(condition, statement))
    page = review_page(clinician_client, patient, latest_batch(patient)).content.decode()
    assert "Current episode" in page and "Moderate" in page and "2024-10-01" in page
    response = accept_as_shown(clinician_client, patient, latest_batch(patient))
    assert response.status_code == 302
    episode = patient.episodes.get()
    assert episode.severity == "moderate" and episode.onset == date(2024, 10, 1)
    assert episode.trials.get().drug == "citalopram"


def test_a_csv_for_a_patient_without_an_episode_is_refused(clinician_client, clinician):
    patient = make_patient(clinician.membership.clinic)
    response = upload(clinician_client, patient, TEMPLATE.read_bytes(), name="t.csv")
    assert response.status_code == 200
    assert "no current episode" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_discarding_saves_nothing(clinician_client, patient):
    upload_json(clinician_client, patient, _bundle(_statement("sertraline")))
    batch = latest_batch(patient)
    response = clinician_client.post(reverse("patients:import_review", args=[patient.pk, batch.pk]), {"discard": "1"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DISCARDED
    assert AuditEntry.objects.get(action=AuditEntry.IMPORT).changes["discarded"] is True
    assert not Trial.objects.filter(episode__patient=patient).exists()


def test_another_clinics_patient_and_batch_are_404(clinician_client, patient, other_clinic):
    theirs = make_patient(other_clinic)
    assert clinician_client.get(reverse("patients:import", args=[theirs.pk])).status_code == 404
    upload_json(clinician_client, patient, _bundle(_statement("sertraline")))
    batch = latest_batch(patient)
    assert clinician_client.get(reverse("patients:import_review", args=[theirs.pk, batch.pk])).status_code == 404


BIG_CSV = "record,drug,dose_mg_per_day,weeks_at_dose\n" + "trial,sertraline,50,8\n" * 1001


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.json", b"{" + b" " * (5 * 1024 * 1024) + b"}", "over 5 MB"),
        ("rows.csv", BIG_CSV.encode(), "more than 1,000 rows"),
        ("broken.json", b'{"resourceType": "Bundle", "entry": [', "malformed JSON at line 1"),
        ("lines.ndjson", b'{"resourceType": "Observation"}\n{"resourceType": ', "Line 2: malformed JSON"),
        ("report.pdf", b"%PDF-1.7 ...", "is not a file type this page reads"),
        ("data.csv", b"\xff\xfe\x00\x00binary", "not UTF-8 text"),
        ("formula.csv", b"record,drug,dose_mg_per_day\ntrial,=HYPERLINK(1),50\n", "row 2, column drug starts with"),
        ("at.csv", b"record,drug,dose_mg_per_day\ntrial,@SUM(A1),50\n", "Spreadsheet formulas are not imported"),
        ("quote.csv", b'record,drug\ntrial,"sertraline\n', "malformed"),
        ("columns.csv", b"record,drug,favourite_colour\ntrial,sertraline,blue\n", "favourite_colour"),
        ("kind.csv", b"record,drug\nmedication,sertraline\n", "is not one of trial, ect, course, score"),
        ("list.json", b"[1, 2]", "JSON list"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "JSON list"),
        ("deep2.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
        ("empty.json", b"   ", "empty"),
    ],
)
def test_bad_files_get_a_clear_error_and_nothing_is_saved(clinician_client, patient, name, content, message):
    response = upload(clinician_client, patient, content, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not Trial.objects.exists()


def test_a_negative_number_is_not_a_formula(clinician_client, patient):
    csv_text = "record,drug,dose_mg_per_day,weeks_at_dose,improvement_pct\ntrial,sertraline,50,8,-5\n"
    assert upload(clinician_client, patient, csv_text, name="ok.csv").status_code == 302
    assert latest_batch(patient).proposal["trials"][0]["fields"]["improvement_pct"] == "-5"


def test_ndjson_with_a_request_a_procedure_and_a_phq9_score(clinician_client, patient):
    request = {
        "resourceType": "MedicationRequest",
        "id": "rx1",
        "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "4493"}]},
        "authoredOn": "2025-02-01",
        "dispenseRequest": {"validityPeriod": {"start": "2025-02-01", "end": "2025-04-12"}},
        "dosageInstruction": [
            {"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
             "doseAndRate": [{"doseQuantity": {"value": 0.04, "unit": "g"}}]}
        ],
    }  # fmt: skip
    procedure = {
        "resourceType": "Procedure",
        "id": "p1",
        "status": "completed",
        "code": {"text": "rTMS"},
        "performedDateTime": "2025-05-01",
        "outcome": {"text": "Partial response"},
    }
    score = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
        "effectiveDateTime": "2025-02-01T09:30:00Z",
        "valueInteger": 17,
    }
    text = "\n".join(json.dumps(item) for item in (request, procedure, score))
    assert upload(clinician_client, patient, text, name="history.ndjson").status_code == 302
    batch = latest_batch(patient)
    assert batch.file_format == "ndjson"
    (trial,) = batch.proposal["trials"]
    assert trial["fields"]["drug"] == "fluoxetine" and trial["fields"]["dose_mg_per_day"] == "40"
    assert trial["source"] == "line 1 (MedicationRequest rx1)"
    response = accept_as_shown(clinician_client, patient, batch)
    assert response.status_code == 302, response.content.decode()[-2000:]
    episode = patient.episodes.get()
    trial = episode.trials.get()
    assert (trial.started_on, trial.ended_on, trial.weeks_at_dose) == (date(2025, 2, 1), date(2025, 4, 12), 10)
    course = episode.other_courses.get()
    assert (course.kind, course.outcome, course.started_on) == ("rtms", "partial_response", date(2025, 5, 1))
    assert episode.scale_scores.get().score == 17


def test_imported_trials_follow_the_recorded_ones(clinician_client, patient):
    episode = patient.episodes.get()
    Trial.objects.create(episode=episode, position=0, drug="citalopram", dose_mg_per_day=20, weeks_at_dose=6)
    upload_json(clinician_client, patient, _bundle(_statement("sertraline"), _statement("paroxetine")))
    assert accept_as_shown(clinician_client, patient, latest_batch(patient)).status_code == 302
    assert list(episode.trials.order_by("position").values_list("drug", "position")) == [
        ("citalopram", 0),
        ("sertraline", 1),
        ("paroxetine", 2),
    ]
