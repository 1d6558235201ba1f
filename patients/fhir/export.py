"""A patient's record and current staging as FHIR R4 resources (plain dicts, JSON-ready).

`patient_resources(record, reference)` yields every resource of one patient; `reference(type, id)`
writes a reference — `urn:uuid:…` inside a Bundle (bundle.py), `Type/id` in Bulk Data NDJSON
(ndjson.py) — so both outputs carry the same resources. Resource ids are stable and name only
database ids (`trial-12`), never a name or record number.

What the staging rules read is exported losslessly, in our extensions where FHIR has no element
(weeks at dose, adherence, improvement, outcome, augmentation, the episode's screening), so an
exported Bundle imported into a new patient stages the same (patients.imports, tests/fhir).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from patients.episode_rows import rows, with_rows
from patients.fhir import codes
from patients.fhir.codes import coding, extension_url, trd_coding
from patients.models import Episode, Patient, StagingSnapshot, Trial
from staging.engine.text import plural
from staging.site import configured_catalogue

Reference = Callable[[str, str], str]


@dataclass
class PatientRecord:
    """Everything one patient's export reads, loaded up front (a fixed number of queries)."""

    patient: Patient
    episodes: list[Episode]
    snapshot: StagingSnapshot | None  # the staging as of today (patients.services.staging_as_of_today)
    reports: list  # staging.models.GeneratedReport, newest first


def episodes_for_export(patient_ids) -> dict[int, list[Episode]]:
    """Every episode of these patients with its rows, grouped by patient (5 queries in all)."""
    episodes = with_rows(Episode.objects.filter(patient_id__in=patient_ids))
    grouped: dict[int, list[Episode]] = {}
    for episode in episodes:
        grouped.setdefault(episode.patient_id, []).append(episode)
    return grouped


def _number(value: Decimal | float | int) -> float | int:
    """A JSON number as a clinician writes it: 20, not 20.00."""
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def _extension(name: str, value_type: str, value) -> dict:
    return {"url": extension_url(name), f"value{value_type}": value}


def _mg_per_day(value) -> dict:
    return {"value": _number(value), "unit": "mg/d", "system": codes.UCUM, "code": "mg/d"}


def _ids(prefix: str, pk: int) -> str:
    return f"{prefix}-{pk}"


def patient_id(patient: Patient) -> str:
    return _ids("patient", patient.pk)


def episode_id(episode: Episode) -> str:
    return _ids("episode", episode.pk)


def trial_id(trial: Trial) -> str:
    return _ids("trial", trial.pk)


# ---------------------------------------------------------------------------------------------


def patient_resource(patient: Patient) -> dict:
    return {
        "resourceType": "Patient",
        "id": patient_id(patient),
        "identifier": [{"system": codes.record_number_system(patient.clinic.slug), "value": patient.record_number}],
        "name": [{"text": patient.name}],
        # Our sex choices are FHIR's administrative-gender codes.
        "gender": patient.sex,
        "birthDate": patient.date_of_birth.isoformat(),
        "managingOrganization": {"display": patient.clinic.name},
    }


def condition_resource(episode: Episode, subject: str) -> dict:
    """The episode as a major depressive disorder Condition (rules §1.1), with what staging reads."""
    system, code, display = codes.MAJOR_DEPRESSIVE_DISORDER
    severity = [trd_coding("severity", episode.severity, codes.SEVERITIES)]
    if episode.severity in codes.SNOMED_SEVERITY:
        severity.append(coding(codes.SNOMED, *codes.SNOMED_SEVERITY[episode.severity]))
    extensions = []
    if episode.functional_impairment:
        extensions.append(_extension("episode-functional-impairment", "Code", episode.functional_impairment))
    extensions += [_extension("episode-comorbidity", "Code", item) for item in episode.comorbidities or ()]
    if episode.psychosocial_stressors is not None:
        extensions.append(_extension("episode-psychosocial-stressors", "Boolean", episode.psychosocial_stressors))
    extensions += [
        {
            "url": extension_url("episode-screening"),
            "extension": [{"url": "item", "valueCode": item}, {"url": "status", "valueCode": status}],
        }
        for item, status in episode.screening().items()
    ]
    resource = {
        "resourceType": "Condition",
        "id": episode_id(episode),
        "extension": extensions,
        "clinicalStatus": {
            "coding": [coding(codes.CONDITION_CLINICAL, "active" if episode.is_current else "resolved")]
        },
        "verificationStatus": {"coding": [coding(codes.CONDITION_VERIFICATION, "confirmed")]},
        "category": [{"coding": [coding(codes.CONDITION_CATEGORY, "problem-list-item")]}],
        "severity": {"coding": severity, "text": codes.SEVERITIES[episode.severity]},
        "code": {"coding": [coding(system, code, display)], "text": "Major depressive episode"},
        "subject": {"reference": subject},
        "onsetDateTime": episode.onset.isoformat(),
    }
    if episode.ended_on:
        resource["abatementDateTime"] = episode.ended_on.isoformat()
    if not extensions:
        del resource["extension"]
    return resource


