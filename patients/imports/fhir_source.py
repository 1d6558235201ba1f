"""Rows proposed from FHIR R4 JSON: a Bundle (or one resource) or Bulk Data NDJSON.

Read: MedicationStatement and MedicationRequest (trials), Condition (the current episode, when
the patient has none yet), Procedure (ECT and other courses, in our codes), Observation (scale
scores: LOINC, or the scale's name). Our own staging Observations are derived results and are
recomputed, never imported. Everything is read defensively: any JSON shape yields rows or a
clear ImportFileError, never an exception the page did not expect.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from patients.fhir import codes
from patients.imports.drugs import match_drug
from patients.imports.proposal import Proposal, code_text, date_text, number_text
from patients.imports.reading import MAX_ROWS, ImportFileError
from staging.engine import vocabulary
from staging.engine.catalogue import Catalogue
from staging.engine.text import plural

IMPORTED_TYPES = ("MedicationStatement", "MedicationRequest", "Condition", "Observation", "Procedure")
_INACTIVE_CONDITION = {"resolved", "inactive", "remission"}
# mg per unit of a dose quantity (UCUM codes and the usual spellings)
_MG_PER_UNIT = {"mg": Decimal(1), "g": Decimal(1000), "ug": Decimal("0.001"), "mcg": Decimal("0.001")}
# days per unit of a timing period (UCUM)
_DAYS_PER_UNIT = {
    "s": Decimal(1) / 86400,
    "min": Decimal(1) / 1440,
    "h": Decimal(1) / 24,
    "d": Decimal(1),
    "wk": Decimal(7),
    "mo": Decimal(30),
}
_SCALE_NAMES = {"".join(ch for ch in name.lower() if ch.isalnum()): name for name in vocabulary.SCALES} | {
    "hamd": "HAM-D17",
    "hamd17": "HAM-D17",
    "hdrs": "HAM-D17",
    "hdrs17": "HAM-D17",
    "phq9": "PHQ-9",
    "qids": "QIDS-SR16",
}


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _first(value) -> dict:
    items = _list(value)
    return _dict(items[0]) if items else {}


def _parse_json(text: str, where: str):
    try:
        return json.loads(text)
    except RecursionError:
        raise ImportFileError(f"{where}: the JSON is nested too deeply to be FHIR.") from None
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"{where}: malformed JSON at line {error.lineno}, column {error.colno} ({error.msg})."
        ) from None


def _label(resource: dict) -> str:
    resource_id = _str(resource.get("id"))
    return f"{_str(resource.get('resourceType')) or 'resource'}{' ' + resource_id[:64] if resource_id else ''}"


def read_bundle(text: str) -> list[tuple[str, dict, str]]:
    """(where, resource, fullUrl) for a Bundle's entries, or for one resource."""
    document = _parse_json(text, "The file")
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        raise ImportFileError("The file is JSON but not a FHIR resource (no resourceType).")
    if document["resourceType"] != "Bundle":
        return [(f"the {_label(document)}", document, "")]
    entries = _list(document.get("entry"))
    if len(entries) > MAX_ROWS:
        raise ImportFileError(f"The Bundle has {len(entries):,} entries; at most {MAX_ROWS:,} are imported at once.")
    items = []
    for number, entry in enumerate(entries, start=1):
        resource = _dict(_dict(entry).get("resource"))
        if not isinstance(resource.get("resourceType"), str):
            raise ImportFileError(f"Bundle entry {number} has no resource with a resourceType.")
        items.append((f"entry {number} ({_label(resource)})", resource, _str(_dict(entry).get("fullUrl"))))
    return items


def read_ndjson(text: str) -> list[tuple[str, dict, str]]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(items) >= MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} resources; at most {MAX_ROWS:,} are imported at once."
            )
        resource = _parse_json(line, f"Line {number}")
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise ImportFileError(f"Line {number} is not a FHIR resource (no resourceType).")
        items.append((f"line {number} ({_label(resource)})", resource, ""))
    return items


class _Index:
    """References within the file: by fullUrl (`urn:uuid:…`) and by `Type/id`."""

    def __init__(self, items):
        self.by_reference = {}
        for _, resource, full_url in items:
            if full_url:
                self.by_reference[full_url] = resource
            resource_id = _str(resource.get("id"))
            if resource_id:
                self.by_reference[f"{resource['resourceType']}/{resource_id}"] = resource

    def resolve(self, reference) -> dict | None:
        text = _str(_dict(reference).get("reference"))
        return self.by_reference.get(text) if text else None


