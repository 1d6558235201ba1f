"""Turn a patient's records into an engine input and keep the stored staging current.

Every change to a patient's current episode (or anything in it) ends with `restage` inside the
same transaction, so the list pages and the worklist can filter and sort on stored values and
never recompute.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.db.models import Prefetch
from django.utils import timezone

from patients.episode_rows import rows, with_rows
from patients.models import Episode, Patient, StagingSnapshot
from patients.needs import STORED_REASONS, needs
from staging.engine import inputs as engine_inputs
from staging.engine import stage
from staging.engine.interchange import record_to_dict, result_to_dict
from staging.site import configured_catalogue, configured_profiles


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
                for augmentation in rows(trial, "augmentations")
            ),
            started_on=trial.started_on,
            drug_class=trial.drug_class or None,
            min_adequate_dose_mg=_number(trial.min_adequate_dose_mg),
        )
        for trial in rows(episode, "trials")
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
            for course in rows(episode, "ect_courses")
        ),
        other_courses=tuple(
            engine_inputs.OtherCourse(kind=course.kind, weeks=_number(course.weeks), outcome=course.outcome or None)
            for course in rows(episode, "other_courses")
        ),
        # rules §1.1: the episode's scores up to the day staged (a later one does not exist yet
        # as of that day), and the answers to the configured profiles' attestations only (a
        # removed profile's stored answers are kept, unused)
        scale_scores=tuple(
            engine_inputs.ScaleScore(scale=score.scale, score=score.score, rated_on=score.rated_on)
            for score in rows(episode, "scale_scores")
            if score.rated_on <= assessed_on
        ),
        attestations=tuple(
            (answer.key, answer.holds)
            for answer in rows(episode, "attestations")
            if answer.key in configured_profiles().attestation_keys
        ),
    )


# Everything restaging writes on Patient: the staging summary and what the episode needs.
_SUMMARY_FIELDS = Patient.STAGING_SUMMARY_FIELDS + Patient.NEEDS_FIELDS
# An episode's engine input and its result as stored (rules §10): what restaging has in hand.
_Staged = tuple[engine_inputs.StagingInput, dict]


def _apply_summary(patient: Patient, snapshot: StagingSnapshot | None) -> None:
    result = snapshot.result if snapshot else None
    patient.current_snapshot = snapshot
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


def _apply_needs(patient: Patient, staged: _Staged | None) -> None:
    """The worklist's stored reasons, from this staging's input and result (patients.needs).

    Refreshed on every restage, whether or not a new snapshot is written: the input can change
    without the result changing (a course recorded with no outcome yet ends a referral need).
    """
    applying = needs(*staged) if staged is not None else frozenset()
    for reason in STORED_REASONS:
        setattr(patient, f"needs_{reason}", reason in applying)


def _date_staging(patient: Patient, episode: Episode | None, assessed_on: date, assessed_at) -> None:
    """The staging is as of `assessed_on`; `assessed_at` is set when a clinician changed the record."""
    patient.staged_on = assessed_on if episode is not None else None
    if assessed_at is not None or episode is None:
        patient.last_assessed_at = assessed_at if episode is not None else None


def restage(patient: Patient, *, assessed_on: date | None = None, clinical_change: bool = True) -> bool:
    """Stage the patient's current episode as of `assessed_on` (today) and store it; returns True
    when the result changed.

    A new snapshot is written only when the result differs from the stored one, so running it
    twice changes nothing the second time (recompute_staging relies on this). The patient's
    staging date always moves to `assessed_on`; "last assessed" moves only on a clinical change
    (an edit), not when the calendar alone restages (staging_as_of_today, --stale).
    """
    assessed_on = assessed_on or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        episode = current_episode(patient)
        computed = _stage(patient, episode, assessed_on, configured_catalogue())
        snapshot = _new_snapshot_if_changed(patient, episode, computed, assessed_on, now)
        changed = snapshot is not None or (episode is None and patient.current_snapshot_id is not None)
        if snapshot is not None:
            snapshot.save()
        if changed:
            _apply_summary(patient, snapshot)
        _apply_needs(patient, computed)
        _date_staging(patient, episode, assessed_on, now if clinical_change else None)
        Patient.objects.filter(pk=patient.pk).update(**{field: getattr(patient, field) for field in _SUMMARY_FIELDS})
    return changed


def staging_as_of_today(patient: Patient) -> StagingSnapshot | None:
    """The patient's current staging, recomputed first when it is dated another day than today.

    rules §1.1: the web app stages as of the day it shows, prints or exports a result, because
    the Maudsley duration item, chronicity (§4.2, §5) and the 65+ doses (§9) move with the
    calendar. Call it before showing any staging; it writes a snapshot only when the result
    changed. The patient row is locked, so two requests on a new day restage once.
    """
    today = timezone.localdate()
    if patient.staged_on != today:
        with transaction.atomic():
            Patient.objects.select_for_update().filter(pk=patient.pk).exists()
            patient.refresh_from_db(fields=_SUMMARY_FIELDS)
            if patient.staged_on != today:
                restage(patient, assessed_on=today, clinical_change=False)
    return patient.current_snapshot


def stale_patients(queryset=None, *, today: date | None = None):
    """Patients whose stored staging is dated another day than today (recompute_staging --stale)."""
    today = today or timezone.localdate()
    queryset = Patient.objects.all() if queryset is None else queryset
    return queryset.filter(staged_on__isnull=False).exclude(staged_on=today)


def _json_ready(value):
    """The value as it reads back from a JSONField, so a fresh result compares equal to a stored one."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _stage(patient: Patient, episode: Episode | None, assessed_on: date, catalogue) -> _Staged | None:
    """The episode staged as of `assessed_on`, or None without a current episode."""
    if episode is None:
        return None
    record = build_staging_input(patient, episode, assessed_on)
    return record, _json_ready(result_to_dict(stage(record, catalogue, configured_profiles())))