def medication_concept(drug: str, catalogue) -> dict:
    """RxNorm ingredient and ATC codes from the catalogue (data/README.md), the generic name as text."""
    entry = catalogue.get(drug)
    codings = []
    if entry is not None and entry.rxnorm:
        codings.append(coding(codes.RXNORM, entry.rxnorm, drug))
    if entry is not None and entry.atc:
        codings.append(coding(codes.ATC, entry.atc, drug))
    return {**({"coding": codings} if codings else {}), "text": drug.replace("_", " ")}


def medication_statement(trial: Trial, assessment: dict | None, subject: str, condition: str, catalogue) -> dict:
    """One antidepressant trial (rules §1.2); the staging's adequacy explanation as its note."""
    extensions = [_extension("trial-weeks-at-dose", "Decimal", _number(trial.weeks_at_dose))]
    if trial.adherence_pct is not None:
        extensions.append(_extension("trial-adherence", "Decimal", _number(trial.adherence_pct)))
    if trial.improvement_pct is not None:
        extensions.append(_extension("trial-improvement", "Decimal", _number(trial.improvement_pct)))
    if trial.outcome:
        extensions.append(_extension("trial-outcome", "Coding", trd_coding("outcome", trial.outcome, codes.OUTCOMES)))
    if trial.drug_class:  # clinician-defined drug (rules §1.2)
        extensions.append(_extension("trial-drug-class", "Code", trial.drug_class))
        extensions.append(
            _extension("trial-minimum-adequate-dose", "Quantity", _mg_per_day(trial.min_adequate_dose_mg))
        )
    for augmentation in rows(trial, "augmentations"):
        parts = [{"url": "agent", "valueCode": augmentation.agent}]
        if augmentation.dose_mg_per_day is not None:
            parts.append({"url": "dose", "valueQuantity": _mg_per_day(augmentation.dose_mg_per_day)})
        if augmentation.weeks is not None:
            parts.append({"url": "weeks", "valueDecimal": _number(augmentation.weeks)})
        extensions.append({"url": extension_url("trial-augmentation"), "extension": parts})
    dose = _number(trial.dose_mg_per_day)
    resource = {
        "resourceType": "MedicationStatement",
        "id": trial_id(trial),
        "extension": extensions,
        "status": "completed" if trial.ended_on else "active",
        "medicationCodeableConcept": medication_concept(trial.drug, catalogue),
        "subject": {"reference": subject},
        "reasonReference": [{"reference": condition}],
        "dosage": [
            {
                # The trial's dose is a total per day: one dose a day of that amount says so in
                # structured form (the import reads any frequency back to mg/day).
                "text": f"{dose} mg/day",
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": dose, "unit": "mg", "system": codes.UCUM, "code": "mg"}}],
            }
        ],
    }
    period = {}
    if trial.started_on:
        period["start"] = trial.started_on.isoformat()
    if trial.ended_on:
        period["end"] = trial.ended_on.isoformat()
    if period:
        resource["effectivePeriod"] = period
    if assessment and assessment.get("explanation"):
        resource["note"] = [{"text": assessment["explanation"]}]
    return resource


