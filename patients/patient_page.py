"""What the patient page shows, gathered in a fixed number of queries.

Adequacy, counting and every staging figure come from the stored snapshot (`current_snapshot`),
never from recomputing, and are worded by staging.presentation: the page shows exactly what the
PDF and the JSON show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from patients.attestations import answers_of
from patients.history import history_panel
from patients.models import Episode, Patient, StagingSnapshot, Trial
from patients.services import build_staging_input
from patients.timeline import render_timeline_svg
from staging.eligibility_presentation import ProfileView, present_eligibility
from staging.engine.interchange import record_to_dict
from staging.engine.severity import SeveritySuggestion, suggest_severity
from staging.presentation import StagingView, TrialRow, present_staging, trial_rows
from staging.site import configured_catalogue


@dataclass
class EarlierEpisode:
    episode: Episode
    trial_rows: tuple[TrialRow, ...]


@dataclass
class SeverityCheck:
    suggestion: SeveritySuggestion
    confirmed: str
    confirmed_display: str

    @property
    def differs(self) -> bool:
        return self.suggestion.severity != self.confirmed


@dataclass
class PatientPage:
    patient: Patient
    snapshot: StagingSnapshot | None
    current: Episode | None
    staging: StagingView | None = None  # the current episode's staging, None before it is staged
    earlier: list[EarlierEpisode] = field(default_factory=list)
    severity_check: SeverityCheck | None = None
    timeline_svg: str = ""
    history: dict = field(default_factory=dict)  # patients.history.history_panel
    eligibility: tuple[ProfileView, ...] = ()  # rules §12, the "Treatment eligibility" panel


def staged_record(snapshot: StagingSnapshot, episode: Episode) -> dict:
    """The snapshot's rules §10 input, with the dates the rules do not read but a reader wants
    (a trial's end, a course's start) added from `episode` (its trials and courses prefetched).

    The input lists trials and courses in the episode's order (patients.services builds it so).
    """
    record = dict(snapshot.input)
    for key, rows, dates in (
        ("trials", episode.trials.all(), "ended_on"),
        ("ect_courses", episode.ect_courses.all(), "started_on"),
        ("other_courses", episode.other_courses.all(), "started_on"),
    ):
        entered = list(record.get(key) or ())
        rows = list(rows)
        if len(rows) == len(entered):
            entered = [{**item, dates: getattr(row, dates)} for item, row in zip(entered, rows)]
        record[key] = entered
    return record


def staging_view(patient: Patient, snapshot: StagingSnapshot, episode: Episode) -> StagingView:
    """The presentation of the patient's stored staging, as of the day it is dated (rules §1.1)."""
    return present_staging(
        staged_record(snapshot, episode),
        snapshot.result,
        assessed_on=patient.staged_on or snapshot.assessed_on,
    )


def _episodes_of(patient: Patient) -> list[Episode]:
    return list(
        Episode.objects.filter(patient=patient).prefetch_related(
            Prefetch("trials", queryset=Trial.objects.prefetch_related("augmentations")),
            "ect_courses",
            "other_courses",
            "scale_scores",
            "attestations",
        )
    )


def _earlier_trial_rows(patient: Patient, episode: Episode) -> tuple[TrialRow, ...]:
    """An earlier episode's trials as entered: never staged (rules §1.1), so no adequacy."""
    record = record_to_dict(build_staging_input(patient, episode, episode.ended_on or episode.onset))
    return trial_rows(record["trials"], catalogue=configured_catalogue())


def _severity_check(episode: Episode) -> SeverityCheck | None:
    """rules §1.1: the latest scale score suggests a severity; the clinician's is what counts."""
    scores = list(episode.scale_scores.all())
    if not scores:
        return None
    latest = max(scores, key=lambda score: (score.rated_on, score.pk))
    try:
        suggestion = suggest_severity(latest.scale, latest.score)
    except ValueError:
        return None
    return SeverityCheck(suggestion, episode.severity, episode.get_severity_display())


def build_patient_page(patient: Patient) -> PatientPage:
    snapshot = patient.current_snapshot
    episodes = _episodes_of(patient)
    current = next((episode for episode in episodes if episode.is_current), None)
    page = PatientPage(
        patient=patient,
        snapshot=snapshot,
        current=current,
        earlier=[
            EarlierEpisode(episode, _earlier_trial_rows(patient, episode))
            for episode in episodes
            if not episode.is_current
        ],
    )
    if current is not None:
        if snapshot is not None and snapshot.episode_id == current.pk:
            page.staging = staging_view(patient, snapshot, current)
            page.eligibility = eligibility_of(patient, snapshot, current, page.staging)
        page.severity_check = _severity_check(current)
        page.timeline_svg = render_timeline_svg(current)
        page.history = history_panel(current)
    return page


def age_today(patient: Patient) -> int:
    return patient.age_on(timezone.localdate())


def eligibility_of(
    patient: Patient, snapshot: StagingSnapshot, episode: Episode, staging: StagingView | None = None
) -> tuple[ProfileView, ...]:
    """Every profile of the stored staging (rules §12), each criterion with its evidence rows
    (numbered as on this page and in the report) and the clinician's answers: what the panel,
    the staging report's "Eligibility" section and the prior-authorisation packet all show."""
    staging = staging or staging_view(patient, snapshot, episode)
    record = staged_record(snapshot, episode)
    return present_eligibility(
        snapshot.result, staging.trials, staging.courses, record.get("scale_scores") or (), answers_of(episode)
    )
