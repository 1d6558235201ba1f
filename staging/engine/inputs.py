"""The engine's inputs: one patient's current depressive episode (rules §1).

Plain, frozen, slotted dataclasses: the web app builds them from the database, `manage.py stage`
and the JSON API build them from JSON (staging.engine.parsing), and the instruments read nothing
else. Trials of earlier episodes are never passed in (rules §1.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from staging.engine import vocabulary

RULESET_ID = "trd-2026.2"

# rules §1.1, §1.2, §1.3, §2.1: the codes (their words: staging.engine.vocabulary)
SEVERITIES = tuple(vocabulary.SEVERITIES)
FUNCTIONAL_IMPAIRMENTS = tuple(vocabulary.FUNCTIONAL_IMPAIRMENTS)
COMORBIDITIES = tuple(vocabulary.COMORBIDITIES)
OUTCOMES = vocabulary.ENTERED_OUTCOMES
ELECTRODE_PLACEMENTS = tuple(vocabulary.ELECTRODE_PLACEMENTS)
OTHER_COURSE_KINDS = tuple(vocabulary.OTHER_COURSE_KINDS)
DRUG_CLASSES = tuple(vocabulary.DRUG_CLASSES)
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
SCREENING_ITEMS = tuple(vocabulary.SCREENING_ITEMS)
SCREENING_STATUSES = tuple(vocabulary.SCREENING_STATUSES)
# rules §1.1, severity suggestion
SCALES = tuple(vocabulary.SCALES)


@dataclass(frozen=True, slots=True)
class Augmentation:
    agent: str
    dose_mg_per_day: float | None = None
    weeks: float | None = None


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class EctCourse:
    electrode_placement: str
    outcome: str
    sessions: int | None = None


@dataclass(frozen=True, slots=True)
class OtherCourse:
    kind: str
    weeks: float | None = None
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class ScaleScore:
    """A rating-scale score of the current episode (rules §1.1); read by §12 only."""

    scale: str
    score: int
    rated_on: date


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class StagingInput:
    """One record of rules §10: everything the instruments need, nothing else."""

    assessed_on: date
    episode: Episode
    age: int | None = None
    trials: tuple[Trial, ...] = ()
    ect_courses: tuple[EctCourse, ...] = ()
    other_courses: tuple[OtherCourse, ...] = ()
    scale_scores: tuple[ScaleScore, ...] = ()
    # rules §1.1: ("<profile id>/<criterion id>", True | False) pairs, the clinician's answers to
    # §12 attestation criteria; pairs rather than a dict so the record stays hashable.
    attestations: tuple[tuple[str, bool], ...] = ()
