"""The current episode (rules §1.1), its pseudo-resistance checklist (rules §8), and the end
date asked for when a new episode starts."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from patients.concurrency import SeenVersionMixin
from patients.forms.dates import DATE_INPUT, born_of, check_clinical_date, check_form_date
from patients.models import COMORBIDITY_CHOICES, Episode
from staging.engine import vocabulary

STRESSOR_CHOICES = [("yes", "Yes"), ("no", "No"), ("", "Unknown")]
_STRESSOR_VALUES = {"yes": True, "no": False, "": None}


class EpisodeForm(SeenVersionMixin, forms.ModelForm):
    """The current episode (rules §1.1) and its pseudo-resistance checklist (rules §8)."""

    comorbidities = forms.MultipleChoiceField(
        choices=COMORBIDITY_CHOICES, widget=forms.CheckboxSelectMultiple, required=False, label="Comorbidities"
    )
    psychosocial_stressors = forms.TypedChoiceField(
        choices=STRESSOR_CHOICES,
        coerce=lambda value: _STRESSOR_VALUES[value],
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
        label="Psychosocial stressors",
    )

    class Meta:
        model = Episode
        fields = (
            "onset",
            "severity",
            "functional_impairment",
            "comorbidities",
            "psychosocial_stressors",
            *vocabulary.SCREENING_ITEMS,
        )
        widgets = {
            "onset": DATE_INPUT,
            **dict.fromkeys(vocabulary.SCREENING_ITEMS, forms.RadioSelect),
        }
        labels = {"onset": "Onset of the episode", "severity": "Severity (clinician-rated)"}

    def __init__(self, *args, severity_suggestion=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["functional_impairment"].choices = [
            ("", "Not assessed"),
            *self.fields["functional_impairment"].choices[1:],
        ]
        self.fields["functional_impairment"].label = "Functional impairment"
        self.fields["severity"].help_text = (
            severity_suggestion.explanation
            if severity_suggestion
            else "No rating-scale score yet: add one on the scores page for a suggested severity."
        )
        stressors = self.instance.psychosocial_stressors if self.instance.pk else None
        self.initial["psychosocial_stressors"] = {True: "yes", False: "no", None: ""}[stressors]
        for item, term in vocabulary.SCREENING_ITEMS.items():
            self.fields[item].label = term.label
            # A radio group always has a value; the empty "---------" choice would be a fourth state.
            self.fields[item].choices = [choice for choice in self.fields[item].choices if choice[0]]

    def screening_fields(self):
        return [self[item] for item in vocabulary.SCREENING_ITEMS]

    def clean_onset(self):
        return check_form_date(self, "onset", "The episode cannot start")

    def clean_comorbidities(self):
        return list(self.cleaned_data.get("comorbidities") or [])

    def clean(self):
        cleaned = super().clean()
        onset = cleaned.get("onset")
        previous_end = getattr(self, "previous_episode_ended_on", None)
        if onset and previous_end and onset < previous_end:
            self.add_error(
                "onset", f"The new episode cannot begin before the previous one ended ({previous_end:%d %b %Y})"
            )
        return cleaned


class EndEpisodeForm(forms.Form):
    """The end date of the current episode, asked for when a new episode starts (rules §1.1)."""

    ended_on = forms.DateField(label="End date of the current episode", widget=DATE_INPUT)
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, episode: Episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["seen_version"].initial = episode.version
        self.fields["ended_on"].help_text = f"The current episode began on {episode.onset:%d %b %Y}."

    def clean_ended_on(self):
        ended_on = check_clinical_date(self.cleaned_data["ended_on"], "The episode cannot end", born_of(self.episode))
        if ended_on < self.episode.onset:
            raise ValidationError(f"The end date is before the episode's onset ({self.episode.onset:%d %b %Y})")
        return ended_on
