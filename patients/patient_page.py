"""What the patient page shows, gathered in a fixed number of queries.

Adequacy, counting and every staging figure come from the stored snapshot (`current_snapshot`),
never from recomputing: the page must show exactly what the PDF and the list show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from patients.models import COMORBIDITY_CHOICES, SCREENING_LABELS, Episode, Patient, StagingSnapshot, Trial
from patients.timeline import render_timeline_svg
from staging.engine import inputs as vocabulary
from staging.engine.outcome import derive_outcome
from staging.engine.severity import SeveritySuggestion, suggest_severity
from staging.site import configured_catalogue


@dataclass
class TrialRow:
    trial: Trial
    assessment: dict | None  # the trial's entry in the snapshot result, None when not staged

    @property
    def min_adequate_dose_mg(self):
        if self.assessment and self.assessment.get("min_adequate_dose_mg") is not None:
            return self.assessment["min_adequate_dose_mg"]
        if self.trial.min_adequate_dose_mg is not None:
            return self.trial.min_adequate_dose_mg
        entry = configured_catalogue().get(self.trial.drug)  # an unstaged (earlier) episode: adult dose
        return entry.min_dose_mg if entry else None

    @property
    def drug_class(self) -> str:
        if self.assessment and self.assessment.get("drug_class"):
            return self.assessment["drug_class"]
        if self.trial.drug_class:
            return self.trial.drug_class
        entry = configured_catalogue().get(self.trial.drug)
        return entry.drug_class if entry else ""

    @property
    def outcome(self) -> str:
        """The staged outcome (rules §3.1), else the one entered or implied by the improvement."""
        if self.assessment and self.assessment.get("outcome"):
            return self.assessment["outcome"]
        improvement = None if self.trial.improvement_pct is None else float(self.trial.improvement_pct)
        return derive_outcome(self.trial.outcome or None, improvement)

    @property
    def dose_below_minimum(self) -> bool:
        minimum = self.min_adequate_dose_mg
        return minimum is not None and float(self.trial.dose_mg_per_day) < float(minimum)


@dataclass
class EarlierEpisode:
    episode: Episode
    trial_rows: list[TrialRow]


@dataclass
class SeverityCheck:
    suggestion: SeveritySuggestion
    confirmed: str
    confirmed_display: str

    @property
    def differs(self) -> bool:
        return self.suggestion.severity != self.confirmed


@dataclass
class ScreeningItem:
    name: str
    status: str
    status_display: str


@dataclass
class PatientPage:
    patient: Patient
    snapshot: StagingSnapshot | None
    current: Episode | None
    earlier: list[EarlierEpisode] = field(default_factory=list)
    trial_rows: list[TrialRow] = field(default_factory=list)
    severity_check: SeverityCheck | None = None
    screening: list[ScreeningItem] = field(default_factory=list)
    timeline_svg: str = ""

    @property
    def result(self) -> dict | None:
        return self.snapshot.result if self.snapshot else None

    @property
    def duration_months(self) -> int | None:
        """Whole calendar months from onset to today (the duration the Maudsley item reads, rules §4.2)."""
        if self.current is None:
            return None
        today, onset = timezone.localdate(), self.current.onset
        months = (today.year - onset.year) * 12 + today.month - onset.month - (today.day < onset.day)
        return max(months, 0)

    @property
    def comorbidities(self) -> list[str]:
        names = dict(COMORBIDITY_CHOICES)
        return [names.get(code, code) for code in (self.current.comorbidities or [])] if self.current else []

    @property
    def staging_is_current(self) -> bool:
        """The snapshot describes the current episode (false before the first staging)."""
        return bool(self.snapshot and self.current and self.snapshot.episode_id == self.current.pk)


def _episodes_of(patient: Patient) -> list[Episode]:
    return list(
        Episode.objects.filter(patient=patient).prefetch_related(
            Prefetch("trials", queryset=Trial.objects.prefetch_related("augmentations")),
            "ect_courses",
            "other_courses",
            "scale_scores",
        )
    )


def _trial_rows(episode: Episode, snapshot: StagingSnapshot | None, staged: bool) -> list[TrialRow]:
    trials = list(episode.trials.all())
    assessments = snapshot.result.get("trials", []) if staged and snapshot else []
    if len(assessments) != len(trials):
        # rules §10: result trials are in input order; a different count means the snapshot
        # predates the last change, so no adequacy is shown rather than a wrong one.
        assessments = [None] * len(trials)
    return [TrialRow(trial, assessment) for trial, assessment in zip(trials, assessments)]


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


def _screening(episode: Episode) -> list[ScreeningItem]:
    statuses = dict(episode._meta.get_field("bipolar_spectrum").choices)
    return [
        ScreeningItem(SCREENING_LABELS[item], status, statuses.get(status, status))
        for item, status in episode.screening().items()
        if item in vocabulary.SCREENING_ITEMS
    ]


def build_patient_page(patient: Patient) -> PatientPage:
    snapshot = patient.current_snapshot
    episodes = _episodes_of(patient)
    current = next((episode for episode in episodes if episode.is_current), None)
    page = PatientPage(
        patient=patient,
        snapshot=snapshot,
        current=current,
        earlier=[
            EarlierEpisode(episode, [TrialRow(trial, None) for trial in episode.trials.all()])
            for episode in episodes
            if not episode.is_current
        ],
    )
    if current is not None:
        page.trial_rows = _trial_rows(current, snapshot, page.staging_is_current)
        page.severity_check = _severity_check(current)
        page.screening = _screening(current)
        page.timeline_svg = render_timeline_svg(current)
    return page


def age_today(patient: Patient) -> int:
    return patient.age_on(timezone.localdate())
