"""The import workflow: a file becomes a stored proposal (nothing else is saved), the review page
shows it with likely duplicates, and accepting saves the accepted rows in one transaction,
restages and records the source and what was accepted in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import log
from audit.models import AuditEntry
from patients.forms.errors import FormError
from patients.imports import csv_source, fhir_source
from patients.imports.forms import REVIEW_FORMS, episode_form, review_formsets
from patients.imports.proposal import KIND_NAMES, KINDS
from patients.imports.reading import ImportFileError, read_upload
from patients.models import Episode, ImportBatch, Patient
from patients.services import current_episode, restage
from staging.site import configured_catalogue


def create_batch(uploaded, patient: Patient, user) -> ImportBatch:
    """Read and parse the file, store its proposal. Raises ImportFileError; saves nothing then."""
    upload = read_upload(uploaded)
    catalogue = configured_catalogue()
    has_current = current_episode(patient) is not None
    if upload.file_format == "csv":
        if not has_current:
            raise ImportFileError(
                "This patient has no current episode, and a CSV file carries only trials, courses and scores: "
                "enter the episode first, or import a FHIR file with the episode's Condition."
            )
        proposal = csv_source.propose(csv_source.read_csv(upload.text), catalogue)
    else:
        reader = fhir_source.read_bundle if upload.file_format == "fhir" else fhir_source.read_ndjson
        proposal = fhir_source.propose(reader(upload.text), catalogue, has_current_episode=has_current)
        if not proposal.row_count() and proposal.episode is None:
            raise ImportFileError(
                "The file holds no trials, courses, scale scores or current episode to import "
                "(MedicationStatement, MedicationRequest, Procedure, Observation or Condition)."
            )
        if proposal.episode is None and not has_current:
            raise ImportFileError(
                "This patient has no current episode and the file has no current Condition (major depressive "
                "episode): enter the episode first, then import the trials."
            )
    if review_field_count(proposal.as_json()) > settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:
        raise ImportFileError(
            f"The file proposes {proposal.row_count()} rows, more than one review page can take; "
            "split it into smaller files (about 50 trials each)."
        )
    return ImportBatch.objects.create(
        patient=patient,
        file_name=upload.name,
        file_format=upload.file_format,
        sha256=upload.sha256,
        byte_size=upload.byte_size,
        uploaded_at=timezone.now(),
        uploaded_by=user,
        uploaded_by_name=user.get_username(),
        proposal=proposal.as_json(),
    )


def review_field_count(proposal: dict) -> int:
    """How many fields the review page posts: each row's form fields, its reject box and hidden
    version, and per kind the formset's four management fields (plus the token and the button)."""
    count = 2
    for kind, (form, _) in REVIEW_FORMS.items():
        rows = len(proposal.get(kind) or [])
        count += 4 + rows * (len(form.base_fields) + 2)
    return count


# ---------------------------------------------------------------------------------------------
# Likely duplicates of rows already recorded in the current episode


def _overlaps(start_a, end_a, start_b, end_b) -> bool:
    if start_a is None or start_b is None:
        return False
    return start_a <= (end_b or date.max) and start_b <= (end_a or date.max)


def _parse_date(text):
    try:
        return date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def duplicate_notes(kind: str, fields: dict, episode: Episode | None) -> list[str]:
    """Why a proposed row may already be recorded (same drug and start, or same drug and dose
    over overlapping dates; the same course or score on the same day)."""
    if episode is None or episode.pk is None:
        return []
    notes = []
    started = _parse_date(fields.get("started_on"))
    if kind == "trials":
        ended = _parse_date(fields.get("ended_on"))
        for number, trial in enumerate(episode.trials.all(), start=1):
            if trial.drug != fields.get("drug"):
                continue
            if started and trial.started_on == started:
                notes.append(f"Likely a duplicate of trial {number} ({trial.drug}, started {started:%d %b %Y}).")
            elif str(trial.dose_mg_per_day.normalize()) == str(_decimal(fields.get("dose_mg_per_day"))) and _overlaps(
                started, ended, trial.started_on, trial.ended_on
            ):
                notes.append(f"May duplicate trial {number}: {trial.drug} at the same dose over overlapping dates.")
    elif kind == "ect_courses":
        for course in episode.ect_courses.all():
            if started and course.started_on == started:
                notes.append(f"Likely a duplicate of the ECT course started {started:%d %b %Y}.")
    elif kind == "other_courses":
        for course in episode.other_courses.all():
            if started and course.kind == fields.get("kind") and course.started_on == started:
                notes.append(
                    f"Likely a duplicate of the {course.get_kind_display()} course started {started:%d %b %Y}."
                )
    elif kind == "scores":
        rated = _parse_date(fields.get("rated_on"))
        for score in episode.scale_scores.all():
            if rated and score.scale == fields.get("scale") and score.rated_on == rated:
                notes.append(
                    f"Likely a duplicate: a {score.scale} score of {score.score} is recorded on {rated:%d %b %Y}."
                )
    return notes


