"""GET /api/v1/patients/<id>/fhir: the patient as a FHIR R4 Bundle, audited as an export."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from audit.decorators import audits_patient_read
from audit.models import AuditEntry
from patients.access import get_visible_patient
from patients.fhir.bundle import patient_bundle

FHIR_JSON = "application/fhir+json; fhirVersion=4.0"


@require_GET
@audits_patient_read(AuditEntry.EXPORT_FHIR)
def patient_fhir(request, pk):
    patient = get_visible_patient(request.user, pk)  # another clinic's patient is a 404
    body = json.dumps(patient_bundle(patient), cls=DjangoJSONEncoder, ensure_ascii=False)
    response = HttpResponse(body, content_type=FHIR_JSON)
    response["Cache-Control"] = "no-store"
    # Ids only: the file name reaches download folders.
    response["Content-Disposition"] = f'inline; filename="patient-{patient.pk}-fhir.json"'
    return response
