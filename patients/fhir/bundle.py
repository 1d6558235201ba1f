"""One patient as a FHIR R4 Bundle of type `collection` (GET /api/v1/patients/<id>/fhir).

Inside the Bundle every entry's fullUrl is a `urn:uuid:` derived from the resource's type and id,
and every reference uses it, so references resolve within the Bundle alone (FHIR R4 §2.36.4).
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from patients.fhir import codes
from patients.fhir.export import PatientRecord, episodes_for_export, patient_resources
from patients.models import Patient
from patients.services import staging_as_of_today
from staging.models import GeneratedReport

# Fixed namespace: the same resource gets the same urn:uuid in every export.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, codes.BASE)


def bundle_reference(resource_type: str, resource_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{resource_type}/{resource_id}')}"


def load_record(patient: Patient) -> PatientRecord:
    """The patient's rows and the staging as of today (rules §1.1: restaged when dated earlier)."""
    snapshot = staging_as_of_today(patient)
    return PatientRecord(
        patient=patient,
        episodes=episodes_for_export([patient.pk]).get(patient.pk, []),
        snapshot=snapshot,
        reports=list(GeneratedReport.objects.filter(patient=patient)),
    )


def patient_bundle(patient: Patient) -> dict:
    record = load_record(patient)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": timezone.now().isoformat()},
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {"fullUrl": bundle_reference(resource["resourceType"], resource["id"]), "resource": resource}
            for resource in patient_resources(record, bundle_reference)
        ],
    }
