"""No input breaks the import: any text, any JSON shape, any CSV is rows or a clear ImportFileError,
and the review forms built from whatever was proposed validate without an exception."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.fhir import codes
from patients.imports import csv_source, fhir_source
from patients.imports.reading import ImportFileError
from patients.imports.service import build_review
from patients.models import Episode, ImportBatch
from staging.engine.catalogue import default_catalogue
from tests.factories import make_clinic, make_patient

CATALOGUE = default_catalogue()
KEYS = [
    "resourceType", "id", "code", "coding", "system", "text", "display", "value", "valueInteger", "valueQuantity",
    "dosage", "dosageInstruction", "doseAndRate", "doseQuantity", "unit", "timing", "repeat", "frequency", "period",
    "periodUnit", "effectivePeriod", "start", "end", "effectiveDateTime", "medicationCodeableConcept",
    "medicationReference", "reference", "reasonReference", "focus", "extension", "url", "valueDecimal", "valueCode",
    "valueCoding", "valueBoolean", "onsetDateTime", "abatementDateTime", "clinicalStatus", "severity", "outcome",
    "performedPeriod", "entry", "resource", "fullUrl",
]  # fmt: skip
TYPES = ["MedicationStatement", "MedicationRequest", "Condition", "Observation", "Procedure", "Patient", "Bundle"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(
        TYPES + ["2025-01-01", "2025-13-45", "mg", "g", "d", "h", "wk", "36437", "44261-6", "370143000", "Zoloft",
                 codes.RXNORM, codes.LOINC, codes.SNOMED, codes.TRD_SYSTEM, "Condition/c", "outcome-response",
                 codes.extension_url("trial-augmentation"), codes.extension_url("trial-weeks-at-dose")]
    ),
)  # fmt: skip
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS), children, max_size=6),
    max_leaves=40,
)
RESOURCES = st.builds(
    lambda resource_type, body: {**body, "resourceType": resource_type},
    st.sampled_from(TYPES),
    st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=8),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _propose_fhir(text: str, reader):
    try:
        return fhir_source.propose(reader(text), CATALOGUE, has_current_episode=False)
    except ImportFileError as error:
        assert str(error)
        return None


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_json_ndjson_or_csv(text):
    _propose_fhir(text, fhir_source.read_bundle)
    _propose_fhir(text, fhir_source.read_ndjson)
    try:
        csv_source.propose(csv_source.read_csv(text), CATALOGUE)
    except ImportFileError as error:
        assert str(error)


@FUZZ
@given(st.lists(RESOURCES, max_size=6), st.booleans())
def test_any_fhir_shape(resources, as_ndjson):
    text = (
        "\n".join(json.dumps(item) for item in resources)
        if as_ndjson
        else json.dumps({"resourceType": "Bundle", "entry": [{"resource": item} for item in resources]})
    )
    proposal = _propose_fhir(text, fhir_source.read_ndjson if as_ndjson else fhir_source.read_bundle)
    if proposal is not None:
        json.dumps(proposal.as_json())  # storable as the batch's JSON


CSV_CELLS = st.one_of(
    st.text(max_size=10),
    st.sampled_from(["trial", "ect", "course", "score", "sertraline", "50", "-5", "=1", "2025-01-01"]),
)


@FUZZ
@given(
    st.lists(st.sampled_from(csv_source.COLUMNS), min_size=1, max_size=8, unique=True),
    st.lists(st.lists(CSV_CELLS, max_size=9), max_size=5),
)
def test_any_csv_shape(header, rows):
    lines = [",".join(header)] + [",".join(json.dumps(cell) for cell in row) for row in rows]
    try:
        csv_source.propose(csv_source.read_csv("\n".join(lines)), CATALOGUE)
    except ImportFileError as error:
        assert str(error)


def _posted(proposal: dict) -> dict:
    """The review page posted back unchanged: every proposed row accepted as shown."""
    data = {}
    for kind in ("trials", "ect_courses", "other_courses", "scores"):
        rows = proposal[kind]
        data |= {f"{kind}-TOTAL_FORMS": str(len(rows)), f"{kind}-INITIAL_FORMS": str(len(rows))}
        for number, row in enumerate(rows):
            data |= {f"{kind}-{number}-{name}": value for name, value in row["fields"].items()}
    return data


@pytest.mark.django_db
@FUZZ
@given(st.lists(RESOURCES, min_size=1, max_size=5), st.booleans())
def test_the_review_forms_take_any_proposal(resources, has_episode):
    patient = make_patient(make_clinic())
    if has_episode:
        Episode.objects.create(patient=patient, onset=date(2024, 1, 1), severity="moderate")
    text = json.dumps({"resourceType": "Bundle", "entry": [{"resource": item} for item in resources]})
    proposal = _propose_fhir(text, fhir_source.read_bundle)
    if proposal is None:
        return
    stored = json.loads(json.dumps(proposal.as_json()))
    if not has_episode and stored["episode"] is None:
        return  # refused on upload (no episode to attach rows to)
    batch = ImportBatch(patient=patient, proposal=stored)
    review = build_review(batch, data=_posted(stored))
    if not review.is_valid():
        assert all(error.where and error.message for error in review.errors)
    for kind in ("trials", "ect_courses", "other_courses", "scores"):
        for form, _, _ in review.rows(kind):
            str(form)  # renders
