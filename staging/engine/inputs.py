"""The engine's inputs: one patient's current depressive episode (rules §1).

Plain, frozen, slotted dataclasses (staging.engine.records.frozen_record): the web app builds them from
the database, `manage.py stage` builds them from JSON (staging.engine.interchange), and the instruments
read nothing else. Trials of earlier episodes are never passed in (rules §1.1).
"""

from __future__ import annotations

from datetime import date

from staging.engine.records import frozen_record

RULESET_ID = "trd-2026.1"

# rules §1.1
SEVERITIES = ("subsyndromal", "mild", "moderate", "severe", "severe_psychotic")
FUNCTIONAL_IMPAIRMENTS = ("none", "mild", "moderate", "severe")
COMORBIDITIES = (
    "anxiety",
    "personality_disorder",
    "substance_use",
    "adhd",
    "ptsd",
    "ocd",
    "eating_disorder",
    "chronic_pain",
    "medical_illness",
)
# rules §1.2
OUTCOMES = ("remission", "response", "partial_response", "non_response", "intolerance")
# rules §1.3
ELECTRODE_PLACEMENTS = ("bilateral", "right_unilateral", "bifrontal")
OTHER_COURSE_KINDS = ("rtms", "esketamine", "ketamine", "psychotherapy", "vns")
# rules §2.1
DRUG_CLASSES = (
    "SSRI",
    "SNRI",
    "TCA",
    "MAOI",
    "RIMA",
    "NDRI",
    "NaSSA",
    "SARI",
    "multimodal",
    "melatonergic",
    "NRI",
)
# rules §2.2 (any catalogue antidepressant is also accepted as an augmentation agent)
AUGMENTATION_AGENTS = (
    "lithium",
    "liothyronine",
    "aripiprazole",
    "brexpiprazole",
    "cariprazine",
    "quetiapine",
    "olanzapine",
    "risperidone",
    "lamotrigine",
    "pramipexole",
    "modafinil",
    "lisdexamfetamine",
    "esketamine",
)
# rules §8
SCREENING_ITEMS = (
    "bipolar_spectrum",
    "thyroid_function",
    "vitamin_b12",
    "vitamin_d",
    "sleep_apnoea",
    "substance_use",
    "adhd",
    "ptsd",
    "drug_interactions",
)
SCREENING_STATUSES = ("not_screened", "screened_negative", "positive")
# rules §1.1, severity suggestion
SCALES = ("MADRS", "HAM-D17", "PHQ-9", "QIDS-SR16")


@frozen_record
class Augmentation:
    agent: str
    dose_mg_per_day: float | None = None
    weeks: float | None = None


@frozen_record
class Trial:
    """One antidepressant trial of the current episode (rules §1.2)."""

    drug: str
    dose_mg_per_day: float
    weeks_at_dose: float
    adherence_pct: float | None = None
    improvement_pct: float | None = None
    outcome: str | None = None
    augmentation: tuple[Augmentation, ...] = ()
    started_on: date | None = None
    # Only for a drug not in the catalogue (clinician-defined); both or neither.
    drug_class: str | None = None
    min_adequate_dose_mg: float | None = None


@frozen_record
class EctCourse:
    electrode_placement: str
    outcome: str
    sessions: int | None = None


@frozen_record
class OtherCourse:
    kind: str
    weeks: float | None = None
    outcome: str | None = None


@frozen_record
class Episode:
    onset: date
    severity: str
    functional_impairment: str | None = None
    comorbidities: tuple[str, ...] = ()
    psychosocial_stressors: bool | None = None
    # (item, status) pairs; absent items are `not_screened` (rules §8).
    screening: tuple[tuple[str, str], ...] = ()

    def screening_status(self, item: str) -> str:
        return dict(self.screening).get(item, "not_screened")


@frozen_record
class StagingInput:
    """One record of rules §10: everything the instruments need, nothing else."""

    assessed_on: date
    episode: Episode
    age: int | None = None
    trials: tuple[Trial, ...] = ()
    ect_courses: tuple[EctCourse, ...] = ()
    other_courses: tuple[OtherCourse, ...] = ()