def ect_procedure(course, subject: str, condition: str) -> dict:
    extensions = [_extension("ect-electrode-placement", "Code", course.electrode_placement)]
    if course.sessions is not None:
        extensions.append(_extension("ect-sessions", "Integer", course.sessions))
    return _procedure(course, _ids("ect", course.pk), "ect", extensions, subject, condition)


def other_procedure(course, subject: str, condition: str) -> dict:
    extensions = []
    if course.weeks is not None:
        extensions.append(_extension("course-weeks", "Decimal", _number(course.weeks)))
    return _procedure(course, _ids("course", course.pk), course.kind, extensions, subject, condition)


def _procedure(course, resource_id: str, kind: str, extensions: list, subject: str, condition: str) -> dict:
    resource = {
        "resourceType": "Procedure",
        "id": resource_id,
        "extension": extensions,
        "status": "completed",
        "code": {"coding": [trd_coding("course", kind, codes.COURSES)], "text": codes.COURSES[kind]},
        "subject": {"reference": subject},
        "reasonReference": [{"reference": condition}],
    }
    if course.started_on:
        resource["performedPeriod"] = {"start": course.started_on.isoformat()}
    if course.outcome:
        resource["outcome"] = {
            "coding": [trd_coding("outcome", course.outcome, codes.OUTCOMES)],
            "text": codes.OUTCOMES[course.outcome],
        }
    if not extensions:
        del resource["extension"]
    return resource


def score_observation(score, subject: str, condition: str) -> dict:
    code = {"text": score.scale}
    if score.scale in codes.SCALE_LOINC:
        code["coding"] = [coding(codes.LOINC, *codes.SCALE_LOINC[score.scale])]
    return {
        "resourceType": "Observation",
        "id": _ids("score", score.pk),
        "status": "final",
        "category": [{"coding": [coding(codes.OBSERVATION_CATEGORY, "survey", "Survey")]}],
        "code": code,
        "subject": {"reference": subject},
        "focus": [{"reference": condition}],
        "effectiveDateTime": score.rated_on.isoformat(),
        "valueInteger": score.score,
    }


# ---------------------------------------------------------------------------------------------
# The staging (rules §4–§7) as Observations in our CodeSystem


def _staging_values(result: dict) -> list[tuple[str, dict, str, list[int]]]:
    """(code, value[x], explanation, counted trial indices) per staging result."""
    maudsley, mgh = result["maudsley"], result["mgh"]
    classification, dtd = result["classification"], result["dtd"]
    thase_rush = result["thase_rush"]
    not_applicable = {"dataAbsentReason": {"coding": [coding(codes.DATA_ABSENT_REASON, "not-applicable")]}}
    msm_total = {"valueInteger": maudsley["total"]} if maudsley["total"] is not None else not_applicable
    category = maudsley["category"]
    msm_category = (
        {"valueCodeableConcept": {"coding": [trd_coding("msm-category", category, codes.MSM_CATEGORIES)]}}
        if category
        else not_applicable
    )
    score = {"value": mgh["score"], "unit": "{score}", "system": codes.UCUM, "code": "{score}"}
    label = classification["label"]
    dtd_words = "; ".join([*dtd["reasons"], *dtd["complexity_factors"]])
    return [
        (
            "thase-rush-stage",
            {"valueInteger": thase_rush["stage"]},
            thase_rush["explanation"],
            thase_rush["counted_trials"],
        ),
        ("msm-total", msm_total, maudsley["explanation"], maudsley["counted_trials"]),
        ("msm-category", msm_category, maudsley["explanation"], maudsley["counted_trials"]),
        ("mgh-score", {"valueQuantity": score}, mgh["explanation"], mgh["counted_trials"]),
        (
            "label",
            {
                "valueCodeableConcept": {
                    "coding": [trd_coding("label", label, codes.LABELS)],
                    "text": codes.LABELS[label],
                }
            },
            classification["explanation"],
            thase_rush["counted_trials"],
        ),
        (
            "regulatory-trd",
            {"valueBoolean": classification["regulatory_trd"]},
            classification["explanation"],
            classification["regulatory_trd_trials"],
        ),
        ("dtd", {"valueBoolean": dtd["met"]}, dtd_words, []),
    ]


