"""Turn a patient's records into an engine input and keep the stored staging current.

Every change to a patient's current episode (or anything in it) ends with `restage` inside the
same transaction, so the list pages can filter and sort on stored values and never recompute.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from patients.models import Episode, Patient, StagingSnapshot
from staging import inputs as engine_inputs
from staging.catalogue import default_catalogue
from staging.engine import stage
from staging.interchange import record_to_dict, result_to_dict


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def current_episode(patient: Patient) -> Episode | None:
    return (
        Episode.objects.filter(patient=patient, ended_on__isnull=True)
        .prefetch_related("trials__augmentations", "ect_courses", "other_courses")
        .first()
    )


def build_staging_input(patient: Patient, episode: Episode, assessed_on: date) -> engine_inputs.StagingInput:
    """rules §1: the current episode only; earlier episodes are never passed to the engine."""
    trials = tuple(
        engine_inputs.Trial(
            drug=trial.drug,
            dose_mg_per_day=float(trial.dose_mg_per_day),
            weeks_at_dose=float(trial.weeks_at_dose),
            adherence_pct=_number(trial.adherence_pct),
            improvement_pct=_number(trial.improvement_pct),
            outcome=trial.outcome or None,
            augmentation=tuple(
                engine_inputs.Augmentation(
                    agent=augmentation.agent,
                    dose_mg_per_day=_number(augmentation.dose_mg_per_day),
                    weeks=_number(augmentation.weeks),
                )
                for augmentation in trial.augmentations.all()
            ),
            started_on=trial.started_on,
            drug_class=trial.drug_class or None,
            min_adequate_dose_mg=_number(trial.min_adequate_dose_mg),
        )
        for trial in episode.trials.all()
    )
    return engine_inputs.StagingInput(
        assessed_on=assessed_on,
        age=patient.age_on(assessed_on),
        episode=engine_inputs.Episode(
            onset=episode.onset,
            severity=episode.severity,
            functional_impairment=episode.functional_impairment or None,
            comorbidities=tuple(episode.comorbidities or ()),
            psychosocial_stressors=episode.psychosocial_stressors,
            screening=tuple(episode.screening().items()),
        ),
        trials=trials,
        ect_courses=tuple(
            engine_inputs.EctCourse(
                electrode_placement=course.electrode_placement, outcome=course.outcome, sessions=course.sessions
            )
            for course in episode.ect_courses.all()
        ),
        other_courses=tuple(
            engine_inputs.OtherCourse(kind=course.kind, weeks=_number(course.weeks), outcome=course.outcome or None)
            for course in episode.other_courses.all()
        ),
    )


_SUMMARY_FIELDS = [
    "current_snapshot",
    "thase_rush_stage",
    "msm_total",
    "msm_category",
    "mgh_score",
    "label",
    "regulatory_trd",
    "dtd_met",
    "staged_at",
]


def _apply_summary(patient: Patient, snapshot: StagingSnapshot | None) -> None:
    result = snapshot.result if snapshot else None
    patient.current_snapshot = snapshot
    patient.staged_at = snapshot.computed_at if snapshot else None
    if result is None:
        patient.thase_rush_stage = patient.msm_total = patient.mgh_score = None
        patient.msm_category = patient.label = ""
        patient.regulatory_trd = patient.dtd_met = None
        return
    maudsley = result["maudsley"]
    patient.thase_rush_stage = result["thase_rush"]["stage"]
    patient.msm_total = maudsley["total"]
    patient.msm_category = maudsley["category"] or ""
    patient.mgh_score = Decimal(str(result["mgh"]["score"]))
    patient.label = result["classification"]["label"]
    patient.regulatory_trd = result["classification"]["regulatory_trd"]
    patient.dtd_met = result["dtd"]["met"]


def restage(patient: Patient, *, assessed_on: date | None = None) -> bool:
    """Stage the patient's current episode and store it; returns True when the result changed.

    A new snapshot is written only when the result differs from the stored one, so running it
    twice changes nothing the second time (recompute_staging relies on this).
    """
    assessed_on = assessed_on or timezone.localdate()
    with transaction.atomic():
        episode = current_episode(patient)
        previous = patient.current_snapshot
        if episode is None:
            changed = previous is not None
            _apply_summary(patient, None)
        else:
            record = build_staging_input(patient, episode, assessed_on)
            result = result_to_dict(stage(record, default_catalogue()))
            input_json = record_to_dict(record)
            changed = previous is None or previous.result != result or previous.episode_id != episode.pk
            if changed:
                snapshot = StagingSnapshot.objects.create(
                    patient=patient,
                    episode=episode,
                    computed_at=timezone.now(),
                    assessed_on=assessed_on,
                    ruleset=result["ruleset"],
                    input=input_json,
                    result=result,
                )
                _apply_summary(patient, snapshot)
        if changed:
            Patient.objects.filter(pk=patient.pk).update(
                **{field: getattr(patient, field) for field in _SUMMARY_FIELDS}
            )
    return changed
