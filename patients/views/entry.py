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


def _valid_post(request, *forms) -> bool:
    return request.method == "POST" and all(form.is_valid() for form in forms)


def _save_or_show(request, patient, what: str, saves, template: str, errors, **context):
    """Run the saves (none unless the POST is valid) and restage in one transaction, then go to
    the patient's page; otherwise show the page again with its errors, or with the conflict
    message when someone else changed a row since the page was opened (nothing saved)."""
    if saves:
        try:
            with transaction.atomic():
                for save in saves:
                    save()
                restage(patient)
        except EditConflict as error:
            errors = _conflict(error)
        else:
            return _saved(request, patient, what)
    return _render(request, template, patient, errors=errors, **context)


@audits_patient_read()
def episode_edit(request, pk):
    patient = get_visible_patient(request.user, pk)
    episode = _current_episode(patient)
    form = EpisodeForm(
        request.POST or None,
        instance=episode or Episode(patient=patient),
        severity_suggestion=_severity_suggestion(episode),
    )

    def save_episode():
        if episode is not None:
            claim_version(episode, form.seen_version, "The episode")
        form.save()

    saves = [save_episode] if _valid_post(request, form) else []
    errors = error_summary(form) if form.is_bound else []
    return _save_or_show(request, patient, "Episode", saves, "episode_form.html", errors, form=form, episode=episode)


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

    def end_the_current_episode():
        # Before the new one is saved: the one-current-episode constraint holds at every step.
        claim_version(episode, end_form.cleaned_data["seen_version"], "The current episode")
        episode.ended_on = end_form.cleaned_data["ended_on"]
        episode.save(update_fields=["ended_on"])

    saves = [end_the_current_episode, new_form.save] if _valid_post(request, end_form, new_form) else []
    errors = error_summary(end_form, new_form) if end_form.is_bound else []
    return _save_or_show(
        request,
        patient,
        "New episode",
        saves,
        "episode_new.html",
        errors,
        episode=episode,
        end_form=end_form,
        form=new_form,
    )


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
    saves = [formset.save_trials] if _valid_post(request, formset) else []
    errors = error_summary(("Trial", formset)) if formset.is_bound else []
    return _save_or_show(
        request,
        patient,
        "Trials",
        saves,
        "trials_form.html",
        errors,
        episode=episode,
        formset=formset,
        catalogue=drug_catalogue_json(catalogue),
        patient_age=patient.age_on(timezone.localdate()),
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
    saves = [ect_formset.save, other_formset.save] if _valid_post(request, ect_formset, other_formset) else []
    errors = error_summary(("ECT course", ect_formset), ("Other course", other_formset)) if data else []
    return _save_or_show(
        request,
        patient,
        "Courses",
        saves,
        "courses_form.html",
        errors,
        episode=episode,
        ect_formset=ect_formset,
        other_formset=other_formset,
    )


@audits_patient_read()
def scores_edit(request, pk):
    patient = get_visible_patient(request.user, pk)
    episode = _current_episode(patient)
    if episode is None:
        return _episode_needed(request, patient)
    formset = ScaleScoreFormSet(request.POST or None, instance=episode, prefix="scores")
    saves = [formset.save] if _valid_post(request, formset) else []
    errors = error_summary(("Score", formset)) if formset.is_bound else []
    return _save_or_show(
        request, patient, "Scale scores", saves, "scores_form.html", errors, episode=episode, formset=formset
    )
