"""A staging is always as of today (rules §1.1 `assessed_on`): the page, the PDF, the JSON and
the list restage when the calendar moved a result (the Maudsley duration item, §4.2; the 65+
minimum doses, §9), with a controlled clock."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from patients.models import StagingSnapshot
from patients.services import restage, staging_as_of_today
from tests.factories import make_episode, make_patient, make_trial
from tests.staging.pdf_helpers import flat, page_texts

DAY_ONE = date(2026, 3, 10)
# Onset 11 months and 20 days before DAY_ONE: the duration item is 1 (≤ 12 months, rules §4.2).
ONSET = date(2025, 3, 21)
# One month later, onset + 12 months (21 Mar 2026) has passed: the duration item is 2.
MONTH_LATER = date(2026, 4, 10)


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def clinician_client(client, clinician):
    """Logs in again on each day it is used: sessions end after 30 idle minutes."""
    real_get = client.get

    def get(*args, **kwargs):
        client.force_login(clinician)
        return real_get(*args, **kwargs)

    client.get = get
    return client


@pytest.fixture
def staged_on_day_one(clinic):
    with at(DAY_ONE):
        patient = make_patient(clinic)
        episode = make_episode(patient, onset=ONSET, severity="moderate")
        make_trial(episode, "sertraline", 100, 8, improvement=10)
        restage(patient)
    patient.refresh_from_db()
    return patient


def test_on_the_day_it_was_entered_the_duration_item_is_1(staged_on_day_one):
    result = staged_on_day_one.current_snapshot.result
    assert result["maudsley"]["items"]["duration"] == 1
    assert staged_on_day_one.staged_on == DAY_ONE


def test_a_month_later_the_page_shows_duration_2_as_of_today(staged_on_day_one, clinician_client):
    with at(MONTH_LATER):
        response = clinician_client.get(reverse("patients:detail", args=[staged_on_day_one.pk]))
    text = flat(response.content.decode())
    assert response.status_code == 200
    assert "duration 2 (onset 2025-03-21, more than 12 and at most 24 months before the assessment)" in text
    assert "as of 10 Apr 2026" in text


def test_a_month_later_the_pdf_shows_duration_2_as_of_today(staged_on_day_one, clinician_client):
    with at(MONTH_LATER):
        response = clinician_client.get(reverse("staging:report", args=[staged_on_day_one.pk]))
    assert response.status_code == 200
    text = flat(" ".join(page_texts(response.content)))
    assert "duration 2" in text
    assert "as of 10 Apr 2026" in text


def test_a_month_later_the_json_shows_duration_2_as_of_today(staged_on_day_one, clinician_client):
    with at(MONTH_LATER):
        response = clinician_client.get(reverse("staging:json", args=[staged_on_day_one.pk]))
    body = response.json()
    assert body["as_of"] == "2026-04-10"
    assert body["result"]["maudsley"]["items"]["duration"] == 2
    assert "duration 2" in body["result"]["maudsley"]["explanation"]


def test_restaging_on_read_writes_a_snapshot_only_when_the_result_changed(staged_on_day_one):
    patient = staged_on_day_one
    assessed_at = patient.last_assessed_at
    with at(date(2026, 3, 12)):  # two days later: still ≤ 12 months, same result
        staging_as_of_today(patient)
    patient.refresh_from_db()
    assert patient.snapshots.count() == 1
    assert patient.staged_on == date(2026, 3, 12)
    with at(MONTH_LATER):
        snapshot = staging_as_of_today(patient)
        again = staging_as_of_today(patient)  # same day: nothing more to do
    patient.refresh_from_db()
    assert patient.snapshots.count() == 2
    assert snapshot == again == patient.current_snapshot
    assert snapshot.assessed_on == MONTH_LATER
    # The calendar moved, no clinician assessed anything: "last assessed" stays.
    assert patient.last_assessed_at == assessed_at


def run_stale():
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("recompute_staging", "--stale", stdout=out, stderr=err)
    return out.getvalue().strip()


def test_the_list_is_current_after_recompute_stale(staged_on_day_one, clinician_client):
    patient = staged_on_day_one
    with at(DAY_ONE):
        assert run_stale() == "Recomputed 0 patients; 0 results changed."
    with at(MONTH_LATER):
        assert run_stale().splitlines()[0] == "Recomputed 1 patient; 1 result changed."
        assert run_stale() == "Recomputed 0 patients; 0 results changed."  # idempotent
        page = clinician_client.get(reverse("patients:list")).content.decode()
    patient.refresh_from_db()
    assert patient.staged_on == MONTH_LATER
    assert patient.msm_total == 6  # duration 2 + moderate 3 + one counted trial 1
    assert patient.current_snapshot.result["maudsley"]["items"]["duration"] == 2
    assert "10 Apr 2026" in page  # the list says what its staging is as of


def test_recompute_stale_skips_patients_staged_today(staged_on_day_one, clinic):
    with at(MONTH_LATER):
        staging_as_of_today(staged_on_day_one)
        assert run_stale() == "Recomputed 0 patients; 0 results changed."
    assert StagingSnapshot.objects.filter(patient=staged_on_day_one).count() == 2


def test_a_birthday_across_65_switches_the_minimum_dose(clinic, clinician_client):
    # Sertraline 25 mg/day: below the adult minimum of 50, at the 65+ minimum of 25 (rules §9).
    with at(date(2026, 3, 19)):
        patient = make_patient(clinic, date_of_birth=date(1961, 3, 20))
        episode = make_episode(patient, onset=date(2025, 12, 1), severity="moderate")
        make_trial(episode, "sertraline", 25, 8, adherence=90, improvement=10)
        restage(patient)
        before = clinician_client.get(reverse("staging:json", args=[patient.pk])).json()["result"]
    with at(date(2026, 3, 20)):  # the 65th birthday
        after = clinician_client.get(reverse("staging:json", args=[patient.pk])).json()["result"]
        page = flat(clinician_client.get(reverse("patients:detail", args=[patient.pk])).content.decode())
    assert before["trials"][0]["adequate"] is False
    assert before["trials"][0]["inadequate_reasons"] == ["dose_below_minimum"]
    assert after["trials"][0]["adequate"] is True
    assert after["trials"][0]["counted"] is True
    assert "for age 65 and over" in after["trials"][0]["explanation"]
    assert "for age 65 and over" in page