def _is_current_condition(condition: dict) -> bool:
    if condition.get("abatementDateTime") or condition.get("abatementPeriod") or condition.get("abatementString"):
        return False
    status = {
        _str(c.get("code")) for c in _list(_dict(condition.get("clinicalStatus")).get("coding")) if isinstance(c, dict)
    }
    return not status & _INACTIVE_CONDITION


def _extensions(resource: dict, name: str) -> list[dict]:
    url = codes.extension_url(name)
    return [item for item in _list(resource.get("extension")) if isinstance(item, dict) and item.get("url") == url]


def _extension_value(resource: dict, name: str, value_type: str):
    found = _extensions(resource, name)
    return found[0].get(f"value{value_type}") if found else None


def _sub_values(extension: dict) -> dict:
    return {_str(part.get("url")): part for part in _list(extension.get("extension")) if isinstance(part, dict)}


# ---------------------------------------------------------------------------------------------
# Episode


def _severity(condition: dict) -> str:
    concept = _dict(condition.get("severity"))
    ours = codes.value_of(concept, "severity")
    if ours:
        return ours
    snomed = {code: severity for severity, (code, _) in codes.SNOMED_SEVERITY.items()}
    for item in _list(concept.get("coding")):
        if isinstance(item, dict) and item.get("system") == codes.SNOMED and item.get("code") in snomed:
            return snomed[item["code"]]
    return code_text(_str(concept.get("text")))


def episode_fields(condition: dict) -> dict:
    """The Condition as the episode form's data (rules §1.1, §8)."""
    screening = dict.fromkeys(vocabulary.SCREENING_ITEMS, "not_screened")
    for extension in _extensions(condition, "episode-screening"):
        parts = _sub_values(extension)
        item, status = _str(parts.get("item", {}).get("valueCode")), _str(parts.get("status", {}).get("valueCode"))
        if item in screening:
            screening[item] = status
    stressors = _extension_value(condition, "episode-psychosocial-stressors", "Boolean")
    onset = date_text(condition.get("onsetDateTime")) or date_text(_dict(condition.get("onsetPeriod")).get("start"))
    return {
        "onset": onset,
        "severity": _severity(condition),
        "functional_impairment": _str(_extension_value(condition, "episode-functional-impairment", "Code")),
        "comorbidities": [
            _str(item.get("valueCode"))
            for item in _extensions(condition, "episode-comorbidity")
            if item.get("valueCode")
        ],
        "psychosocial_stressors": {True: "yes", False: "no"}.get(stressors, ""),
        **screening,
    }


# ---------------------------------------------------------------------------------------------
# Trials


def daily_dose(dosage: dict) -> tuple[str, str]:
    """(mg/day as text, a note) from a Dosage: dose × frequency ÷ period. ("", why) when unreadable."""
    dose_and_rate = _first(dosage.get("doseAndRate"))
    quantity = _dict(dose_and_rate.get("doseQuantity")) or _dict(_dict(dose_and_rate.get("doseRange")).get("low"))
    if not quantity:
        return "", "no dose given: enter the dose in mg/day"
    unit = (_str(quantity.get("code")) or _str(quantity.get("unit"))).strip().lower()
    unit = {"mg/d": "mg", "mg/day": "mg"}.get(unit, unit)
    try:
        value = Decimal(str(quantity.get("value")))
    except (InvalidOperation, ValueError):
        return "", "the dose is not a number: enter the dose in mg/day"
    if unit not in _MG_PER_UNIT or not value.is_finite():
        return "", f"the dose unit “{unit or 'none'}” is not a mass: enter the dose in mg/day"
    repeat = _dict(_dict(dosage.get("timing")).get("repeat"))
    note = ""
    try:
        frequency = Decimal(str(repeat.get("frequency", 1)))
        period = Decimal(str(repeat.get("period", 1)))
        days = _DAYS_PER_UNIT.get(_str(repeat.get("periodUnit")) or "d")
    except (InvalidOperation, ValueError):
        return "", "the dosing frequency is not readable: enter the dose in mg/day"
    if days is None or not frequency.is_finite() or not period.is_finite() or period <= 0 or frequency <= 0:
        return "", "the dosing frequency is not readable: enter the dose in mg/day"
    if not repeat:
        note = "no frequency given: the dose is taken as the daily dose"
    per_day = value * _MG_PER_UNIT[unit] * frequency / (period * days)
    if per_day.adjusted() > 7:
        return "", "the dose is out of range: enter the dose in mg/day"
    per_day = per_day.quantize(Decimal("0.01"))
    if not note and (frequency != 1 or period * days != 1 or unit != "mg"):
        note = f"dose computed as {number_text(per_day)} mg/day from the prescription"
    return number_text(per_day), note


