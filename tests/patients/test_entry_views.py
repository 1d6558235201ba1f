"""The clinician's data-entry pages: whole-page saves that restage, or change nothing at all."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from patients.forms.trials import TrialForm
from patients.models import Augmentation, EctCourse, Episode, OtherCourse, ScaleScore, StagingSnapshot, Trial
from patients.services import restage
from tests.entry_posts import episode_post
from tests.factories import make_episode, make_patient, make_trial

# What a trial row posts (the page's fields and its augmentation line), empty unless a test fills it.
TRIAL_FIELDS = (*TrialForm.Meta.fields, "augmentation")


def url(name, patient):
    return reverse(f"patients:{name}", args=[patient.pk])


def formset_post(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    """POST data of one formset: the management form and each row's fields under prefix-index-."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items() if value is not None})
    return data


def trial_row(trial: Trial | None = None, **fields) -> dict:
    row = dict.fromkeys(TRIAL_FIELDS, "")
    if trial is not None:
        row.update(
            id=str(trial.pk),
            episode=str(trial.episode_id),
            drug=trial.drug,
            seen_version=str(trial.version),
            dose_mg_per_day=str(trial.dose_mg_per_day),
            weeks_at_dose=str(trial.weeks_at_dose),
            improvement_pct="" if trial.improvement_pct is None else str(trial.improvement_pct),
        )
    row.update(fields)
    return row


# Three trials in the order typed: two failed adequate trials of two classes, one inadequate.
THREE_TRIALS = [
    trial_row(
        drug="Sertraline",
        dose_mg_per_day="150",
        weeks_at_dose="8",
        adherence_pct="90",
        improvement_pct="10",
        started_on="2025-03-10",
    ),
    trial_row(
        drug="venlafaxine",
        dose_mg_per_day="225",
        started_on="2025-05-05",
        ended_on="2025-07-14",
        adherence_pct="95",
        improvement_scale="MADRS",
        baseline_score="32",
        end_score="28",
        augmentation="lithium 600, aripiprazole 5",
    ),
    trial_row(
        drug="mirtazapine",
        dose_mg_per_day="7.5",
        weeks_at_dose="3",
        adherence_pct="100",
        improvement_pct="5",
        started_on="2025-08-01",
    ),
]


@pytest.fixture
def patient(clinic):
    return make_patient(clinic, date_of_birth=date(1970, 5, 17))


@pytest.fixture
def episode(patient):
    return make_episode(patient, onset=date(2025, 3, 1), severity="severe", functional_impairment="moderate")


# --- trials ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_trials_page_renders_the_formset_with_the_catalogue(clinician_client, episode, patient):
    make_trial(episode, "sertraline", 150, 8, augmentation=[("lithium", 600)])
    response = clinician_client.get(url("trials", patient))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="trials-TOTAL_FORMS" value="1"' in page
    assert 'name="trials-0-drug" value="sertraline"' in page
    assert 'name="trials-0-augmentation" value="lithium 600 mg/day"' in page
    assert '<template id="trials-empty-form">' in page and "trials-__prefix__-drug" in page
    assert '<script id="drug-catalogue" type="application/json">' in page
    assert '<option value="sertraline">' in page
    assert 'id="add-trials-row"' in page
    assert f'href="{url("detail", patient)}"' in page  # Cancel
    assert "<script>" not in page  # CSP: no inline script


