"""The patient page: staging from the stored snapshot, trials with adequacy, history, query count."""

from datetime import date
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.urls import NoReverseMatch, reverse

from patients.models import ScaleScore
from patients.services import restage
from tests.factories import make_ect, make_episode, make_other_course, make_patient, make_staged_trd_patient, make_trial


def _detail(client, patient):
    return client.get(reverse("patients:detail", args=[patient.pk]))


@pytest.fixture
def trd_patient(clinic):
    return make_staged_trd_patient(clinic, name="Tessa Trd")


def test_another_clinics_patient_page_and_timeline_are_404(clinician_client, other_clinic):
    foreign = make_staged_trd_patient(other_clinic)

    assert _detail(clinician_client, foreign).status_code == 404
    assert clinician_client.get(reverse("patients:timeline", args=[foreign.pk])).status_code == 404


def test_shows_stage_msm_label_and_regulatory_trd(clinician_client, trd_patient):
    response = _detail(clinician_client, trd_patient)
    text = response.content.decode()

    assert response.status_code == 200
    # rules §4.1: counted SSRI (sertraline) + SNRI (venlafaxine) = two classes = Stage II
    assert trd_patient.thase_rush_stage == 2
    assert "Stage II" in text
    # rules §4.2: the MSM figure and its items are shown as stored
    result = trd_patient.current_snapshot.result
    assert f'{result["maudsley"]["total"]} / 15 <span class="fs-6">· {trd_patient.get_msm_category_display()}' in text
    assert "Antidepressant trials (counted)" in text
    assert result["maudsley"]["explanation"] in text.replace("&#x27;", "'")
    # rules §5: two non-responses = TRD; regulatory TRD cites both counted trials
    assert trd_patient.label == "trd"
    assert '<span class="badge fs-6 text-bg-danger">TRD</span>' in text
    assert (
        "Met — adequate trials of different antidepressants without response: sertraline (trial 1) and venlafaxine (trial 2)."
        in text
    )
    assert f"ruleset {result['ruleset']}" in text
    # rules §1.1: a staging says the day it is as of
    assert f"As of {trd_patient.staged_on.day} {trd_patient.staged_on:%b %Y}" in text


def test_trial_table_shows_adequacy_with_reasons_from_the_snapshot(clinician_client, trd_patient):
    text = _detail(clinician_client, trd_patient).content.decode()
    mirtazapine = trd_patient.current_snapshot.result["trials"][2]

    # rules §3.2: 7.5 mg/day is below mirtazapine's 15 mg/day, and 3 weeks is under 6
    assert mirtazapine["adequate"] is False
    assert mirtazapine["inadequate_reasons"] == ["dose_below_minimum", "too_short"]
    assert text.count(">Adequate<") == 2
    assert text.count(">Inadequate<") == 1
    assert mirtazapine["explanation"].replace("'", "&#x27;") in text
    assert "(min 15)" in text
    assert text.count('text-bg-primary">Counted<') == 2


def test_flags_interpretations_and_checklist(clinician_client, trd_patient):
    text = _detail(clinician_client, trd_patient).content.decode()
    result = trd_patient.current_snapshot.result

    assert "Before concluding resistance" in text
    assert result["flags"], "an inadequate trial and unscreened items must be flagged (rules §8)"
    for flag in result["flags"]:
        assert flag["message"].replace("'", "&#x27;") in text
    assert "Interpretation used" in text
    # rules §8: nine checklist items, all "not screened" by default
    checklist = text.split('id="checklist-heading"')[1].split("</section>")[0]
    assert checklist.count("<tr>") == 1 + 9
    assert checklist.count("Not screened") == 9


def test_no_current_episode_calls_to_action(clinician_client, clinic):
    patient = make_patient(clinic)

    text = _detail(clinician_client, patient).content.decode()

    assert "There is no current episode" in text
    assert reverse("patients:episode_new", args=[patient.pk]) in text
    assert 'id="staging-heading"' not in text
    assert 'id="trials-heading"' not in text


def test_earlier_episodes_are_shown_and_marked_not_counted(clinician_client, clinic):
    patient = make_patient(clinic)
    earlier = make_episode(patient, onset=date(2019, 1, 1), ended_on=date(2019, 12, 1))
    make_trial(earlier, "paroxetine", 40, 10)
    current = make_episode(patient, onset=date(2025, 1, 1))
    make_trial(current, "sertraline", 100, 8)
    restage(patient)
    patient.refresh_from_db()

    text = _detail(clinician_client, patient).content.decode()

    history = text.split('id="earlier-heading"')[1]
    assert "Not counted in staging (rules §1.1)" in history
    assert "paroxetine" in history
    assert "paroxetine" not in text.split('id="earlier-heading"')[0].split('id="timeline-heading"')[0]
    # rules §1.1: the earlier trial never reaches the engine
    assert [trial["drug"] for trial in patient.current_snapshot.result["trials"]] == ["sertraline"]