def _decimal(text):
    try:
        return Decimal(str(text)).normalize()
    except (InvalidOperation, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Review and accept


@dataclass
class Review:
    """The review page's forms for a batch, bound to a post or showing the proposal."""

    batch: ImportBatch
    episode: Episode  # the current episode, or a new one from the file (unsaved)
    new_episode: bool
    episode_form: object | None
    formsets: dict
    errors: list[FormError] = field(default_factory=list)

    def episode_facts(self) -> list[tuple[str, str]]:
        """(label, words) of the file's episode, as the episode page would show its choices."""
        form = self.episode_form
        facts = []
        for name, form_field in form.fields.items():
            values = [value for value in form.data.getlist(name) if value]
            if name == "seen_version" or not values:
                continue
            words = dict(getattr(form_field, "choices", None) or [])
            facts.append((str(form_field.label), ", ".join(str(words.get(value, value)) for value in values)))
        return facts

    def rows(self, kind: str):
        """(form, proposed row, duplicate notes) of one kind."""
        proposed = self.batch.proposal.get(kind) or []
        formset = self.formsets[kind]
        return [
            (form, row, duplicate_notes(kind, row["fields"], None if self.new_episode else self.episode))
            for form, row in zip(formset.forms, proposed)
        ]

    def is_valid(self) -> bool:
        """Every accepted row valid; each error names its row (or resource) and field."""
        self.errors = []
        if self.new_episode and not self.episode_form.is_valid():
            source = self.batch.proposal["episode"]["source"]
            self.errors += _form_errors(self.episode_form, f"Episode ({source})")
        for kind in KINDS:
            formset = self.formsets[kind]
            formset.is_valid()
            self.errors += [
                FormError(KIND_NAMES[kind].capitalize(), str(message), "") for message in formset.non_form_errors()
            ]
            for form, row in zip(formset.forms, self.batch.proposal.get(kind) or []):
                if form in formset.deleted_forms:
                    continue
                self.errors += _form_errors(form, f"{KIND_NAMES[kind].capitalize()} from {row['source']}")
        return not self.errors


def _form_errors(form, where: str) -> list[FormError]:
    errors = []
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for message in messages:
            place = f"{where} · {label}" if label and name != "__all__" else where
            anchor = form[name].id_for_label if name in form.fields else ""
            errors.append(FormError(place, str(message), anchor))
    return errors


def build_review(batch: ImportBatch, data=None) -> Review:
    patient = batch.patient
    episode = current_episode(patient)
    new_episode = episode is None
    if new_episode:
        episode = Episode(patient=patient)
    return Review(
        batch=batch,
        episode=episode,
        new_episode=new_episode,
        episode_form=episode_form(batch.proposal, episode) if new_episode else None,
        formsets=review_formsets(batch.proposal, episode, data),
    )


class BatchAlreadyDecided(Exception):
    """The batch was accepted or discarded already (another tab, a double submit)."""


def _claim(batch: ImportBatch) -> ImportBatch:
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportBatch.PENDING:
        raise BatchAlreadyDecided(f"This import was already {locked.get_status_display().lower()}; nothing was saved.")
    return locked


def accept(review: Review, user) -> dict:
    """Save the accepted rows, restage, record the source and the decision. Call after is_valid()."""
    batch = review.batch
    with transaction.atomic():
        batch = _claim(batch)
        patient = Patient.objects.select_for_update().get(pk=batch.patient_id)
        episode = review.episode
        if review.new_episode:
            if current_episode(patient) is not None:
                raise BatchAlreadyDecided(
                    "A current episode was entered meanwhile: upload the file again to review it."
                )
            episode = review.episode_form.save()
        summary = {"file_name": batch.file_name, "sha256": batch.sha256, "episode": review.new_episode}
        next_position = max((trial.position for trial in episode.trials.all()), default=-1) + 1
        for kind in KINDS:
            formset = review.formsets[kind]
            accepted_sources, rejected_sources = [], []
            for form, row in zip(formset.forms, batch.proposal.get(kind) or []):
                if form in formset.deleted_forms:
                    rejected_sources.append(row["source"])
                    continue
                instance = form.save(commit=False)
                instance.episode = episode
                if kind == "trials":
                    instance.position = next_position
                    next_position += 1
                instance.save()
                if kind == "trials":
                    form.save_augmentations()
                accepted_sources.append(row["source"])
            summary[kind] = {"accepted": accepted_sources, "rejected": rejected_sources}
        restage(patient)
        batch.status = ImportBatch.ACCEPTED
        batch.decided_at = timezone.now()
        batch.accepted = summary
        batch.save(update_fields=["status", "decided_at", "accepted"])
        log.record(
            AuditEntry.IMPORT,
            user=user,
            patient=patient,
            obj=batch,
            changes={
                "file_name": batch.file_name,
                "sha256": batch.sha256,
                "uploaded_at": batch.uploaded_at.isoformat(),
                "uploaded_by": batch.uploaded_by_name,
                **{kind: {k: len(v) for k, v in summary[kind].items()} for kind in KINDS},
                "episode": review.new_episode,
            },
        )
    return summary


def discard(batch: ImportBatch, user) -> None:
    """Drop the whole import: nothing from the file is saved; the decision is audited."""
    with transaction.atomic():
        batch = _claim(batch)
        batch.status = ImportBatch.DISCARDED
        batch.decided_at = timezone.now()
        batch.save(update_fields=["status", "decided_at"])
        log.record(
            AuditEntry.IMPORT,
            user=user,
            patient=batch.patient_id,
            obj=batch,
            changes={"file_name": batch.file_name, "sha256": batch.sha256, "discarded": True},
        )