def _medication(resource: dict, index: _Index) -> tuple[str, str]:
    """(name, RxNorm code) of the medication, from the concept or a Medication in the file."""
    concept = _dict(resource.get("medicationCodeableConcept"))
    if not concept:
        concept = _dict(_dict(index.resolve(resource.get("medicationReference"))).get("code"))
    rxnorm, display = "", ""
    for item in _list(concept.get("coding")):
        if not isinstance(item, dict):
            continue
        if item.get("system") == codes.RXNORM and not rxnorm:
            rxnorm = _str(item.get("code"))
        display = display or _str(item.get("display"))
    return _str(concept.get("text")) or display, rxnorm


def _augmentation_text(resource: dict) -> str:
    items = []
    for extension in _extensions(resource, "trial-augmentation"):
        parts = _sub_values(extension)
        agent = _str(parts.get("agent", {}).get("valueCode")) or _str(parts.get("agent", {}).get("valueString"))
        if not agent:
            continue
        text = agent
        dose = number_text(_dict(parts.get("dose", {}).get("valueQuantity")).get("value"))
        weeks = number_text(parts.get("weeks", {}).get("valueDecimal"))
        if dose:
            text += f" {dose}"
        if weeks:
            text += f" for {weeks} weeks"
        items.append(text)
    return ", ".join(items)


def trial_row(resource: dict, index: _Index, catalogue: Catalogue) -> tuple[dict, list[str], bool]:
    """A MedicationStatement or MedicationRequest as the trial form's data, with notes."""
    name, rxnorm = _medication(resource, index)
    match = match_drug(name, rxnorm, catalogue)
    notes = []
    if match is None:
        drug, unmapped = "", True
        notes.append("no medication name or code: enter the drug")
    else:
        drug, unmapped = match.drug, not match.in_catalogue
        if match.in_catalogue and match.how != "generic name":
            notes.append(f"{match.drug}: from the {match.how}")
        if unmapped:
            notes.append(f"“{name}” is not in the catalogue: define its class and minimum adequate dose (rules §1.2)")
    if resource.get("resourceType") == "MedicationRequest":
        dosage = _first(resource.get("dosageInstruction"))
        validity = _dict(_dict(resource.get("dispenseRequest")).get("validityPeriod"))
        period = {"start": validity.get("start") or resource.get("authoredOn"), "end": validity.get("end")}
    else:
        dosage = _first(resource.get("dosage"))
        period = _dict(resource.get("effectivePeriod")) or {"start": resource.get("effectiveDateTime")}
    dose, dose_note = daily_dose(dosage)
    notes.append(dose_note)
    outcome = codes.value_of({"coding": [_dict(_extension_value(resource, "trial-outcome", "Coding"))]}, "outcome")
    minimum = _dict(_extension_value(resource, "trial-minimum-adequate-dose", "Quantity"))
    fields = {
        "drug": drug,
        "drug_class": _str(_extension_value(resource, "trial-drug-class", "Code")),
        "min_adequate_dose_mg": number_text(minimum.get("value")),
        "dose_mg_per_day": dose,
        "weeks_at_dose": number_text(_extension_value(resource, "trial-weeks-at-dose", "Decimal")),
        "started_on": date_text(period.get("start")),
        "ended_on": date_text(period.get("end")),
        "adherence_pct": number_text(_extension_value(resource, "trial-adherence", "Decimal")),
        "improvement_pct": number_text(_extension_value(resource, "trial-improvement", "Decimal")),
        "outcome": outcome or "",
        "improvement_scale": "",
        "baseline_score": "",
        "end_score": "",
        "augmentation": _augmentation_text(resource),
    }
    return fields, notes, unmapped


# ---------------------------------------------------------------------------------------------
# Courses and scores


def _course_kind(procedure: dict) -> str | None:
    concept = _dict(procedure.get("code"))
    ours = codes.value_of(concept, "course")
    if ours:
        return ours
    text = code_text(_str(concept.get("text")))
    words = {code_text(label): code for code, label in codes.COURSES.items()} | {code: code for code in codes.COURSES}
    words |= {"electroconvulsive_therapy": "ect"}
    return words.get(text)


