"""The clinician's data-entry forms: the current episode, its trials, courses and scale scores.

Every message says what is wrong in clinical words and cites the rule it enforces. The database
constraints in patients.models hold the same limits; these forms make sure a clinician meets a
sentence instead of a constraint name. Rule numbers refer to ../shared/clinical-rules.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone

from patients.concurrency import SeenVersionMixin, claim_version
from patients.models import (
    COMORBIDITY_CHOICES,
    OUTCOME_CHOICES,
    SCALE_CHOICES,
    SCREENING_LABELS,
    Augmentation,
    EctCourse,
    Episode,
    OtherCourse,
    ScaleScore,
    Trial,
)
from staging.engine import inputs as vocabulary
from staging.engine.catalogue import Catalogue
from staging.engine.outcome import PARTIAL_RESPONSE_MIN_PCT, RESPONSE_MIN_PCT, outcome_agrees, outcome_from_improvement
from staging.engine.severity import SCALE_RANGES
from staging.site import configured_catalogue

ONE_DECIMAL = Decimal("0.1")
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OUTCOME_WORDS = {value: label.lower() for value, label in OUTCOME_CHOICES}
# rules §3.1: the improvement band each explicit outcome needs
_IMPROVEMENT_NEEDED = {
    "response": f"at least {RESPONSE_MIN_PCT} % improvement",
    "remission": f"at least {RESPONSE_MIN_PCT} % improvement",
    "partial_response": f"{PARTIAL_RESPONSE_MIN_PCT} % to under {RESPONSE_MIN_PCT} % improvement",
    "non_response": f"under {PARTIAL_RESPONSE_MIN_PCT} % improvement",
}


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def scale_range_message(scale: str) -> str:
    low, high = SCALE_RANGES[scale]
    return f"{scale} scores run from {low} to {high}"


def check_scale_score(scale: str, score: int | None) -> str | None:
    """rules §1.1 scale ranges: the message for an out-of-range score, else None."""
    if scale not in SCALE_RANGES or score is None:
        return None
    low, high = SCALE_RANGES[scale]
    return None if low <= score <= high else scale_range_message(scale)


def weeks_between(started_on, ended_on) -> Decimal:
    """Weeks from the trial's dates: days / 7, rounded to 0.1 (the page shows the same live)."""
    return (Decimal((ended_on - started_on).days) / 7).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def improvement_from_scores(baseline: int, end: int) -> Decimal:
    """rules §1.2: % reduction of the symptom score from the trial's start to its end."""
    return (Decimal(baseline - end) * 100 / Decimal(baseline)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def outcome_disagreement(outcome: str, improvement: Decimal, source: str = "was entered") -> str | None:
    """rules §3.1: an explicit outcome must agree with the improvement (intolerance agrees with any)."""
    if not outcome or improvement is None or outcome_agrees(outcome, float(improvement)):
        return None
    implied = OUTCOME_WORDS[outcome_from_improvement(float(improvement))]
    return (
        f"Outcome '{OUTCOME_WORDS[outcome]}' needs {_IMPROVEMENT_NEEDED[outcome]}; "
        f"{_percent(improvement)} % {source} (that is {implied})"
    )


# ---------------------------------------------------------------------------------------------
# Augmentation agents typed as one line: "lithium 600, aripiprazole 5 for 6 weeks"

_AUGMENTATION_ITEM = re.compile(
    r"^(?P<agent>[a-z][a-z0-9_\- ]*?)"
    r"(?:\s+(?P<dose>\d+(?:\.\d+)?)\s*(?:mg(?:\s*/\s*(?:day|d))?)?)?"
    r"(?:\s+(?:for\s+)?(?P<weeks>\d+(?:\.\d+)?)\s*(?:weeks?|wks?|w))?$"
)


@dataclass(frozen=True)
class ParsedAugmentation:
    agent: str
    dose_mg_per_day: Decimal | None = None
    weeks: Decimal | None = None

    def as_text(self) -> str:
        text = self.agent
        if self.dose_mg_per_day is not None:
            text += f" {_percent(self.dose_mg_per_day)}"
        if self.weeks is not None:
            text += f" for {_percent(self.weeks)} weeks"
        return text


def known_augmentation_agents(catalogue: Catalogue) -> frozenset[str]:
    # rules §2.2: the listed agents, and any catalogue antidepressant added to another
    return frozenset(vocabulary.AUGMENTATION_AGENTS) | frozenset(catalogue.drugs)


def parse_augmentations(text: str, catalogue: Catalogue) -> list[ParsedAugmentation]:
    """Parse "lithium 600, aripiprazole 5" into agents with optional doses (mg/day) and weeks.

    Raises ValidationError listing every item that could not be read, each named, so the
    clinician can fix the whole line at once.
    """
    known = known_augmentation_agents(catalogue)
    parsed, problems = [], []
    for raw_item in re.split(r"[,;\n]", text or ""):
        item = " ".join(raw_item.strip().lower().split())
        if not item:
            continue
        match = _AUGMENTATION_ITEM.match(item)
        if not match:
            problems.append(f"Cannot read '{item}': write the agent, then its dose in mg/day, e.g. 'lithium 600'")
            continue
        agent = match["agent"].strip().replace(" ", "_")
        if agent not in known:
            problems.append(
                f"Unknown augmentation agent '{match['agent'].strip()}': use an agent of rules §2.2 "
                "(e.g. lithium, aripiprazole, quetiapine) or a catalogue antidepressant"
            )
            continue
        dose = Decimal(match["dose"]) if match["dose"] else None
        weeks = Decimal(match["weeks"]) if match["weeks"] else None
        if dose is not None and dose <= 0:
            problems.append(f"Dose of {agent} must be more than 0 mg/day")
            continue
        if weeks is not None and weeks <= 0:
            problems.append(f"Weeks of {agent} must be more than 0")
            continue
        parsed.append(ParsedAugmentation(agent, dose, weeks))
    if problems:
        raise ValidationError(problems)
    return parsed


def augmentations_of(trial: Trial) -> list[ParsedAugmentation]:
    """The trial's stored agents (uses a prefetch of `augmentations` when present)."""
    return [
        ParsedAugmentation(
            augmentation.agent,
            None if augmentation.dose_mg_per_day is None else augmentation.dose_mg_per_day.normalize(),
            None if augmentation.weeks is None else augmentation.weeks.normalize(),
        )
        for augmentation in trial.augmentations.all()
    ]


# ---------------------------------------------------------------------------------------------
# Episode


def _not_in_future(day, message: str):
    if day and day > timezone.localdate():
        raise ValidationError(message)
    return day


STRESSOR_CHOICES = [("yes", "Yes"), ("no", "No"), ("", "Unknown")]
_STRESSOR_VALUES = {"yes": True, "no": False, "": None}


def show_plain_decimals(form: forms.ModelForm) -> None:
    """Show stored decimals as typed: 20 mg/day, not the column's 20.00."""
    for name, value in list(form.initial.items()):
        if isinstance(value, Decimal):
            # Still a Decimal (has_changed compares numbers), without exponent: 90, not 9E+1.
            form.initial[name] = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


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
            "onset": _DATE,
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
        for item in vocabulary.SCREENING_ITEMS:
            self.fields[item].label = SCREENING_LABELS[item]
            # A radio group always has a value; the empty "---------" choice would be a fourth state.
            self.fields[item].choices = [choice for choice in self.fields[item].choices if choice[0]]

    def screening_fields(self):
        return [self[item] for item in vocabulary.SCREENING_ITEMS]

    def clean_onset(self):
        return _not_in_future(self.cleaned_data.get("onset"), "The onset cannot be in the future")

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

    ended_on = forms.DateField(
        label="End date of the current episode",
        widget=_DATE,
    )

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, episode: Episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["seen_version"].initial = episode.version
        self.fields["ended_on"].help_text = f"The current episode began on {episode.onset:%d %b %Y}."

    def clean_ended_on(self):
        ended_on = _not_in_future(self.cleaned_data["ended_on"], "The end date cannot be in the future")
        if ended_on < self.episode.onset:
            raise ValidationError(f"The end date is before the episode's onset ({self.episode.onset:%d %b %Y})")
        return ended_on


# ---------------------------------------------------------------------------------------------
# Trials


class TrialForm(SeenVersionMixin, forms.ModelForm):
    """One antidepressant trial (rules §1.2). The catalogue is bound by `trial_formset_class`."""

    catalogue: Catalogue = None  # set on the subclass the formset factory builds

    improvement_scale = forms.ChoiceField(choices=[("", "No scale"), *SCALE_CHOICES], required=False, label="Scale")
    baseline_score = forms.IntegerField(required=False, label="Baseline score", min_value=0)
    end_score = forms.IntegerField(required=False, label="End score", min_value=0)
    augmentation = forms.CharField(
        required=False,
        max_length=500,
        label="Augmentation (agent and dose in mg/day)",
        help_text="e.g. lithium 600, aripiprazole 5",
    )

    class Meta:
        model = Trial
        # A tuple, not a list: BaseInlineFormSet appends the foreign key to a list in place, which
        # would leak an `episode` field into every form built from this class afterwards.
        fields = (
            "drug",
            "drug_class",
            "min_adequate_dose_mg",
            "dose_mg_per_day",
            "weeks_at_dose",
            "started_on",
            "ended_on",
            "adherence_pct",
            "improvement_pct",
            "outcome",
            "improvement_scale",
            "baseline_score",
            "end_score",
        )
        widgets = {
            "drug": forms.TextInput(attrs={"list": "drug-catalogue-list", "autocomplete": "off"}),
            "started_on": _DATE,
            "ended_on": _DATE,
        }
        labels = {
            "drug": "Drug (generic name)",
            "drug_class": "Class (drug not in the catalogue)",
            "min_adequate_dose_mg": "Minimum adequate dose, mg/day (drug not in the catalogue)",
            "dose_mg_per_day": "Dose, mg/day",
            "weeks_at_dose": "Weeks at dose",
            "started_on": "Start date",
            "ended_on": "End date",
            "adherence_pct": "Adherence, %",
            "improvement_pct": "Improvement, %",
            "outcome": "Outcome",
        }
        help_texts = {
            "drug": "",
            "weeks_at_dose": "Or leave empty and enter start and end dates.",
            "adherence_pct": "Share of prescribed doses taken; leave empty if unknown.",
            "improvement_pct": "Or enter a baseline and end score below.",
            "outcome": "Optional; otherwise derived from the improvement.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weeks_at_dose"].required = False
        self.fields["drug_class"].choices = [("", "Catalogue drug"), *self.fields["drug_class"].choices[1:]]
        self.fields["outcome"].choices = [("", "Not stated"), *self.fields["outcome"].choices[1:]]
        self.parsed_augmentations: list[ParsedAugmentation] = []
        self.improvement_from_scores = False
        self.initial_trial = Trial(drug=self.instance.drug) if self.instance.pk else self.instance
        if self.instance.pk:
            self.initial.setdefault("augmentation", ", ".join(a.as_text() for a in augmentations_of(self.instance)))
        show_plain_decimals(self)

    # -- single fields ------------------------------------------------------------------------

    def clean_drug(self):
        drug = " ".join((self.cleaned_data.get("drug") or "").strip().lower().split())
        if drug not in self.catalogue and drug.replace(" ", "_") in self.catalogue:
            drug = drug.replace(" ", "_")  # "selegiline transdermal" is the catalogue's selegiline_transdermal
        if not drug:
            raise ValidationError("Enter the drug's generic name")
        return drug

    def clean_dose_mg_per_day(self):
        dose = self.cleaned_data.get("dose_mg_per_day")
        if dose is not None and dose <= 0:
            raise ValidationError("Dose must be more than 0 mg/day")
        return dose

    def clean_min_adequate_dose_mg(self):
        dose = self.cleaned_data.get("min_adequate_dose_mg")
        if dose is not None and dose <= 0:
            raise ValidationError("The minimum adequate dose must be more than 0 mg/day")
        return dose

    def clean_adherence_pct(self):
        adherence = self.cleaned_data.get("adherence_pct")
        if adherence is not None and not 0 <= adherence <= 100:
            raise ValidationError("Adherence runs from 0 to 100 %")
        return adherence

    def clean_improvement_pct(self):
        improvement = self.cleaned_data.get("improvement_pct")
        if improvement is not None and improvement > 100:
            raise ValidationError("Improvement cannot be more than 100 % (negative means worse)")
        return improvement

    def clean_augmentation(self):
        self.parsed_augmentations = parse_augmentations(self.cleaned_data.get("augmentation", ""), self.catalogue)
        return ", ".join(item.as_text() for item in self.parsed_augmentations)

    # -- rules across fields ------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        self._check_drug_definition(cleaned)
        self._settle_weeks(cleaned)
        self._settle_improvement(cleaned)
        self._check_outcome(cleaned)
        return cleaned

    def _check_drug_definition(self, cleaned):
        # rules §1.2: class and minimum dose only, and both, for a drug not in the catalogue
        drug = cleaned.get("drug")
        if not drug:
            return
        entry = self.catalogue.get(drug)
        if entry is not None:
            for field in ("drug_class", "min_adequate_dose_mg"):
                if cleaned.get(field) not in (None, ""):
                    self.add_error(
                        field,
                        f"{drug} is in the catalogue ({entry.drug_class}, minimum "
                        f"{_percent(Decimal(str(entry.min_dose_mg)))} mg/day): leave this empty",
                    )
            return
        if not cleaned.get("drug_class") and "drug_class" not in self.errors:
            self.add_error("drug_class", f"{drug} is not in the catalogue: choose its class")
        if cleaned.get("min_adequate_dose_mg") is None and "min_adequate_dose_mg" not in self.errors:
            self.add_error("min_adequate_dose_mg", f"{drug} is not in the catalogue: enter its minimum adequate dose")

    def _settle_weeks(self, cleaned):
        started_on, ended_on = cleaned.get("started_on"), cleaned.get("ended_on")
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", "End date is before start date")
            return
        if "weeks_at_dose" in self.errors:
            return
        weeks = cleaned.get("weeks_at_dose")
        if weeks is None:
            if not (started_on and ended_on):
                self.add_error("weeks_at_dose", "Enter the weeks at dose, or both start and end dates")
                return
            weeks = weeks_between(started_on, ended_on)
            if weeks <= 0:
                self.add_error(
                    "ended_on", "The start and end dates are less than a day apart: weeks at dose must be more than 0"
                )
                return
            cleaned["weeks_at_dose"] = weeks
        elif weeks <= 0:
            self.add_error("weeks_at_dose", "Weeks at dose must be more than 0")

    def _settle_improvement(self, cleaned):
        scale, baseline, end = cleaned.get("improvement_scale"), cleaned.get("baseline_score"), cleaned.get("end_score")
        if not scale and baseline is None and end is None:
            return
        problems = False
        if not scale:
            self.add_error("improvement_scale", "Choose the scale of the baseline and end scores")
            problems = True
        for field, score in (("baseline_score", baseline), ("end_score", end)):
            if field in self.errors:
                problems = True
            elif score is None:
                self.add_error(field, "Enter both the baseline and the end score, or neither")
                problems = True
            elif message := check_scale_score(scale, score):
                self.add_error(field, message)
                problems = True
        if problems:
            return
        if baseline == 0:
            self.add_error("baseline_score", "A baseline score of 0 leaves no improvement to measure")
            return
        computed = improvement_from_scores(baseline, end)
        typed = cleaned.get("improvement_pct")
        if typed is not None and typed != computed:
            self.add_error(
                "improvement_pct",
                f"The scores ({scale} {baseline} → {end}) give {_percent(computed)} %, "
                f"not {_percent(typed)} %: enter one or the other",
            )
            return
        cleaned["improvement_pct"] = computed
        self.improvement_from_scores = True

    def _check_outcome(self, cleaned):
        if "improvement_pct" in self.errors or "outcome" in self.errors:
            return
        source = "comes from the scores" if self.improvement_from_scores else "was entered"
        message = outcome_disagreement(cleaned.get("outcome"), cleaned.get("improvement_pct"), source)
        if message:
            self.add_error("outcome", message)

    # -- saving -------------------------------------------------------------------------------

    @property
    def augmentations_changed(self) -> bool:
        if not self.instance.pk:
            return bool(self.parsed_augmentations)
        return self.parsed_augmentations != augmentations_of(self.instance)

    def save_augmentations(self) -> None:
        """Replace the trial's agents with the typed ones (only when they differ)."""
        trial = self.instance
        if trial.pk and not self.augmentations_changed:
            return
        trial.augmentations.all().delete()
        Augmentation.objects.bulk_create(
            Augmentation(trial=trial, agent=item.agent, dose_mg_per_day=item.dose_mg_per_day, weeks=item.weeks)
            for item in self.parsed_augmentations
        )


class EntryRowsFormSet(BaseInlineFormSet):
    """Rows of the current episode; the DELETE box reads as the clinician's action."""

    remove_label = "Remove this row"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.remove_label


def _trial_description(trial: Trial) -> str:
    return f"The {trial.drug} trial" if trial.drug else "A trial"


class TrialFormSet(EntryRowsFormSet):
    """All trials of the current episode; saved in row order (position = row order, rules §3.3, §5)."""

    remove_label = "Remove this trial"

    def save_trials(self) -> None:
        """Call inside transaction.atomic(): a failure part-way leaves nothing saved."""
        for form in self.deleted_forms:
            if form.instance.pk:
                claim_version(form.instance, form.seen_version, _trial_description(form.instance))
                form.instance.delete()
        kept = [
            form for form in self.forms if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        for position, form in enumerate(kept):
            trial = form.instance
            changed = form.has_changed() or form.augmentations_changed or trial.position != position
            if trial.pk and not changed:
                continue
            if trial.pk:
                # Refuse to overwrite a trial someone else saved after this page was opened.
                claim_version(trial, form.seen_version, _trial_description(form.initial_trial))
            trial.position = position
            trial.episode = self.instance
            form.save()
            form.save_augmentations()


def trial_formset_class(catalogue: Catalogue | None = None):
    form_class = type("CatalogueTrialForm", (TrialForm,), {"catalogue": catalogue or configured_catalogue()})
    return inlineformset_factory(
        Episode,
        Trial,
        form=form_class,
        formset=TrialFormSet,
        extra=0,
        can_delete=True,
        max_num=50,
        validate_max=True,
    )


def drug_catalogue_json(catalogue: Catalogue | None = None) -> dict:
    """The catalogue for the page's live hints (rules §9), handed over as a json_script data island."""
    catalogue = catalogue or configured_catalogue()
    return {
        entry.drug: {
            "drug_class": entry.drug_class,
            "min_dose_mg": entry.min_dose_mg,
            "min_dose_65_mg": entry.min_dose_65_mg,
            "source": entry.source,
        }
        for entry in catalogue.entries
    }


# ---------------------------------------------------------------------------------------------
# ECT and other courses (rules §1.3), scale scores (rules §1.1)


class EctCourseForm(forms.ModelForm):
    class Meta:
        model = EctCourse
        fields = ("electrode_placement", "sessions", "outcome", "started_on")
        widgets = {"started_on": _DATE}
        labels = {"electrode_placement": "Electrode placement", "sessions": "Sessions", "started_on": "Start date"}

    def clean_sessions(self):
        sessions = self.cleaned_data.get("sessions")
        if sessions is not None and sessions <= 0:
            raise ValidationError("Sessions must be more than 0")
        return sessions


class OtherCourseForm(forms.ModelForm):
    class Meta:
        model = OtherCourse
        fields = ("kind", "weeks", "outcome", "started_on")
        widgets = {"started_on": _DATE}
        labels = {"kind": "Treatment", "weeks": "Weeks", "started_on": "Start date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "Not stated"), *self.fields["outcome"].choices[1:]]
        show_plain_decimals(self)

    def clean_weeks(self):
        weeks = self.cleaned_data.get("weeks")
        if weeks is not None and weeks <= 0:
            raise ValidationError("Weeks must be more than 0")
        return weeks


class ScaleScoreForm(forms.ModelForm):
    class Meta:
        model = ScaleScore
        fields = ("scale", "score", "rated_on")
        widgets = {"rated_on": _DATE}
        labels = {"scale": "Scale", "score": "Score", "rated_on": "Rated on"}

    def clean_rated_on(self):
        return _not_in_future(self.cleaned_data.get("rated_on"), "The rating date cannot be in the future")

    def clean(self):
        cleaned = super().clean()
        if message := check_scale_score(cleaned.get("scale"), cleaned.get("score")):
            self.add_error("score", message)
        return cleaned


def _episode_rows_formset(model, form):
    return inlineformset_factory(
        Episode,
        model,
        form=form,
        formset=EntryRowsFormSet,
        extra=0,
        can_delete=True,
        max_num=100,
        validate_max=True,
    )


EctCourseFormSet = _episode_rows_formset(EctCourse, EctCourseForm)
OtherCourseFormSet = _episode_rows_formset(OtherCourse, OtherCourseForm)
ScaleScoreFormSet = _episode_rows_formset(ScaleScore, ScaleScoreForm)


# ---------------------------------------------------------------------------------------------
# The error summary at the top of every entry page


@dataclass(frozen=True)
class FormError:
    where: str  # e.g. "Trial 2 · Dose, mg/day"
    message: str
    anchor: str  # the id of the input to jump to ("" for errors of the whole form)


def error_summary(*groups) -> list[FormError]:
    """Flatten forms and (title, formset) pairs into one list for the summary at the top."""
    summary: list[FormError] = []
    for group in groups:
        if isinstance(group, tuple):
            title, formset = group
            summary += [FormError(title, str(message), "") for message in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                if getattr(form, "cleaned_data", {}).get("DELETE"):
                    continue
                summary += _form_errors(form, f"{title} {number}")
        else:
            summary += _form_errors(group, "")
    return summary


def _form_errors(form, prefix: str) -> list[FormError]:
    errors = []
    for name, messages in form.errors.items():
        for message in messages:
            if name == "__all__":
                errors.append(FormError(prefix or "Form", message, ""))
            else:
                label = form.fields[name].label if name in form.fields else name
                where = f"{prefix} · {label}" if prefix else str(label)
                errors.append(FormError(where, message, form[name].id_for_label if name in form.fields else ""))
    return errors
