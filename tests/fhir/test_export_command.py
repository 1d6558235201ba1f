"""manage.py export_fhir: a clinic as Bulk Data NDJSON, one file per resource type, audited."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from fhir.resources.R4B import get_fhir_model_class

from audit.models import AuditEntry
from patients.models import Patient
from tests.factories import make_clinic, make_patient


def _run(*args) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("export_fhir", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_a_clinic_exports_one_file_per_type_and_every_reference_resolves(demo_clinic, tmp_path):
    elsewhere = make_patient(make_clinic())  # another clinic: never exported
    summary, progress = _run("--clinic", "demo", "--output", str(tmp_path), "--batch-size", "7")
    patient_ids = sorted(Patient.objects.filter(clinic=demo_clinic).values_list("pk", flat=True))
    assert summary["patients"] == len(patient_ids)
    files = sorted(path.name for path in tmp_path.iterdir())
    assert files == sorted(summary["files"])
    assert {"Patient.ndjson", "Condition.ndjson", "MedicationStatement.ndjson", "Observation.ndjson"} <= set(files)
    ids = set()
    references = []
    for path in tmp_path.iterdir():
        resource_type = path.name.removesuffix(".ndjson")
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == summary["files"][path.name]
        for line in lines:
            resource = json.loads(line)
            assert resource["resourceType"] == resource_type
            get_fhir_model_class(resource_type).model_validate(resource)
            ids.add(f"{resource_type}/{resource['id']}")
            references += [item["reference"] for item in _references(resource)]
    assert references and all(reference in ids for reference in references)
    assert f"Patient/patient-{elsewhere.pk}" not in ids
    assert "patients" in progress  # the progress bar, on stderr
    entry = AuditEntry.objects.filter(action=AuditEntry.EXPORT_FHIR).get()
    assert entry.clinic_id == demo_clinic.pk
    assert entry.patient_set_ids == patient_ids


def _references(value):
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            yield value
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def test_an_unknown_clinic_or_a_used_directory_is_refused(db, tmp_path):
    clinic = make_clinic()
    with pytest.raises(CommandError, match="No clinic"):
        _run("--clinic", "nowhere", "--output", str(tmp_path))
    (tmp_path / "Patient.ndjson").write_text("{}\n")
    with pytest.raises(CommandError, match="already holds"):
        _run("--clinic", clinic.slug, "--output", str(tmp_path))
    assert not AuditEntry.objects.filter(action=AuditEntry.EXPORT_FHIR).exists()