def course_row(procedure: dict, kind: str) -> tuple[str, dict]:
    outcome = codes.value_of(_dict(procedure.get("outcome")), "outcome") or code_text(
        _str(_dict(procedure.get("outcome")).get("text"))
    )
    started = date_text(_dict(procedure.get("performedPeriod")).get("start")) or date_text(
        procedure.get("performedDateTime")
    )
    if kind == "ect":
        return "ect_courses", {
            "electrode_placement": _str(_extension_value(procedure, "ect-electrode-placement", "Code")),
            "sessions": number_text(_extension_value(procedure, "ect-sessions", "Integer")),
            "outcome": outcome,
            "started_on": started,
        }
    return "other_courses", {
        "kind": kind,
        "weeks": number_text(_extension_value(procedure, "course-weeks", "Decimal")),
        "outcome": outcome,
        "started_on": started,
    }


def _scale(observation: dict) -> str | None:
    concept = _dict(observation.get("code"))
    for item in _list(concept.get("coding")):
        if isinstance(item, dict) and item.get("system") == codes.LOINC and item.get("code") in codes.LOINC_SCALE:
            return codes.LOINC_SCALE[item["code"]]
    text = "".join(ch for ch in _str(concept.get("text")).lower() if ch.isalnum())
    return _SCALE_NAMES.get(text)


def score_row(observation: dict, scale: str) -> dict:
    value = observation.get("valueInteger")
    if value is None:
        value = _dict(observation.get("valueQuantity")).get("value")
    rated = date_text(observation.get("effectiveDateTime")) or date_text(
        _dict(observation.get("effectivePeriod")).get("start")
    )
    return {"scale": scale, "score": number_text(value), "rated_on": rated}


def _is_staging_result(observation: dict) -> bool:
    return any(
        isinstance(item, dict) and item.get("system") == codes.TRD_SYSTEM
        for item in _list(_dict(observation.get("code")).get("coding"))
    )


# ---------------------------------------------------------------------------------------------


def propose(items: list[tuple[str, dict, str]], catalogue: Catalogue, *, has_current_episode: bool) -> Proposal:
    proposal = Proposal()
    index = _Index(items)
    conditions = [
        (where, resource)
        for where, resource, _ in items
        if resource.get("resourceType") == "Condition" and _is_current_condition(resource)
    ]
    current = max(conditions, key=lambda item: episode_fields(item[1])["onset"], default=None)
    if current is not None:
        where, condition = current
        if has_current_episode:
            proposal.notices.append(
                f"{where[:1].upper()}{where[1:]}: the patient already has a current episode, which is kept "
                "(edit it on the episode page)."
            )
        else:
            proposal.episode = {"source": where, "fields": episode_fields(condition)}
    skipped: dict[str, int] = {}
    staging_results = 0
    for where, resource, _ in items:
        resource_type = resource["resourceType"]
        if resource_type in ("MedicationStatement", "MedicationRequest", "Procedure", "Observation"):
            reasons = [index.resolve(item) for item in _list(resource.get("reasonReference"))]
            focus = [index.resolve(item) for item in _list(resource.get("focus"))]
            episode = next(
                (found for found in reasons + focus if found and found.get("resourceType") == "Condition"), None
            )
            if episode is not None and not _is_current_condition(episode):
                skipped["rows of an earlier (resolved) episode"] = (
                    skipped.get("rows of an earlier (resolved) episode", 0) + 1
                )
                continue
        if resource_type in ("MedicationStatement", "MedicationRequest"):
            fields, notes, unmapped = trial_row(resource, index, catalogue)
            proposal.add("trials", where, fields, notes, unmapped)
        elif resource_type == "Procedure":
            kind = _course_kind(resource)
            if kind is None:
                proposal.notices.append(f"{where}: not an ECT or other course this app records; skipped.")
                continue
            target, fields = course_row(resource, kind)
            proposal.add(target, where, fields)
        elif resource_type == "Observation":
            if _is_staging_result(resource):
                staging_results += 1
                continue
            scale = _scale(resource)
            if scale is None:
                proposal.notices.append(
                    f"{where}: not a score of a scale this app records ({', '.join(vocabulary.SCALES)}); skipped."
                )
                continue
            proposal.add("scores", where, score_row(resource, scale))
        elif resource_type != "Condition":
            skipped[resource_type] = skipped.get(resource_type, 0) + 1
    if staging_results:
        proposal.notices.append(
            f"{plural(staging_results, 'staging result')} skipped: staging is recomputed "
            "from the records, never imported."
        )
    if skipped:
        proposal.notices.append(
            "Not imported: " + ", ".join(f"{count} {name}" for name, count in sorted(skipped.items())) + "."
        )
    return proposal
