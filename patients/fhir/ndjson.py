"""A clinic as FHIR Bulk Data NDJSON: one file per resource type, one resource per line.

Patients are read in batches (a fixed number of queries per batch) and each resource is written
as soon as it is built, so memory holds one batch whatever the clinic's size. References are
relative (`Patient/patient-12`), as Bulk Data files are read without a Bundle around them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder

from patients.fhir.export import PatientRecord, episodes_for_export, patient_resources
from patients.models import Patient
from patients.services import restage_many, stale_patients
from staging.models import GeneratedReport


def relative_reference(resource_type: str, resource_id: str) -> str:
    return f"{resource_type}/{resource_id}"


class NdjsonWriter:
    """Opens `<Type>.ndjson` in the directory the first time a resource of that type comes."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.files = {}
        self.counts: dict[str, int] = {}

    def write(self, resource: dict) -> None:
        resource_type = resource["resourceType"]
        handle = self.files.get(resource_type)
        if handle is None:
            handle = self.files[resource_type] = (self.directory / f"{resource_type}.ndjson").open(
                "w", encoding="utf-8"
            )
            self.counts[resource_type] = 0
        handle.write(json.dumps(resource, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")))
        handle.write("\n")
        self.counts[resource_type] += 1

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


def _records(batch_ids: list[int]):
    """The batch's patients with their rows, reports and staging as of today."""
    # rules §1.1: a staging dated another day is recomputed before it leaves the app.
    restage_many(stale_patients(Patient.objects.filter(pk__in=batch_ids)).values_list("pk", flat=True))
    patients = (
        Patient.objects.filter(pk__in=batch_ids)
        .select_related("clinic", "current_snapshot")
        .defer("current_snapshot__input")  # the engine's input record: never exported
        .order_by("pk")
    )
    episodes = episodes_for_export(batch_ids)
    reports: dict[int, list] = {}
    for report in GeneratedReport.objects.filter(patient_id__in=batch_ids):
        reports.setdefault(report.patient_id, []).append(report)
    for patient in patients:
        yield PatientRecord(
            patient=patient,
            episodes=episodes.get(patient.pk, []),
            snapshot=patient.current_snapshot,
            reports=reports.get(patient.pk, []),
        )


def export_patients(
    patient_ids: list[int], directory: Path, *, batch_size: int = 200, on_batch: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Write every resource of these patients; returns the number of resources per type."""
    writer = NdjsonWriter(directory)
    try:
        for start in range(0, len(patient_ids), batch_size):
            batch_ids = patient_ids[start : start + batch_size]
            for record in _records(batch_ids):
                for resource in patient_resources(record, relative_reference):
                    writer.write(resource)
            if on_batch:
                on_batch(len(batch_ids))
    finally:
        writer.close()
    return dict(sorted(writer.counts.items()))
