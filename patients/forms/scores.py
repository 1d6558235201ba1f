"""Rating-scale scores of the current episode (rules §1.1): the latest suggests the severity."""

from __future__ import annotations

from django import forms

from patients.concurrency import SeenVersionMixin
from patients.forms.dates import DATE_INPUT, check_form_date
from patients.forms.rows import EntryRowsFormSet, episode_rows_formset
from patients.models import ScaleScore
from staging.engine.severity import SCALE_RANGES

MAX_SCORES = 100  # a weekly score for two years of one episode


def scale_range_message(scale: str) -> str:
    low, high = SCALE_RANGES[scale]
    return f"{scale} scores run from {low} to {high}"


def check_scale_score(scale: str, score: int | None) -> str | None:
    """rules §1.1 scale ranges: the message for an out-of-range score, else None."""
    if scale not in SCALE_RANGES or score is None:
        return None
    low, high = SCALE_RANGES[scale]
    return None if low <= score <= high else scale_range_message(scale)


class ScaleScoreForm(SeenVersionMixin, forms.ModelForm):
    class Meta:
        model = ScaleScore
        fields = ("scale", "score", "rated_on")
        widgets = {"rated_on": DATE_INPUT}
        labels = {"scale": "Scale", "score": "Score", "rated_on": "Rated on"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        score = self.instance
        self.description = f"The {score.scale} score of {score.rated_on:%d %b %Y}" if score.pk else "A score"

    def clean_rated_on(self):
        return check_form_date(self, "rated_on", "The rating cannot be dated")

    def clean(self):
        cleaned = super().clean()
        if message := check_scale_score(cleaned.get("scale"), cleaned.get("score")):
            self.add_error("score", message)
        return cleaned


class ScaleScoreRows(EntryRowsFormSet):
    remove_label = "Remove this score"


ScaleScoreFormSet = episode_rows_formset(ScaleScore, ScaleScoreForm, max_rows=MAX_SCORES, formset=ScaleScoreRows)
