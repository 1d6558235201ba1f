"""The upload form and the review page's rows: the entry pages' own forms (same validation,
same messages), one formset per kind, where the "delete" box reads "Reject this row"."""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.http import QueryDict

from patients.forms.courses import EctCourseForm, OtherCourseForm
from patients.forms.episode import EpisodeForm
from patients.forms.rows import removable_rows
from patients.forms.scores import ScaleScoreForm
from patients.forms.trials import TrialForm
from patients.models import EctCourse, Episode, OtherCourse, ScaleScore, Trial
from staging.site import configured_catalogue


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        help_text="A FHIR Bundle (.json), FHIR NDJSON (.ndjson) or a CSV file made from the template; at most 5 MB "
        "and 1,000 rows. Nothing is saved until you review and accept the rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.ndjson,.jsonl,.csv,.txt"}),
    )


class ReviewRows(BaseFormSet):
    """The proposed rows of one kind; each form gets a new row of the episode as its instance."""

    model = None
    episode: Episode = None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "instance": self.model(episode=self.episode)}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Reject this row"


def _rows_formset(form, model, count: int, episode: Episode):
    formset = formset_factory(form, formset=ReviewRows, **removable_rows(count))
    formset.model = model
    formset.episode = episode
    return formset


REVIEW_FORMS = {
    "trials": (TrialForm, Trial),
    "ect_courses": (EctCourseForm, EctCourse),
    "other_courses": (OtherCourseForm, OtherCourse),
    "scores": (ScaleScoreForm, ScaleScore),
}


def review_formsets(proposal: dict, episode: Episode, data=None) -> dict:
    """kind → formset of the proposed rows: initial values from the proposal, or the posted data."""
    formsets = {}
    for kind, (form, model) in REVIEW_FORMS.items():
        rows = proposal.get(kind) or []
        if form is TrialForm:
            form = type("ImportTrialForm", (TrialForm,), {"catalogue": configured_catalogue()})
        formset_class = _rows_formset(form, model, len(rows), episode)
        initial = [row["fields"] for row in rows]
        formsets[kind] = formset_class(data, initial=initial, prefix=kind)
    return formsets


def episode_form(proposal: dict, episode: Episode) -> EpisodeForm | None:
    """The file's episode, bound as the episode page would post it (validated here, edited on
    the episode page once saved)."""
    proposed = proposal.get("episode")
    if not proposed:
        return None
    data = QueryDict(mutable=True)
    for name, value in proposed["fields"].items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return EpisodeForm(data=data, instance=episode)