@pytest.mark.django_db
def test_saving_three_trials_keeps_their_order_and_restages(clinician_client, episode, patient):
    response = clinician_client.post(url("trials", patient), formset_post("trials", THREE_TRIALS))

    assert response.status_code == 302 and response.url == url("detail", patient)
    trials = list(episode.trials.order_by("position"))
    assert [(t.position, t.drug) for t in trials] == [(0, "sertraline"), (1, "venlafaxine"), (2, "mirtazapine")]
    venlafaxine = trials[1]
    assert venlafaxine.weeks_at_dose == Decimal("10.0")  # 5 May to 14 Jul = 70 days
    assert venlafaxine.improvement_pct == Decimal("12.5")  # (32 - 28) / 32
    assert [(a.agent, a.dose_mg_per_day) for a in venlafaxine.augmentations.order_by("pk")] == [
        ("lithium", Decimal("600")),
        ("aripiprazole", Decimal("5")),
    ]

    patient.refresh_from_db()
    # rules §4.1: SSRI + SNRI counted -> stage II; §5: two non-responses -> TRD
    assert patient.thase_rush_stage == 2
    assert patient.label == "trd"
    assert patient.regulatory_trd is True
    result = patient.current_snapshot.result
    assert [trial["drug"] for trial in result["trials"]] == ["sertraline", "venlafaxine", "mirtazapine"]
    # rules §3.2: mirtazapine 7.5 < 15 mg/day and 3 < 6 weeks
    assert result["trials"][2]["adequate"] is False
    assert result["trials"][2]["inadequate_reasons"] == ["dose_below_minimum", "too_short"]


@pytest.mark.django_db
def test_an_invalid_row_changes_nothing_and_keeps_what_was_typed(clinician_client, episode, patient):
    existing = make_trial(episode, "sertraline", 150, 8, improvement=10)
    restage(patient)
    patient.refresh_from_db()
    snapshot_count = StagingSnapshot.objects.count()
    rows = [
        trial_row(existing, dose_mg_per_day="200"),  # a valid change…
        trial_row(
            drug="venlafaxine",
            dose_mg_per_day="0",
            weeks_at_dose="8",  # …and an invalid new row
            outcome="response",
            improvement_pct="30",
            augmentation="lithium 600, lithum 300",
        ),
    ]
    response = clinician_client.post(url("trials", patient), formset_post("trials", rows, initial=1))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "Dose must be more than 0 mg/day" in page
    assert "Outcome &#x27;response&#x27; needs at least 50 % improvement; 30 % was entered" in page
    assert "Unknown augmentation agent &#x27;lithum&#x27;" in page
    assert 'href="#id_trials-1-dose_mg_per_day"' in page  # the summary links to the field
    assert 'name="trials-0-dose_mg_per_day" value="200"' in page  # typed values kept
    assert 'name="trials-1-drug" value="venlafaxine"' in page
    assert 'value="lithium 600, lithum 300"' in page
    existing.refresh_from_db()
    assert existing.dose_mg_per_day == Decimal("150") and existing.version == 1
    assert episode.trials.count() == 1 and Augmentation.objects.count() == 0
    assert StagingSnapshot.objects.count() == snapshot_count


@pytest.mark.django_db
def test_deleting_a_row_removes_the_trial_renumbers_and_restages(clinician_client, episode, patient):
    first = make_trial(episode, "sertraline", 150, 8, improvement=10)
    second = make_trial(episode, "venlafaxine", 225, 10, improvement=15, augmentation=[("lithium", 600)])
    restage(patient)
    patient.refresh_from_db()
    assert patient.label == "trd"

    rows = [trial_row(first, DELETE="on"), trial_row(second, augmentation="lithium 600")]
    response = clinician_client.post(url("trials", patient), formset_post("trials", rows, initial=2))

    assert response.status_code == 302
    assert list(episode.trials.values_list("drug", "position")) == [("venlafaxine", 0)]
    assert not Trial.objects.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert second.version == 2  # moved from position 1 to 0
    assert second.augmentations.count() == 1
    patient.refresh_from_db()
    assert patient.label == "single_failure"  # rules §5: one counted failure left
    assert patient.thase_rush_stage == 1


@pytest.mark.django_db
def test_only_changed_trials_get_a_new_version(clinician_client, episode, patient):
    unchanged = make_trial(episode, "sertraline", 150, 8, improvement=10)
    changed = make_trial(episode, "venlafaxine", 225, 10, improvement=15)
    rows = [trial_row(unchanged), trial_row(changed, adherence_pct="85", augmentation="quetiapine 300")]
    response = clinician_client.post(url("trials", patient), formset_post("trials", rows, initial=2))
    assert response.status_code == 302
    unchanged.refresh_from_db()
    changed.refresh_from_db()
    assert (unchanged.version, changed.version) == (1, 2)
    assert changed.adherence_pct == Decimal("85")
    assert list(changed.augmentations.values_list("agent", "dose_mg_per_day")) == [("quetiapine", Decimal("300"))]


