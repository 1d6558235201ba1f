"""StagingSnapshot.became_trd: a snapshot is a new TRD classification (rules §5) when it is TRD
and the episode's snapshot before it was not (or there was none); decided when it is written."""

from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from patients.dashboard import new_trd_per_month
from patients.models import Episode, Patient, StagingSnapshot
from patients.services import restage
from tests.factories import make_clinic, make_episode, make_staged_trd_patient, make_trial

pytestmark = pytest.mark.django_db


def _snapshots(patient):
    return list(StagingSnapshot.objects.filter(patient=patient).order_by("computed_at", "pk"))


@time_machine.travel("2026-11-20 09:00:00+00:00", tick=False)
def test_only_a_change_into_trd_is_a_new_classification():
    patient = make_staged_trd_patient(make_clinic())
    episode = Episode.objects.get(patient=patient)
    venlafaxine = episode.trials.get(drug="venlafaxine")
    mirtazapine = episode.trials.get(drug="mirtazapine")

    mirtazapine.improvement_pct = 8  # still TRD, another result: a snapshot, not a new classification
    mirtazapine.save()
    restage(patient)
    venlafaxine.weeks_at_dose = 3  # too short: one failed adequate trial left, not TRD
    venlafaxine.save()
    restage(patient)
    venlafaxine.weeks_at_dose = 10  # TRD again
    venlafaxine.save()
    restage(patient)

    snapshots = _snapshots(patient)
    assert [snapshot.result["classification"]["label"] for snapshot in snapshots] == [
        "trd",
        "trd",
        "single_failure",
        "trd",
    ]
    assert [snapshot.became_trd for snapshot in snapshots] == [True, False, False, True]


@time_machine.travel("2026-11-20 09:00:00+00:00", tick=False)
def test_a_new_episode_that_is_trd_is_a_new_classification():
    patient = make_staged_trd_patient(make_clinic())
    Episode.objects.filter(patient=patient).update(ended_on=date(2026, 6, 1))
    restage(patient)  # no current episode: no snapshot
    episode = make_episode(patient, onset=date(2026, 7, 1), severity="severe")
    make_trial(episode, "sertraline", 150, 8, adherence=90, improvement=10)
    make_trial(episode, "venlafaxine", 225, 10, adherence=95, improvement=15)
    restage(patient)

    assert [snapshot.became_trd for snapshot in _snapshots(patient)] == [True, True]


def test_the_migration_fills_existing_snapshots_as_restaging_decides(transactional_db):
    with time_machine.travel("2026-11-20 09:00:00+00:00", tick=False):
        patient = make_staged_trd_patient(make_clinic())
        venlafaxine = Episode.objects.get(patient=patient).trials.get(drug="venlafaxine")
        for weeks in (3, 10, 12):  # not TRD, TRD again, still TRD
            venlafaxine.weeks_at_dose = weeks
            venlafaxine.save()
            restage(patient)
    decided = [snapshot.became_trd for snapshot in _snapshots(patient)]
    assert decided == [True, False, True, False]

    call_command("migrate", "patients", "0016", verbosity=0)
    call_command("migrate", "patients", verbosity=0)

    assert [snapshot.became_trd for snapshot in _snapshots(patient)] == decided


def test_new_trd_per_month_counts_changes_into_trd_by_assessment_month():
    with time_machine.travel("2026-11-10 09:00:00+00:00", tick=False):
        clinic = make_clinic()
        patient = make_staged_trd_patient(clinic)  # November: first staging, TRD
        venlafaxine = Episode.objects.get(patient=patient).trials.get(drug="venlafaxine")
    for day, weeks in (("2026-11-20", 12), ("2026-12-02", 3), ("2026-12-20", 10)):  # TRD, not TRD, TRD
        with time_machine.travel(f"{day} 09:00:00+00:00", tick=False):
            venlafaxine.weeks_at_dose = weeks
            venlafaxine.save()
            restage(patient)

    with time_machine.travel("2026-12-30 10:00:00+00:00", tick=False):
        months = dict(new_trd_per_month(Patient.objects.filter(clinic=clinic), date(2026, 12, 30)))

    assert len(months) == 24
    assert months[date(2026, 11, 1)] == 1  # the first TRD staging; the one still TRD after it is not new
    assert months[date(2026, 12, 1)] == 1  # not TRD, then TRD again
    assert sum(months.values()) == 2
