"""GET /api/v1/patients/<id>/fhir: the patient as a FHIR R4 Bundle, audited as an export.

A view of the REST API (patients.api): a personal token (`Authorization: Bearer`) or the
browser's session, 401 / 404 as problem details, and listed in the OpenAPI schema. It answers
`application/fhir+json` (or `application/json` for a client that asks for that).
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer

from audit.decorators import audits_patient_read
from audit.models import AuditEntry
from patients.access import get_visible_patient
from patients.api.views.base import ApiView, responses
from patients.fhir.bundle import patient_bundle

FHIR_JSON = "application/fhir+json"


class FhirJsonRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


class PatientFhirView(ApiView):
    renderer_classes = [FhirJsonRenderer, JSONRenderer]

    @extend_schema(
        summary="The patient as a FHIR R4 Bundle",
        description="A `collection` Bundle (FHIR 4.0.1): Patient, Condition per episode, MedicationStatement per "
        "trial, Procedure per course, Observation per scale score and per staging result (as of today), "
        "Provenance, DocumentReference per PDF report. See docs/fhir/README.md.",
        responses=responses(
            {(200, FHIR_JSON): OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 Bundle (collection)")}
        ),
    )
    def get(self, request, pk):
        patient = get_visible_patient(request.user, pk)  # another clinic's patient is a 404
        body = json.dumps(patient_bundle(patient), cls=DjangoJSONEncoder, ensure_ascii=False)
        response = HttpResponse(body, content_type=f"{FHIR_JSON}; fhirVersion=4.0")
        response["Cache-Control"] = "no-store"
        # Ids only: the file name reaches download folders.
        response["Content-Disposition"] = f'inline; filename="patient-{patient.pk}-fhir.json"'
        return response


# The view authenticates itself (token or session), so the site's log-in redirect does not apply.
patient_fhir = login_not_required(audits_patient_read(AuditEntry.EXPORT_FHIR)(PatientFhirView.as_view()))