def _new_snapshot_if_changed(
    patient: Patient,
    episode: Episode | None,
    staged: _Staged | None,
    assessed_on: date,
    computed_at,
) -> StagingSnapshot | None:
    """An unsaved snapshot of the episode's staging, or None when there is nothing new to store."""
    if staged is None:
        return None
    record, result = staged
    previous = patient.current_snapshot
    if previous is not None and previous.episode_id != episode.pk:
        previous = None  # the staging of an earlier episode: this one starts afresh (rules §1.1)
    if previous is not None and previous.result == result:
        return None
    label_before = previous.result["classification"]["label"] if previous is not None else None
    return StagingSnapshot(
        patient=patient,
        episode=episode,
        computed_at=computed_at,
        assessed_on=assessed_on,
        ruleset=result["ruleset"],
        input=_json_ready(record_to_dict(record)),
        result=result,
        became_trd=result["classification"]["label"] == "trd" and label_before != "trd",  # rules §5
    )


def patients_for_staging(queryset):
    """The patients with everything staging reads, in a fixed number of queries per batch.

    The stored snapshot's input JSON is never needed to decide whether the result changed.
    """
    current_episodes = with_rows(Episode.objects.filter(ended_on__isnull=True), "attestations")
    return (
        queryset.select_related("current_snapshot")
        .defer("current_snapshot__input")
        .prefetch_related(Prefetch("episodes", queryset=current_episodes, to_attr="current_episodes"))
    )


# The parts of a stored result that recompute_staging reports on, in its order (rules §13).
INSTRUMENTS = ("thase_rush", "maudsley", "mgh", "classification", "dtd", "eligibility", "trials")


def changed_instruments(previous: dict | None, result: dict) -> list[str]:
    """The INSTRUMENTS whose part of the result differs from the stored one (all, when none is)."""
    previous = previous or {}
    return [name for name in INSTRUMENTS if previous.get(name) != result.get(name)]


def restage_many(
    patient_ids,
    *,
    assessed_on: date | None = None,
    assessed_at=None,
    batch_size: int = 500,
    on_batch=None,
    by_instrument: dict[str, int] | None = None,
) -> tuple[int, int]:
    """`restage` for many patients at once: (patients staged, results changed).

    Each batch is one transaction that locks its patients' rows, reads them with a fixed number
    of queries, stages them with the pure engine and writes the changed ones with one bulk insert
    and one bulk update. By default this is the calendar restaging (recompute_staging): as of
    today, "last assessed" untouched. `assessed_at(patient)` instead records a clinical
    assessment at that moment, staged as of its day (the synthetic data set spreads "last
    assessed" over the past with it). `on_batch(count)` is told how many patients each finished
    batch held (for a progress bar). `by_instrument`, when given, counts the changed results
    per instrument (changed_instruments).
    """
    catalogue = configured_catalogue()
    patient_ids = list(patient_ids)
    staged = changed = 0
    for start in range(0, len(patient_ids), batch_size):
        batch_ids = patient_ids[start : start + batch_size]
        with transaction.atomic():
            locked = Patient.objects.select_for_update(of=("self",)).filter(pk__in=batch_ids).order_by("pk")
            patients = list(patients_for_staging(locked))
            snapshots, summaries = [], []
            for patient in patients:
                moment = assessed_at(patient) if assessed_at else None
                day = assessed_on or timezone.localdate(moment or timezone.now())
                episode = patient.current_episodes[0] if patient.current_episodes else None
                computed = _stage(patient, episode, day, catalogue)
                snapshot = _new_snapshot_if_changed(patient, episode, computed, day, moment or timezone.now())
                if snapshot is not None:
                    snapshots.append(snapshot)
                    summaries.append((patient, snapshot))
                    if by_instrument is not None:
                        previous = patient.current_snapshot.result if patient.current_snapshot else None
                        for name in changed_instruments(previous, snapshot.result):
                            by_instrument[name] = by_instrument.get(name, 0) + 1
                elif episode is None and patient.current_snapshot_id is not None:
                    summaries.append((patient, None))
                _apply_needs(patient, computed)
                _date_staging(patient, episode, day, moment)
            StagingSnapshot.objects.bulk_create(snapshots, batch_size=batch_size)
            for patient, snapshot in summaries:  # after the insert: the snapshots have their ids
                _apply_summary(patient, snapshot)
            _write_summaries(patients)
        staged += len(patients)
        changed += len(summaries)
        if on_batch:
            on_batch(len(patients))
    return staged, changed


def _write_summaries(patients: list[Patient]) -> None:
    """One UPDATE statement, executed for many rows (executemany). Django's bulk_update builds a
    CASE WHEN per row and field, which costs more than staging the rows at 100,000 patients."""
    if not patients:
        return
    connection = connections[router.db_for_write(Patient)]
    fields = [Patient._meta.get_field(name) for name in _SUMMARY_FIELDS]
    assignments = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    sql = f"UPDATE {connection.ops.quote_name(Patient._meta.db_table)} SET {assignments} WHERE id = %s"
    rows = [
        [field.get_db_prep_save(getattr(patient, field.attname), connection) for field in fields] + [patient.pk]
        for patient in patients
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
