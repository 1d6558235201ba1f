"""The data-entry forms: every rule with the message the clinician reads (clinical-rules.md)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from patients.forms.augmentation import ParsedAugmentation, parse_augmentations
from patients.forms.courses import EctCourseForm, OtherCourseForm
from patients.forms.episode import EndEpisodeForm, EpisodeForm
from patients.forms.scores import ScaleScoreForm
from patients.forms.trials import improvement_from_scores, trial_formset_class, weeks_between
from patients.models import Episode
from staging.engine.catalogue import default_catalogue
from tests.entry_posts import episode_post
from tests.factories import make_episode, make_patient, make_trial

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + timedelta(days=1)


def trial_form(**fields):
    data = {"drug": "sertraline", "dose_mg_per_day": "100", "weeks_at_dose": "8", **fields}
    form = trial_formset_class().form(data={key: value for key, value in data.items() if value is not None})
    form.is_valid()
    return form


def assert_error(form, field, message):
    assert not form.is_valid()
    assert message in form.errors.get(field, []), form.errors.as_json()


def assert_worked_out(form, field, value):
    """The form filled in `field` left empty, and saves what it worked out."""
    assert form.is_valid(), form.errors.as_json()
    assert form.cleaned_data[field] == value
    assert getattr(form.save(commit=False), field) == value


# --- trials: single fields -----------------------------------------------------------------


def test_a_complete_catalogue_trial_is_valid_and_drug_names_are_normalised():
    form = trial_form(drug="  Sertraline ", adherence_pct="90", improvement_pct="10", outcome="non_response")
    assert form.is_valid(), form.errors.as_json()
    assert form.cleaned_data["drug"] == "sertraline"
    assert form.cleaned_data["weeks_at_dose"] == Decimal("8")


def test_a_catalogue_name_with_a_space_maps_to_the_catalogue_spelling():
    form = trial_form(drug="Selegiline Transdermal", dose_mg_per_day="6")
    assert form.is_valid(), form.errors.as_json()
    assert form.cleaned_data["drug"] == "selegiline_transdermal"


@pytest.mark.parametrize("dose", ["0", "-5"])
def test_dose_must_be_more_than_zero(dose):
    assert_error(trial_form(dose_mg_per_day=dose), "dose_mg_per_day", "Dose must be more than 0 mg/day")


def test_weeks_must_be_more_than_zero():
    assert_error(trial_form(weeks_at_dose="0"), "weeks_at_dose", "Weeks at dose must be more than 0")


def test_weeks_or_dates_are_required():
    assert_error(trial_form(weeks_at_dose=""), "weeks_at_dose", "Enter the weeks at dose, or both start and end dates")


@pytest.mark.parametrize("adherence", ["-1", "100.5"])
def test_adherence_runs_from_0_to_100(adherence):
    assert_error(trial_form(adherence_pct=adherence), "adherence_pct", "Adherence runs from 0 to 100 %")


def test_adherence_is_optional_and_100_is_allowed():
    assert trial_form(adherence_pct="").is_valid()
    assert trial_form(adherence_pct="100").is_valid()


def test_improvement_cannot_exceed_100_but_may_be_negative():
    assert_error(
        trial_form(improvement_pct="100.1"),
        "improvement_pct",
        "Improvement cannot be more than 100 % (negative means worse)",
    )
    assert trial_form(improvement_pct="-20").is_valid()


# --- trials: weeks from dates ---------------------------------------------------------------


def test_weeks_are_computed_from_the_dates_when_left_empty():
    # 1 Jan to 1 Mar 2025 is 59 days: 59 / 7 = 8.43 -> 8.4
    form = trial_form(weeks_at_dose="", started_on="2025-01-01", ended_on="2025-03-01")
    assert_worked_out(form, "weeks_at_dose", Decimal("8.4"))


def test_typed_weeks_win_over_the_dates():
    # weeks *at dose* may be shorter than the whole trial (titration)
    form = trial_form(weeks_at_dose="6", started_on="2025-01-01", ended_on="2025-03-01")
    assert form.is_valid()
    assert form.cleaned_data["weeks_at_dose"] == Decimal("6")


def test_weeks_between_rounds_to_a_tenth_half_up():
    assert weeks_between(date(2025, 1, 1), date(2025, 1, 8)) == Decimal("1.0")
    assert weeks_between(date(2025, 1, 1), date(2025, 1, 11)) == Decimal("1.4")  # 10 / 7 = 1.428…
    assert weeks_between(date(2025, 1, 1), date(2025, 1, 12)) == Decimal("1.6")  # 11 / 7 = 1.571…


def test_end_date_before_start_date_is_rejected():
    form = trial_form(weeks_at_dose="", started_on="2025-03-01", ended_on="2025-01-01")
    assert_error(form, "ended_on", "End date is before start date")


def test_dates_on_the_same_day_give_no_weeks():
    form = trial_form(weeks_at_dose="", started_on="2025-03-01", ended_on="2025-03-01")
    assert not form.is_valid()
    assert "weeks at dose must be more than 0" in form.errors["ended_on"][0]


# --- trials: improvement from scores and outcome agreement (rules §3.1) ---------------------


def test_improvement_is_computed_from_baseline_and_end_scores():
    # (30 - 12) / 30 * 100 = 60
    form = trial_form(improvement_scale="MADRS", baseline_score="30", end_score="12")
    assert_worked_out(form, "improvement_pct", Decimal("60.0"))


def test_improvement_from_scores_rounds_to_a_tenth():
    assert improvement_from_scores(27, 20) == Decimal("25.9")  # 7 / 27 = 25.925…
    assert improvement_from_scores(10, 14) == Decimal("-40.0")  # worse


@pytest.mark.parametrize(
    "scale, baseline, end, field, message",
    [
        ("MADRS", "61", "10", "baseline_score", "MADRS scores run from 0 to 60"),
        ("HAM-D17", "20", "53", "end_score", "HAM-D17 scores run from 0 to 52"),
        ("PHQ-9", "28", "3", "baseline_score", "PHQ-9 scores run from 0 to 27"),
        ("QIDS-SR16", "20", "28", "end_score", "QIDS-SR16 scores run from 0 to 27"),
    ],
)
def test_scores_are_range_checked_per_scale(scale, baseline, end, field, message):
    assert_error(trial_form(improvement_scale=scale, baseline_score=baseline, end_score=end), field, message)


def test_scores_need_a_scale_and_both_scores():
    assert_error(
        trial_form(baseline_score="30", end_score="12"),
        "improvement_scale",
        "Choose the scale of the baseline and end scores",
    )
    assert_error(
        trial_form(improvement_scale="MADRS", baseline_score="30"),
        "end_score",
        "Enter both the baseline and the end score, or neither",
    )


def test_a_zero_baseline_has_no_improvement_to_measure():
    assert_error(
        trial_form(improvement_scale="PHQ-9", baseline_score="0", end_score="0"),
        "baseline_score",
        "A baseline score of 0 leaves no improvement to measure",
    )


def test_typed_improvement_must_match_the_scores():
    form = trial_form(improvement_pct="40", improvement_scale="MADRS", baseline_score="30", end_score="12")
    assert_error(form, "improvement_pct", "The scores (MADRS 30 → 12) give 60 %, not 40 %: enter one or the other")
    assert trial_form(improvement_pct="60", improvement_scale="MADRS", baseline_score="30", end_score="12").is_valid()


@pytest.mark.parametrize(
    "outcome, improvement, message",
    [
        (
            "response",
            "30",
            "Outcome 'response' needs at least 50 % improvement; 30 % was entered (that is partial response)",
        ),
        (
            "remission",
            "49.9",
            "Outcome 'remission' needs at least 50 % improvement; 49.9 % was entered (that is partial response)",
        ),
        (
            "partial_response",
            "10",
            "Outcome 'partial response' needs 25 % to under 50 % improvement; 10 % was entered (that is no response)",
        ),
        (
            "non_response",
            "25",
            "Outcome 'no response' needs under 25 % improvement; 25 % was entered (that is partial response)",
        ),
    ],
)
def test_outcome_must_agree_with_the_improvement(outcome, improvement, message):
    assert_error(trial_form(outcome=outcome, improvement_pct=improvement), "outcome", message)


@pytest.mark.parametrize(
    "outcome, improvement",
    [
        ("response", "50"),
        ("remission", "80"),
        ("partial_response", "25"),
        ("partial_response", "49.9"),
        ("non_response", "24.9"),
        ("non_response", "-10"),
        ("intolerance", "70"),
        ("intolerance", "0"),
        ("response", ""),
    ],
)
def test_agreeing_or_lone_outcomes_are_accepted(outcome, improvement):
    form = trial_form(outcome=outcome, improvement_pct=improvement)
    assert form.is_valid(), form.errors.as_json()


def test_outcome_is_checked_against_the_improvement_from_scores():
    form = trial_form(outcome="response", improvement_scale="HAM-D17", baseline_score="20", end_score="14")
    assert_error(
        form,
        "outcome",
        "Outcome 'response' needs at least 50 % improvement; 30 % comes from the scores (that is partial response)",
    )


# --- trials: clinician-defined drugs (rules §1.2) -------------------------------------------


def test_a_drug_not_in_the_catalogue_needs_class_and_minimum_dose():
    form = trial_form(drug="esmirtazapine")
    assert_error(form, "drug_class", "esmirtazapine is not in the catalogue: choose its class")
    assert_error(form, "min_adequate_dose_mg", "esmirtazapine is not in the catalogue: enter its minimum adequate dose")


def test_a_clinician_defined_drug_with_class_and_minimum_dose_is_valid():
    form = trial_form(drug="Esmirtazapine", drug_class="NaSSA", min_adequate_dose_mg="4.5")
    assert form.is_valid(), form.errors.as_json()
    trial = form.save(commit=False)
    assert (trial.drug, trial.drug_class, trial.min_adequate_dose_mg) == ("esmirtazapine", "NaSSA", Decimal("4.5"))


def test_class_and_minimum_dose_are_rejected_for_a_catalogue_drug():
    form = trial_form(drug="sertraline", drug_class="SSRI", min_adequate_dose_mg="50")
    message = "sertraline is in the catalogue (SSRI, minimum 50 mg/day): leave this empty"
    assert_error(form, "drug_class", message)
    assert_error(form, "min_adequate_dose_mg", message)


def test_a_clinician_defined_minimum_dose_must_be_positive():
    form = trial_form(drug="esmirtazapine", drug_class="NaSSA", min_adequate_dose_mg="0")
    assert_error(form, "min_adequate_dose_mg", "The minimum adequate dose must be more than 0 mg/day")


# --- augmentation parsing (rules §2.2) ------------------------------------------------------


def test_augmentations_are_parsed_with_optional_doses_and_weeks():
    parsed = parse_augmentations(
        "Lithium 600, aripiprazole 5 mg/day; quetiapine, sertraline 50 mg for 6 weeks", default_catalogue()
    )
    assert parsed == [
        ParsedAugmentation("lithium", Decimal("600")),
        ParsedAugmentation("aripiprazole", Decimal("5")),
        ParsedAugmentation("quetiapine"),
        # a catalogue antidepressant added to another is a combination (rules §2.2)
        ParsedAugmentation("sertraline", Decimal("50"), Decimal("6")),
    ]
    assert parsed[3].as_text() == "sertraline 50 mg/day for 6 weeks"  # staging.engine.text, read back alike
    assert parse_augmentations(parsed[3].as_text(), default_catalogue()) == [parsed[3]]


def test_an_empty_augmentation_field_means_none():
    assert parse_augmentations("  ", default_catalogue()) == []


def test_an_unknown_augmentation_agent_is_named():
    form = trial_form(augmentation="lithium 600, lithum 300")
    assert not form.is_valid()
    [message] = form.errors["augmentation"]
    assert message.startswith("Unknown augmentation agent 'lithum'")
    assert "rules §2.2" in message


def test_an_augmentation_dose_of_zero_is_rejected():
    assert_error(trial_form(augmentation="lithium 0"), "augmentation", "Dose of lithium must be more than 0 mg/day")


def test_an_unreadable_augmentation_item_is_reported():
    form = trial_form(augmentation="600 lithium")
    assert not form.is_valid()
    assert form.errors["augmentation"][0].startswith("Cannot read '600 lithium'")


def test_an_existing_trial_shows_its_augmentations_as_text(clinic):
    trial = make_trial(make_episode(make_patient(clinic)), augmentation=[("lithium", 600), ("aripiprazole", None)])
    form = trial_formset_class().form(instance=trial)
    assert form.initial["augmentation"] == "lithium 600 mg/day, aripiprazole"


# --- episode (rules §1.1, §8) ---------------------------------------------------------------


def test_episode_form_saves_comorbidities_stressors_and_screening(clinic):
    patient = make_patient(clinic)
    form = EpisodeForm(
        episode_post(
            comorbidities=["anxiety", "ptsd"],
            psychosocial_stressors="yes",
            vitamin_d="positive",
            functional_impairment="severe",
        ),
        instance=Episode(patient=patient),
    )
    assert form.is_valid(), form.errors.as_json()
    episode = form.save()
    episode.refresh_from_db()
    assert episode.comorbidities == ["anxiety", "ptsd"]
    assert episode.psychosocial_stressors is True
    assert episode.vitamin_d == "positive"
    assert episode.functional_impairment == "severe"


@pytest.mark.parametrize("typed, stored", [("yes", True), ("no", False), ("", None)])
def test_psychosocial_stressors_yes_no_unknown(typed, stored):
    form = EpisodeForm(episode_post(psychosocial_stressors=typed))
    assert form.is_valid(), form.errors.as_json()
    assert form.cleaned_data["psychosocial_stressors"] is stored


def test_onset_cannot_be_in_the_future():
    assert_error(
        EpisodeForm(episode_post(onset=TOMORROW.isoformat())), "onset", "The episode cannot start in the future."
    )


def test_severity_is_required_and_the_suggestion_is_shown_as_help():
    from staging.engine.severity import suggest_severity

    assert "severity" in EpisodeForm(episode_post(severity="")).errors
    suggestion = suggest_severity("MADRS", 28)  # 20–34 is moderate (rules §1.1, Snaith 1986)
    form = EpisodeForm(severity_suggestion=suggestion)
    assert suggestion.severity == "moderate"
    assert form.fields["severity"].help_text == suggestion.explanation


def test_end_of_episode_must_not_precede_its_onset(clinic):
    episode = make_episode(make_patient(clinic), onset=date(2025, 3, 1))
    form = EndEpisodeForm({"ended_on": "2025-02-28"}, episode=episode)
    assert_error(form, "ended_on", "The end date is before the episode's onset (01 Mar 2025)")
    assert EndEpisodeForm({"ended_on": "2025-03-01"}, episode=episode).is_valid()


# --- courses and scores ---------------------------------------------------------------------


def test_scale_scores_are_range_checked_and_not_in_the_future():
    assert_error(
        ScaleScoreForm({"scale": "MADRS", "score": "61", "rated_on": "2025-03-01"}),
        "score",
        "MADRS scores run from 0 to 60",
    )
    assert_error(
        ScaleScoreForm({"scale": "PHQ-9", "score": "28", "rated_on": "2025-03-01"}),
        "score",
        "PHQ-9 scores run from 0 to 27",
    )
    assert_error(
        ScaleScoreForm({"scale": "MADRS", "score": "20", "rated_on": TOMORROW.isoformat()}),
        "rated_on",
        "The rating cannot be dated in the future.",
    )
    assert ScaleScoreForm({"scale": "HAM-D17", "score": "52", "rated_on": "2025-03-01"}).is_valid()


def test_course_forms_reject_zero_sessions_and_weeks():
    assert_error(
        EctCourseForm({"electrode_placement": "bilateral", "sessions": "0", "outcome": "non_response"}),
        "sessions",
        "Sessions must be more than 0",
    )
    assert_error(OtherCourseForm({"kind": "rtms", "weeks": "0"}), "weeks", "Weeks must be more than 0")
    assert OtherCourseForm({"kind": "rtms", "weeks": "6", "outcome": ""}).is_valid()


@pytest.mark.django_db
def test_stored_decimals_are_shown_as_typed_not_with_the_columns_trailing_zeros(clinic):
    from tests.factories import make_episode, make_patient, make_trial

    trial = make_trial(make_episode(make_patient(clinic)), "mirtazapine", "7.5", 8, adherence=90, improvement=10)
    trial.refresh_from_db()
    assert str(trial.dose_mg_per_day) == "7.50"
    form = trial_formset_class()(instance=trial.episode, prefix="trials").forms[0]
    html = str(form["dose_mg_per_day"]) + str(form["weeks_at_dose"]) + str(form["adherence_pct"])
    assert 'value="7.5"' in html and 'value="8"' in html and 'value="90"' in html
    # (that re-posting these values is not a change is test_entry_views' only-changed-trials test)