def test_severity_suggested_from_the_latest_score_and_difference_stated(clinician_client, trd_patient):
    episode = trd_patient.episodes.get(ended_on__isnull=True)
    ScaleScore.objects.create(episode=episode, scale="MADRS", score=40, rated_on=date(2024, 1, 15))
    ScaleScore.objects.create(episode=episode, scale="MADRS", score=25, rated_on=date(2024, 6, 1))

    text = _detail(clinician_client, trd_patient).content.decode()

    # rules §1.1: MADRS 25 lies in the moderate band 20–34; the confirmed severity is "severe"
    assert "Suggested severity from the latest scale score: moderate." in text
    assert "MADRS 20–34: moderate; Snaith 1986" in text
    assert "The confirmed severity (severe) differs from the suggestion" in text


def test_clinician_defined_drug_courses_and_augmentation_shown(clinician_client, clinic):
    patient = make_patient(clinic)
    episode = make_episode(patient)
    make_trial(episode, "newdrugam", 40, 8, drug_class="SSRI", min_adequate_dose_mg=20, augmentation=[("lithium", 800)])
    make_ect(episode, "right_unilateral", "partial_response", 9)
    make_other_course(episode, "rtms", 6, "non_response")
    restage(patient)
    patient.refresh_from_db()

    text = _detail(clinician_client, patient).content.decode()

    assert "clinician-defined" in text
    assert "lithium 800 mg/day" in text
    assert "Right unilateral, 9 sessions" in text
    assert "rTMS" in text


def test_timeline_is_embedded_and_served_as_svg(clinician_client, trd_patient):
    text = _detail(clinician_client, trd_patient).content.decode()
    response = clinician_client.get(reverse("patients:timeline", args=[trd_patient.pk]))

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(response.content)
    drugs = " ".join("".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text"))
    for drug in ("sertraline", "venlafaxine", "mirtazapine"):
        assert drug in drugs


def test_entry_links_and_report_link_when_it_exists(clinician_client, trd_patient):
    text = _detail(clinician_client, trd_patient).content.decode()

    for name in ("edit", "episode", "trials", "courses", "scores"):
        assert reverse(f"patients:{name}", args=[trd_patient.pk]) in text
    try:
        report_url = reverse("staging:report", args=[trd_patient.pk])
    except NoReverseMatch:
        assert "Staging report (PDF)" not in text
    else:
        assert f'href="{report_url}"' in text


def _patient_with_trials(clinic, count):
    patient = make_patient(clinic)
    earlier = make_episode(patient, onset=date(2018, 1, 1), ended_on=date(2018, 12, 1))
    make_trial(earlier, "paroxetine", 40, 10, augmentation=[("lithium", 600)])
    episode = make_episode(patient, onset=date(2024, 1, 1))
    drugs = ["sertraline", "venlafaxine", "escitalopram", "duloxetine", "mirtazapine", "bupropion"]
    for number in range(count):
        make_trial(
            episode,
            drugs[number % len(drugs)],
            300,
            8,
            started_on=date(2024, 1 + number % 12, 1),
            augmentation=[("aripiprazole", 5)] if number % 2 else [],
        )
    make_ect(episode)
    make_other_course(episode)
    ScaleScore.objects.create(episode=episode, scale="PHQ-9", score=18, rated_on=date(2024, 2, 1))
    restage(patient)
    return patient


@pytest.mark.parametrize("trials", [1, 12])
def test_query_count_does_not_grow_with_trials(clinician_client, clinic, trials, django_assert_max_num_queries):
    patient = _patient_with_trials(clinic, trials)

    # session, user, membership, clinic, patient, snapshot, episodes + 6 prefetches (trials,
    # augmentations, ECT, other courses, scores, attestations) = 13; the eligibility panel's
    # answers (1) and the staging history's snapshots (1); the audit middleware's entry with its
    # checkpoint (6 with savepoints; 7 on PostgreSQL, whose advisory lock serialises the hash
    # chain) and the session save (3) are constant too
    limit = 25 if connection.vendor == "postgresql" else 24
    with django_assert_max_num_queries(limit):
        response = _detail(clinician_client, patient)

    assert response.content.decode().count('data-kind="trial"') == trials


def test_only_clinic_admins_get_the_audit_history_link(client, clinic, clinician):
    from patients.models import Membership
    from tests.factories import make_staged_trd_patient, make_user

    patient = make_staged_trd_patient(clinic)
    history_url = reverse("audit:patient_history", args=[patient.pk])
    client.force_login(clinician)
    assert history_url not in client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    client.force_login(make_user(clinic, Membership.CLINIC_ADMIN, username="clinic_boss"))
    page = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert history_url in page
    assert client.get(history_url).status_code == 200
