"""The antidepressant trials of the current episode (rules §1.2), one row each, in the order
the clinician entered them (position = row order, rules §3.3, §5)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError

from patients.concurrency import SeenVersionMixin, claim_version
from patients.forms.augmentation import ParsedAugmentation, augmentations_of, parse_augmentations
from patients.forms.dates import DATE_INPUT, check_form_date
from patients.forms.rows import EntryRowsFormSet, check_more_than_zero, episode_rows_formset, show_plain_decimals
from patients.forms.scores import check_scale_score
from patients.models import SCALE_CHOICES, Augmentation, Trial
from staging.engine import vocabulary
from staging.engine.catalogue import Catalogue
from staging.engine.outcome import PARTIAL_RESPONSE_MIN_PCT, RESPONSE_MIN_PCT, outcome_agrees, outcome_from_improvement
from staging.engine.text import number
from staging.site import configured_catalogue

MAX_TRIALS = 50
ONE_DECIMAL = Decimal("0.1")
# rules §3.1: the improvement band each explicit outcome needs
_IMPROVEMENT_NEEDED = {
    "response": f"at least {RESPONSE_MIN_PCT} % improvement",
    "remission": f"at least {RESPONSE_MIN_PCT} % improvement",
    "partial_response": f"{PARTIAL_RESPONSE_MIN_PCT} % to under {RESPONSE_MIN_PCT} % improvement",
    "non_response": f"under {PARTIAL_RESPONSE_MIN_PCT} % improvement",
}


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
    implied = vocabulary.sentence(vocabulary.OUTCOMES, outcome_from_improvement(float(improvement)))
    return (
        f"Outcome '{vocabulary.sentence(vocabulary.OUTCOMES, outcome)}' needs {_IMPROVEMENT_NEEDED[outcome]}; "
        f"{number(improvement)} % {source} (that is {implied})"
    )


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
            "started_on": DATE_INPUT,
            "ended_on": DATE_INPUT,
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
        # in the conflict message: the drug as stored, not as just retyped
        self.description = f"The {self.instance.drug} trial" if self.instance.pk else "A trial"
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
        return check_more_than_zero(self.cleaned_data.get("dose_mg_per_day"), "Dose must be more than 0 mg/day")

    def clean_min_adequate_dose_mg(self):
        return check_more_than_zero(
            self.cleaned_data.get("min_adequate_dose_mg"), "The minimum adequate dose must be more than 0 mg/day"
        )

    def clean_started_on(self):
        return check_form_date(self, "started_on", "The trial cannot start")

    def clean_ended_on(self):
        return check_form_date(self, "ended_on", "The trial cannot end")

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
                        f"{number(entry.min_dose_mg)} mg/day): leave this empty",
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
                f"The scores ({scale} {baseline} → {end}) give {number(computed)} %, "
                f"not {number(typed)} %: enter one or the other",
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


class TrialFormSet(EntryRowsFormSet):
    """All trials of the current episode; saved in row order (position = row order, rules §3.3, §5)."""

    remove_label = "Remove this trial"
    default_error_messages = {
        "too_many_forms": "At most %(num)d trials can be saved on this page: remove some rows, then save again.",
    }

    def save_trials(self) -> None:
        """Call inside transaction.atomic(): a failure part-way leaves nothing saved."""
        for form in self.deleted_forms:
            if form.instance.pk:
                claim_version(form.instance, form.seen_version, form.description)
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
                claim_version(trial, form.seen_version, form.description)
            trial.position = position
            trial.episode = self.instance
            form.save()
            form.save_augmentations()


def trial_formset_class(catalogue: Catalogue | None = None):
    form_class = type("CatalogueTrialForm", (TrialForm,), {"catalogue": catalogue or configured_catalogue()})
    return episode_rows_formset(Trial, form_class, max_rows=MAX_TRIALS, formset=TrialFormSet)


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
