"""FHIR R4 export: every resource parses with the R4B models, codes are right, references resolve."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem

from audit.models import AuditEntry
from patients.fhir import codes
from patients.models import Patient
from staging.engine.catalogue import default_catalogue
from staging.models import GeneratedReport
from staging.views import produce_report
from tests.factories import make_patient

CODESYSTEM_PATH = Path(__file__).resolve().parents[2] / "docs" / "fhir" / "CodeSystem-trd-clinic.json"


def _references(value):
    """Every `reference` string anywhere in a resource."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def _export(client, patient) -> dict:
    response = client.get(reverse("patients:fhir", args=[patient.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    return json.loads(response.content)


def _of_type(bundle: dict, resource_type: str) -> list[dict]:
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == resource_type]


def _codings(concept: dict, system: str) -> list[str]:
    return [coding["code"] for coding in concept.get("coding", []) if coding["system"] == system]


def test_every_demo_bundle_parses_as_r4_and_its_references_resolve(demo_client, demo_patients):
    for patient in demo_patients:
        document = _export(demo_client, patient)
        Bundle.model_validate(document)  # raises on anything that is not valid R4 (R4B shares it)
        for entry in document["entry"]:
            resource = entry["resource"]
            model = get_fhir_model_class(resource["resourceType"])
            parsed = model.model_validate(resource)
            # Nothing silently dropped: the parsed model writes back every element we sent.
            assert set(json.loads(parsed.model_dump_json(exclude_none=True))) >= set(resource) - {"resourceType"}
        full_urls = {entry["fullUrl"] for entry in document["entry"]}
        assert len(full_urls) == len(document["entry"])
        for reference in _references(document):
            assert reference in full_urls, (patient.pk, reference)


def test_codes_and_what_the_staging_counted(demo_client, demo_patients):
    catalogue = default_catalogue()
    checked_rxnorm = checked_derived = checked_phq9 = 0
    for patient in demo_patients:
        document = _export(demo_client, patient)
        by_url = {entry["fullUrl"]: entry["resource"] for entry in document["entry"]}
        for condition in _of_type(document, "Condition"):
            assert _codings(condition["code"], codes.SNOMED) == ["370143000"]
        for statement in _of_type(document, "MedicationStatement"):
            drug = statement["medicationCodeableConcept"]["text"].replace(" ", "_")
            entry = catalogue.get(drug)
            expected_rxnorm = [entry.rxnorm] if entry is not None and entry.rxnorm else []
            assert _codings(statement["medicationCodeableConcept"], codes.RXNORM) == expected_rxnorm
            checked_rxnorm += bool(expected_rxnorm)
            assert statement["dosage"][0]["doseAndRate"][0]["doseQuantity"]["unit"] == "mg"
        for observation in _of_type(document, "Observation"):
            if observation["code"].get("text") == "PHQ-9":
                assert _codings(observation["code"], codes.LOINC) == ["44261-6"]
                checked_phq9 += 1
            staging_codes = _codings(observation["code"], codes.TRD_SYSTEM)
            if staging_codes:
                assert staging_codes[0] in codes.STAGING_OBSERVATIONS
                for derived in observation.get("derivedFrom", []):
                    assert by_url[derived["reference"]]["resourceType"] == "MedicationStatement"
                    checked_derived += 1
        snapshot = patient.current_snapshot
        if snapshot is not None:
            stage = next(
                item
                for item in _of_type(document, "Observation")
                if _codings(item["code"], codes.TRD_SYSTEM) == ["thase-rush-stage"]
            )
            assert stage["valueInteger"] == snapshot.result["thase_rush"]["stage"]
            assert len(stage.get("derivedFrom", [])) == len(snapshot.result["thase_rush"]["counted_trials"])
            (provenance,) = _of_type(document, "Provenance")
            assert provenance["policy"] == [codes.RULESET_POLICY_BASE + snapshot.ruleset]
    assert checked_rxnorm > 10 and checked_derived > 10 and checked_phq9 >= 1


def test_a_recorded_report_is_a_document_reference_with_its_sha256(demo_client, demo_patients):
    patient = next(patient for patient in demo_patients if patient.current_snapshot_id)
    produced = produce_report(patient)
    document = _export(demo_client, patient)
    (reference,) = _of_type(document, "DocumentReference")
    assert reference["identifier"] == [{"system": codes.SHA256_IDENTIFIER_SYSTEM, "value": produced.record.sha256}]
    assert reference["content"][0]["attachment"]["size"] == len(produced.rendered.pdf)
    assert GeneratedReport.objects.filter(patient=patient).count() == 1


def test_the_export_is_audited_and_another_clinics_patient_is_a_404(client, clinician, other_clinic):
    mine = make_patient(clinician.membership.clinic)
    theirs = make_patient(other_clinic)
    client.force_login(clinician)
    assert client.get(reverse("patients:fhir", args=[mine.pk])).status_code == 200
    assert client.get(reverse("patients:fhir", args=[theirs.pk])).status_code == 404
    entries = AuditEntry.objects.filter(action=AuditEntry.EXPORT_FHIR)
    assert list(entries.values_list("patient_id", flat=True)) == [mine.pk]


def test_the_export_needs_a_login(client, clinic):
    patient = make_patient(clinic)
    response = client.get(reverse("patients:fhir", args=[patient.pk]))
    assert response.status_code == 401  # problem details, as the rest of the API
    assert not AuditEntry.objects.filter(action=AuditEntry.EXPORT_FHIR).exists()


def test_the_staging_is_as_of_the_day_of_the_export(demo_client, demo_patients):
    patient = next(patient for patient in demo_patients if patient.current_snapshot_id)
    later = timezone.now() + timedelta(days=400)
    with time_machine.travel(later, tick=False):
        demo_client.force_login(get_user_model().objects.get(username="clinician"))  # sessions last 30 minutes
        document = _export(demo_client, patient)
        today = timezone.localdate().isoformat()
    staging = [item for item in _of_type(document, "Observation") if _codings(item["code"], codes.TRD_SYSTEM)]
    assert staging and {item["effectiveDateTime"] for item in staging} == {today}


def test_the_published_codesystem_lists_exactly_the_codes_used():
    published = json.loads(CODESYSTEM_PATH.read_text(encoding="utf-8"))
    CodeSystem.model_validate(published)
    assert published["url"] == codes.TRD_SYSTEM
    assert [(concept["code"], concept["display"]) for concept in published["concept"]] == codes.trd_concepts()
    assert published["count"] == len(published["concept"])


@pytest.mark.parametrize("drug", ["sertraline", "fluoxetine", "escitalopram", "venlafaxine", "bupropion"])
def test_common_drugs_carry_rxnorm_and_atc(drug):
    entry = default_catalogue().get(drug)
    assert entry.rxnorm.isdigit() and len(entry.atc) == 7 and entry.atc.startswith("N06A")


def test_a_patient_without_an_episode_exports_the_patient_only(clinician_client, clinician):
    patient = make_patient(clinician.membership.clinic)
    document = _export(clinician_client, patient)
    assert [entry["resource"]["resourceType"] for entry in document["entry"]] == ["Patient"]
    assert Patient.objects.get(pk=patient.pk).current_snapshot_id is None


def test_a_personal_token_exports_like_the_session(client, clinician, other_clinic):
    from patients.api.tokens import create_token

    mine, theirs = make_patient(clinician.membership.clinic), make_patient(other_clinic)
    _, secret = create_token(clinician, "EHR link", 30)
    headers = {"Authorization": f"Bearer {secret}", "Accept": "application/fhir+json"}
    response = client.get(reverse("patients:fhir", args=[mine.pk]), headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    Bundle.model_validate(json.loads(response.content))
    assert client.get(reverse("patients:fhir", args=[theirs.pk]), headers=headers).status_code == 404
    refused = client.get(reverse("patients:fhir", args=[mine.pk]), headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/problem+json")
    assert list(AuditEntry.objects.filter(action=AuditEntry.EXPORT_FHIR).values_list("patient_id", flat=True)) == [
        mine.pk
    ]