@pytest.mark.django_db
def test_a_clinician_defined_drug_is_saved_and_staged_as_such(clinician_client, episode, patient):
    rows = [
        trial_row(
            drug="esmirtazapine",
            drug_class="NaSSA",
            min_adequate_dose_mg="4.5",
            dose_mg_per_day="9",
            weeks_at_dose="8",
            improvement_pct="10",
        )
    ]
    assert clinician_client.post(url("trials", patient), formset_post("trials", rows)).status_code == 302
    patient.refresh_from_db()
    [trial] = patient.current_snapshot.result["trials"]
    assert trial["clinician_defined"] is True and trial["drug_class"] == "NaSSA"
    assert patient.thase_rush_stage == 1


@pytest.mark.django_db
def test_trials_page_query_count_does_not_grow_with_trials(
    clinician_client, episode, patient, django_assert_max_num_queries
):
    # session, user, membership, clinic, patient, episode, trials, augmentations; then the
    # session is saved on every request (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release);
    # the audit entry of the read (the patient's clinic, savepoint, last hash, entry, checkpoint,
    # release; + the advisory lock on PostgreSQL)
    counts = []
    for trial_count in (1, 10):
        while episode.trials.count() < trial_count:
            make_trial(episode, "sertraline", 150, 8, augmentation=[("lithium", 600), ("aripiprazole", 5)])
        with django_assert_max_num_queries(18 if connection.vendor == "postgresql" else 17) as captured:
            response = clinician_client.get(url("trials", patient))
        assert len(re.findall(r'name="trials-\d+-drug"', response.content.decode())) == trial_count
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- access and missing episode ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["episode", "episode_new", "trials", "courses", "scores"])
def test_another_clinics_patient_is_not_found(clinician_client, other_clinic, page):
    stranger = make_patient(other_clinic)
    make_episode(stranger)
    assert clinician_client.get(url(page, stranger)).status_code == 404
    assert clinician_client.post(url(page, stranger), {"onset": "2025-01-01"}).status_code == 404
    assert Episode.objects.filter(patient=stranger).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["trials", "courses", "scores"])
def test_without_a_current_episode_the_pages_lead_to_the_episode_page(clinician_client, patient, page):
    response = clinician_client.get(url(page, patient), follow=True)
    assert response.redirect_chain == [(url("episode", patient), 302)]
    assert "Record the current episode first" in response.content.decode()


@pytest.mark.django_db
def test_login_is_required(client, patient):
    response = client.get(url("trials", patient))
    assert response.status_code == 302 and "login" in response.url


# --- episode --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_creating_the_first_episode_stages_the_patient(clinician_client, patient):
    response = clinician_client.post(
        url("episode", patient),
        episode_post(
            severity="severe", comorbidities=["anxiety"], psychosocial_stressors="yes", thyroid_function="positive"
        ),
    )
    assert response.status_code == 302 and response.url == url("detail", patient)
    episode = Episode.objects.get(patient=patient)
    assert episode.is_current and episode.severity == "severe"
    assert episode.comorbidities == ["anxiety"] and episode.psychosocial_stressors is True
    assert episode.thyroid_function == "positive"
    patient.refresh_from_db()
    assert patient.label == "not_staged" and patient.thase_rush_stage == 0  # rules §5.6, §4.1: no trial yet
    assert patient.current_snapshot.episode_id == episode.pk


