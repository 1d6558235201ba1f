"""Code systems, extension URLs and the fixed codes of the FHIR export and import.

Only codes that were checked against their publisher are used (docs/fhir/README.md): SNOMED CT
for major depressive disorder and the three condition severities, LOINC for the PHQ-9 total.
Everything of our own — staging results, course kinds, outcomes, episode details — is coded in
the CodeSystem published as docs/fhir/CodeSystem-trd-clinic.json, whose concepts are the ones
listed here (tests/fhir checks that the two agree).
"""

from __future__ import annotations

from staging.engine import vocabulary

FHIR_VERSION = "4.0.1"

# Canonical base of our definitions. A canonical URL names; it need not resolve.
BASE = "https://trd-clinic.example.org/fhir"
TRD_SYSTEM = f"{BASE}/CodeSystem/trd-clinic"
EXTENSION_BASE = f"{BASE}/StructureDefinition/"
SHA256_IDENTIFIER_SYSTEM = f"{BASE}/sid/sha256"
RULESET_POLICY_BASE = f"{BASE}/ruleset/"


def extension_url(name: str) -> str:
    return EXTENSION_BASE + name


def record_number_system(clinic_slug: str) -> str:
    return f"{BASE}/sid/clinic/{clinic_slug}/record-number"


RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

MAJOR_DEPRESSIVE_DISORDER = (SNOMED, "370143000", "Major depressive disorder")
# The FHIR condition-severity value set (SNOMED CT): our severities beyond these three keep
# only our own code.
SNOMED_SEVERITY = {
    "mild": ("255604002", "Mild"),
    "moderate": ("6736007", "Moderate"),
    "severe": ("24484000", "Severe"),
}
# LOINC only where the code was verified; other scales are exported as text (code.text).
SCALE_LOINC = {"PHQ-9": ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]")}
LOINC_SCALE = {code: scale for scale, (code, _) in SCALE_LOINC.items()}

# Our CodeSystem. Observation codes of the staging results (rules §4–§7):
STAGING_OBSERVATIONS = {
    "thase-rush-stage": "Thase–Rush stage (0–V)",
    "msm-total": "Maudsley Staging Method total score",
    "msm-category": "Maudsley Staging Method category",
    "mgh-score": "Massachusetts General Hospital staging score (MGH-S)",
    "label": "Treatment-resistance label",
    "regulatory-trd": "Regulatory TRD (two adequate failed trials in the episode)",
    "dtd": "Difficult-to-treat depression",
}
# Value words come from the one vocabulary, so the export says what the page and the PDF say.
MSM_CATEGORIES = {code: term.label for code, term in vocabulary.MSM_CATEGORIES.items()}
LABELS = {code: term.label for code, term in vocabulary.LABELS.items()}
COURSES = {code: term.label for code, term in vocabulary.COURSE_KINDS.items()}
OUTCOMES = {code: term.label for code, term in vocabulary.OUTCOMES.items() if code != vocabulary.UNKNOWN_OUTCOME}
SEVERITIES = {code: term.label for code, term in vocabulary.SEVERITIES.items()}


def concept_code(group: str, value: str) -> str:
    """Our codes for values are prefixed by their group: `label-trd`, `outcome-response`."""
    return f"{group}-{value}"


def trd_concepts() -> list[tuple[str, str]]:
    """Every (code, display) of our CodeSystem, in the published order."""
    concepts = list(STAGING_OBSERVATIONS.items())
    for group, values in (
        ("msm-category", MSM_CATEGORIES),
        ("label", LABELS),
        ("course", COURSES),
        ("outcome", OUTCOMES),
        ("severity", SEVERITIES),
    ):
        concepts += [(concept_code(group, value), display) for value, display in values.items()]
    return concepts


def coding(system: str, code: str, display: str | None = None) -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def trd_coding(group: str, value: str, values: dict[str, str]) -> dict:
    return coding(TRD_SYSTEM, concept_code(group, value), values.get(value))


def value_of(codeable: dict | None, group: str) -> str | None:
    """The value of our `group-value` code in a CodeableConcept, else None."""
    prefix = f"{group}-"
    for item in (codeable or {}).get("coding") or []:
        if isinstance(item, dict) and item.get("system") == TRD_SYSTEM:
            code = item.get("code")
            if isinstance(code, str) and code.startswith(prefix):
                return code[len(prefix) :]
    return None
