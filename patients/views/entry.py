"""The clinician's data entry: the current episode, its trials, courses and scale scores.

Every page belongs to one patient the user may see (404 otherwise). A save writes the whole
page and restages the patient in one transaction: if any row is invalid, or anything fails
while saving, nothing changes (rules §1.1: only the current episode is ever staged).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.decorators import audits_patient_read
from patients.access import get_visible_patient
from patients.concurrency import EditConflict, claim_version
from patients.forms.courses import EctCourseFormSet, OtherCourseFormSet
from patients.forms.episode import EndEpisodeForm, EpisodeForm
from patients.forms.errors import FormError, error_summary
from patients.forms.scores import ScaleScoreFormSet
from patients.forms.trials import drug_catalogue_json, trial_formset_class
from patients.models import Episode, ScaleScore
from patients.services import restage
from staging.engine.severity import suggest_severity
from staging.site import configured_catalogue


def _current_episode(patient) -> Episode | None:
    episode = Episode.objects.filter(patient=patient, ended_on__isnull=True).first()
    if episode is not None:
        episode.patient = patient  # its rows' dates are checked against the date of birth
    return episode


def _episode_needed(request, patient):
    messages.info(request, "Record the current episode first: trials, courses and scores belong to it.")
    return redirect("patients:episode", pk=patient.pk)


def _saved(request, patient, what: str):
    messages.success(request, f"{what} saved; the staging is up to date.")
    return redirect("patients:detail", pk=patient.pk)


def _conflict(error: EditConflict) -> list[FormError]:
    """Someone else saved first: show why nothing was saved, keep what was typed on the page."""
    return [FormError("Changed by someone else", str(error), "")]


def _render(request, template: str, patient, **context):
    return render(request, f"patients/entry/{template}", {"patient": patient, **context})


def _severity_suggestion(episode: Episode | None):
    latest = ScaleScore.objects.filter(episode=episode).order_by("rated_on", "pk").last() if episode else None
    return suggest_severity(latest.scale, latest.score) if latest else None


@audits_patient_read()
def episode_edit(request, pk):
    patient = get_visible_patient(request.user, pk)
    episode = _current_episode(patient)
    form = EpisodeForm(
        request.POST or None,
        instance=episode or Episode(patient=patient),
        severity_suggestion=_severity_suggestion(episode),
    )
    conflict = []
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if episode is not None:
                    claim_version(episode, form.seen_version, "The episode")
                form.save()
                restage(patient)
            return _saved(request, patient, "Episode")
        except EditConflict as error:
            conflict = _conflict(error)
    return _render(
        request,
        "episode_form.html",
        patient,
        form=form,
        episode=episode,
        errors=conflict or (error_summary(form) if form.is_bound else []),
    )


@audits_patient_read()
def episode_new(request, pk):
    patient = get_visible_patient(request.user, pk)
    episode = _current_episode(patient)
    if episode is None:
        return redirect("patients:episode", pk=patient.pk)
    data = request.POST or None
    end_form = EndEpisodeForm(data, episode=episode)
    new_form = EpisodeForm(data, prefix="new", instance=Episode(patient=patient))
    if end_form.is_bound and end_form.is_valid():
        new_form.previous_episode_ended_on = end_form.cleaned_data["ended_on"]
    conflict = []
    if request.method == "POST" and end_form.is_valid() and new_form.is_valid():
        try:
            with transaction.atomic():
                # End the old episode first: the one-current-episode constraint holds at every step.
                claim_version(episode, end_form.cleaned_data["seen_version"], "The current episode")
                episode.ended_on = end_form.cleaned_data["ended_on"]
                episode.save(update_fields=["ended_on"])
                new_form.save()
                restage(patient)
            return _saved(request, patient, "New episode")
        except EditConflict as error:
            conflict = _conflict(error)
    return _render(
        request,
        "episode_new.html",
        patient,
        episode=episode,
        end_form=end_form,
        form=new_form,
        errors=conflict or (error_summary(end_form, new_form) if end_form.is_bound else []),
    )


def _save_and_restage(request, patient, what: str, *saves):
    """Run the saves and restage in one transaction: (the redirect, []) when saved, or (None, the
    conflict message) when someone else changed a row since the page was opened."""
    try:
        with transaction.atomic():
            for save in saves:
                save()
            restage(patient)
    except EditConflict as error:
        return None, _conflict(error)
    return _saved(request, patient, what), []


@audits_patient_read()
def trials_edit(request, pk):
    patient = get_visible_patient(request.user, pk)
    episode = _current_episode(patient)
    if episode is None:
        return _episode_needed(request, patient)
    catalogue = configured_catalogue()
    formset = trial_formset_class(catalogue)(
        request.POST or None,
        instance=episode,
        prefix="trials",
        queryset=episode.trials.prefetch_related("augmentations"),
    )
    conflict = []
    if request.method == "POST" and formset.is_valid():
        saved, conflict = _save_and_restage(request, patient, "Trials", formset.save_trials)
        if saved:
            return saved
    return _render(
        request,
        "trials_form.html",
        patient,
        episode=episode,
        formset=formset,
        catalogue=drug_catalogue_json(catalogue),
        patient_age=patient.age_on(timezone.localdate()),
        errors=conflict or (error_summary(("Trial", formset)) if formset.is_bound else []),
    )


@audits_patient_read()
def courses_edit(request, pk):
    patient = get_visible_patient(request.user, pk)
    episode = _current_episode(patient)
    if episode is None:
        return _episode_needed(request, patient)
    data = request.POST or None
    ect_formset = EctCourseFormSet(data, instance=episode, prefix="ect")
    other_formset = OtherCourseFormSet(data, instance=episode, prefix="other")
    conflict = []
    if request.method == "POST" and ect_formset.is_valid() and other_formset.is_valid():
        saved, conflict = _save_and_restage(request, patient, "Courses", ect_formset.save, other_formset.save)
        if saved:
            return saved
    errors = error_summary(("ECT course", ect_formset), ("Other course", other_formset)) if data else []
    return _render(
        request,
        "courses_form.html",
        patient,
        episode=episode,
        ect_formset=ect_formset,
        other_formset=other_formset,
        errors=conflict or errors,
    )


@audits_patient_read()
def scores_edit(request, pk):
    patient = get_visible_patient(request.user, pk)
    episode = _current_episode(patient)
    if episode is None:
        return _episode_needed(request, patient)
    formset = ScaleScoreFormSet(request.POST or None, instance=episode, prefix="scores")
    conflict = []
    if request.method == "POST" and formset.is_valid():
        saved, conflict = _save_and_restage(request, patient, "Scale scores", formset.save)
        if saved:
            return saved
    return _render(
        request,
        "scores_form.html",
        patient,
        episode=episode,
        formset=formset,
        errors=conflict or (error_summary(("Score", formset)) if formset.is_bound else []),
    )