@pytest.mark.django_db
def test_editing_the_episode_bumps_its_version_and_restages(clinician_client, episode, patient):
    make_trial(episode, "sertraline", 150, 8, improvement=10)
    restage(patient)
    response = clinician_client.post(url("episode", patient), episode_post(onset="2025-03-01", severity="mild"))
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.severity, episode.version) == ("mild", 2)
    patient.refresh_from_db()
    # rules §4.2: Maudsley severity item "mild" scores 2 points
    assert patient.current_snapshot.result["maudsley"]["items"]["severity"] == 2
    assert Episode.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db
def test_episode_page_rejects_a_future_onset_and_keeps_the_input(clinician_client, patient):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = clinician_client.post(url("episode", patient), episode_post(onset=tomorrow, severity="severe"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The episode cannot start in the future." in page
    assert f'value="{tomorrow}"' in page
    assert not Episode.objects.filter(patient=patient).exists()


@pytest.mark.django_db
def test_episode_page_suggests_a_severity_from_the_latest_score(clinician_client, episode, patient):
    ScaleScore.objects.create(episode=episode, scale="PHQ-9", score=8, rated_on=date(2025, 3, 1))
    ScaleScore.objects.create(episode=episode, scale="MADRS", score=36, rated_on=date(2025, 4, 1))
    page = clinician_client.get(url("episode", patient)).content.decode()
    assert "MADRS 36" in page and "severe" in page  # rules §1.1: MADRS ≥ 35 is severe


@pytest.mark.django_db
def test_a_new_episode_ends_the_old_one_and_its_trials_are_not_counted(clinician_client, episode, patient):
    make_trial(episode, "sertraline", 150, 8, improvement=10)
    make_trial(episode, "venlafaxine", 225, 10, improvement=15)
    restage(patient)
    patient.refresh_from_db()
    assert patient.label == "trd"

    data = {"ended_on": "2025-09-30", **episode_post("new", onset="2025-11-01", severity="moderate")}
    response = clinician_client.post(url("episode_new", patient), data)

    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.ended_on == date(2025, 9, 30)
    current = Episode.objects.get(patient=patient, ended_on__isnull=True)
    assert current.onset == date(2025, 11, 1)
    assert episode.trials.count() == 2  # kept in the history…
    patient.refresh_from_db()
    # …but never counted (rules §1.1)
    assert patient.current_snapshot.episode_id == current.pk
    assert patient.current_snapshot.result["trials"] == []
    assert (patient.thase_rush_stage, patient.label) == (0, "not_staged")


@pytest.mark.django_db
def test_a_new_episode_with_a_bad_end_date_changes_nothing(clinician_client, episode, patient):
    data = {"ended_on": "2025-02-01", **episode_post("new", onset="2025-11-01")}
    response = clinician_client.post(url("episode_new", patient), data)
    assert response.status_code == 200
    assert "The end date is before the episode&#x27;s onset" in response.content.decode()
    episode.refresh_from_db()
    assert episode.ended_on is None
    assert Episode.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db
def test_the_new_episode_cannot_begin_before_the_old_one_ended(clinician_client, episode, patient):
    data = {"ended_on": "2025-09-30", **episode_post("new", onset="2025-09-01")}
    response = clinician_client.post(url("episode_new", patient), data)
    assert response.status_code == 200
    assert "The new episode cannot begin before the previous one ended" in response.content.decode()
    assert Episode.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db
def test_new_episode_page_without_a_current_episode_goes_to_the_episode_page(clinician_client, patient):
    assert clinician_client.get(url("episode_new", patient)).url == url("episode", patient)


# --- courses and scores -----------------------------------------------------------------------


@pytest.mark.django_db
def test_courses_are_saved_together_and_restaged(clinician_client, episode, patient):
    make_trial(episode, "sertraline", 150, 8, improvement=10)
    data = {
        **formset_post(
            "ect",
            [
                {
                    "electrode_placement": "bilateral",
                    "sessions": "12",
                    "outcome": "non_response",
                    "started_on": "2025-06-01",
                }
            ],
        ),
        **formset_post("other", [{"kind": "rtms", "weeks": "6", "outcome": "", "started_on": "2025-08-01"}]),
    }
    response = clinician_client.post(url("courses", patient), data)
    assert response.status_code == 302
    assert EctCourse.objects.get(episode=episode).sessions == 12
    assert OtherCourse.objects.get(episode=episode).kind == "rtms"
    patient.refresh_from_db()
    result = patient.current_snapshot.result
    assert result["maudsley"]["items"]["ect"] == 1  # rules §4.2: any ECT course
    assert result["mgh"]["score"] == 4.5  # rules §4.3: 1 + 0.5 (150 > 50 mg/day) + 3 (failed ECT)


@pytest.mark.django_db
def test_an_invalid_course_saves_neither_formset(clinician_client, episode, patient):
    data = {
        **formset_post("ect", [{"electrode_placement": "bilateral", "sessions": "0", "outcome": "non_response"}]),
        **formset_post("other", [{"kind": "psychotherapy", "weeks": "12", "outcome": ""}]),
    }
    response = clinician_client.post(url("courses", patient), data)
    assert response.status_code == 200
    assert "Sessions must be more than 0" in response.content.decode()
    assert not EctCourse.objects.exists() and not OtherCourse.objects.exists()


@pytest.mark.django_db
def test_scores_are_range_checked_and_saved(clinician_client, episode, patient):
    bad = formset_post("scores", [{"scale": "MADRS", "score": "61", "rated_on": "2025-03-02"}])
    response = clinician_client.post(url("scores", patient), bad)
    assert response.status_code == 200
    assert "MADRS scores run from 0 to 60" in response.content.decode()
    assert not ScaleScore.objects.exists()

    good = formset_post(
        "scores",
        [
            {"scale": "MADRS", "score": "60", "rated_on": "2025-03-02"},
            {"scale": "PHQ-9", "score": "14", "rated_on": "2025-04-02"},
        ],
    )
    assert clinician_client.post(url("scores", patient), good).status_code == 302
    assert list(episode.scale_scores.values_list("scale", "score")) == [("MADRS", 60), ("PHQ-9", 14)]


@pytest.mark.django_db
def test_scores_an_improvement_was_computed_from_are_kept_and_shown_again(clinician_client, episode, patient):
    assert clinician_client.post(url("trials", patient), formset_post("trials", THREE_TRIALS)).status_code == 302
    venlafaxine = Trial.objects.get(episode=episode, drug="venlafaxine")
    assert (venlafaxine.improvement_scale, venlafaxine.baseline_score, venlafaxine.end_score) == ("MADRS", 32, 28)
    assert venlafaxine.improvement_pct == Decimal("12.5")  # (32 - 28) / 32
    page = clinician_client.get(url("trials", patient)).content.decode()
    assert 'name="trials-1-baseline_score" value="32"' in page and 'name="trials-1-end_score" value="28"' in page


@pytest.mark.django_db
def test_the_database_refuses_scores_outside_their_scale(episode):
    from django.db import IntegrityError, transaction

    trial = make_trial(episode, "sertraline", 100, 8)
    trial.improvement_scale, trial.baseline_score, trial.end_score = "PHQ-9", 30, 10  # PHQ-9 runs 0-27
    with pytest.raises(IntegrityError), transaction.atomic():
        trial.save()


@pytest.mark.django_db
def test_checking_rows_against_the_date_of_birth_costs_no_query_per_row(clinician_client, episode, patient):
    """Each row's dates are checked against the patient's date of birth through the episode the
    page already loaded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(rows: int) -> int:
        row = {"scale": "MADRS", "score": "20", "rated_on": "1960-01-01"}  # before the date of birth
        data = formset_post("scores", [row] * rows)
        with CaptureQueriesContext(connection) as captured:
            response = clinician_client.post(url("scores", patient), data)
        assert "before the patient&#x27;s date of birth" in response.content.decode()
        # (Django checks each row's CHECK constraints with a query of its own: not counted here)
        return len([query for query in captured if '"patients_patient"' in query["sql"] or "episode" in query["sql"]])

    assert queries_for(1) == queries_for(8)