def staging_observations(snapshot: StagingSnapshot, trial_refs: list[str], subject: str, condition: str) -> list[dict]:
    """One Observation per staging result, `derivedFrom` the MedicationStatements it counted."""
    observations = []
    for code, value, explanation, counted in _staging_values(snapshot.result):
        resource = {
            "resourceType": "Observation",
            "id": f"staging-{snapshot.pk}-{code}",
            "status": "final",
            "code": {"coding": [coding(codes.TRD_SYSTEM, code, codes.STAGING_OBSERVATIONS[code])]},
            "subject": {"reference": subject},
            "focus": [{"reference": condition}],
            "effectiveDateTime": snapshot.assessed_on.isoformat(),
            "issued": snapshot.computed_at.isoformat(),
            **value,
        }
        derived = [{"reference": trial_refs[index]} for index in counted if 0 <= index < len(trial_refs)]
        if derived:
            resource["derivedFrom"] = derived
        if explanation:
            resource["note"] = [{"text": explanation}]
        observations.append(resource)
    return observations


def document_reference(report, subject: str) -> dict:
    """A recorded PDF staging report. FHIR's attachment `hash` is a SHA-1 of the bytes, which we
    never kept: the SHA-256 we did keep is an identifier (system …/sid/sha256)."""
    return {
        "resourceType": "DocumentReference",
        "id": _ids("report", report.pk),
        "identifier": [{"system": codes.SHA256_IDENTIFIER_SYSTEM, "value": report.sha256}],
        "status": "current",
        "type": {"text": "Treatment-resistant depression staging report"},
        "subject": {"reference": subject},
        "date": report.generated_at.isoformat(),
        "description": f"Staging report, {plural(report.page_count, 'page')}, "
        f"{report.paper_size}, produced by {report.generated_by}",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "size": report.byte_size,
                    "title": f"staging-report-{report.pk}.pdf",
                    "creation": report.generated_at.isoformat(),
                }
            }
        ],
    }


def provenance(snapshot: StagingSnapshot, targets: list[str]) -> dict:
    """Which ruleset computed the staging Observations, and when."""
    return {
        "resourceType": "Provenance",
        "id": f"staging-{snapshot.pk}-provenance",
        "target": [{"reference": target} for target in targets],
        "recorded": snapshot.computed_at.isoformat(),
        "policy": [codes.RULESET_POLICY_BASE + snapshot.ruleset],
        "extension": [_extension("ruleset", "String", snapshot.ruleset)],
        "agent": [
            {
                "type": {"coding": [coding(codes.PROVENANCE_PARTICIPANT, "assembler", "Assembler")]},
                "who": {"display": f"TRD Clinic staging rules {snapshot.ruleset}"},
            }
        ],
    }


# ---------------------------------------------------------------------------------------------


def patient_resources(record: PatientRecord, reference: Reference) -> Iterator[dict]:
    """Every resource of one patient: Patient, then per episode its Condition, trials, courses and
    scores, then the current staging with its Provenance, then the recorded reports."""
    catalogue = configured_catalogue()
    patient = record.patient
    subject = reference("Patient", patient_id(patient))
    yield patient_resource(patient)
    snapshot = record.snapshot
    for episode in record.episodes:
        condition = reference("Condition", episode_id(episode))
        yield condition_resource(episode, subject)
        trials = rows(episode, "trials")
        staged = snapshot is not None and snapshot.episode_id == episode.pk
        assessments = snapshot.result.get("trials", []) if staged else []
        if len(assessments) != len(trials):
            assessments = [None] * len(trials)
        for trial, assessment in zip(trials, assessments):
            yield medication_statement(trial, assessment, subject, condition, catalogue)
        for course in rows(episode, "ect_courses"):
            yield ect_procedure(course, subject, condition)
        for course in rows(episode, "other_courses"):
            yield other_procedure(course, subject, condition)
        for score in rows(episode, "scale_scores"):
            yield score_observation(score, subject, condition)
        if staged:
            trial_refs = [reference("MedicationStatement", trial_id(trial)) for trial in trials]
            observations = staging_observations(snapshot, trial_refs, subject, condition)
            yield from observations
            yield provenance(snapshot, [reference("Observation", item["id"]) for item in observations])
    for report in record.reports:
        yield document_reference(report, subject)
