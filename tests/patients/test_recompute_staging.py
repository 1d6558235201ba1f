"""manage.py recompute_staging: restages stored snapshots, reports changes, safe to run twice."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from patients.models import Patient, StagingSnapshot
from staging.engine.inputs import RULESET_ID
from tests.factories import make_patient, make_staged_trd_patient, make_trial


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("recompute_staging", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def make_stale(patient):
    """A failed adequate trial added without restaging: the stored staging no longer matches."""
    make_trial(patient.episodes.get(), "bupropion", 300, 8, adherence=95, improvement=5)


def test_recomputes_changed_results_then_nothing_the_second_time(clinic, other_clinic):
    stale = make_staged_trd_patient(clinic)
    make_staged_trd_patient(clinic)
    make_patient(clinic)  # no episode: nothing to stage
    make_staged_trd_patient(other_clinic)
    make_stale(stale)
    snapshots = StagingSnapshot.objects.count()

    out, err = run()
    assert out.splitlines()[0] == "Recomputed 4 patients; 1 result changed."
    assert "4/4 patients" in err and "[" in err
    assert StagingSnapshot.objects.count() == snapshots + 1
    stale.refresh_from_db()
    # rules §4.2: a fourth counted trial moves the antidepressant item from 1 (1–2) to 2 (3–4)
    assert stale.current_snapshot.result["maudsley"]["items"]["antidepressants"] == 2
    assert stale.msm_total == stale.current_snapshot.result["maudsley"]["total"]

    out, _ = run()
    assert out.splitlines()[0] == "Recomputed 4 patients; 0 results changed."
    assert StagingSnapshot.objects.count() == snapshots + 1


def test_a_stored_result_from_an_older_ruleset_is_replaced(clinic):
    patient = make_staged_trd_patient(clinic)
    snapshot = patient.current_snapshot
    StagingSnapshot.objects.filter(pk=snapshot.pk).update(result={**snapshot.result, "ruleset": "trd-2025.9"})
    out, _ = run()
    assert out.splitlines()[0] == "Recomputed 1 patient; 1 result changed."
    patient.refresh_from_db()
    assert patient.current_snapshot.ruleset == RULESET_ID
    assert patient.current_snapshot_id != snapshot.pk
    assert StagingSnapshot.objects.filter(pk=snapshot.pk).exists()  # append-only: the old one stays


def test_clinic_option_limits_the_run(clinic, other_clinic):
    mine = make_staged_trd_patient(clinic)
    theirs = make_staged_trd_patient(other_clinic)
    make_stale(mine)
    make_stale(theirs)
    out, _ = run("--clinic", other_clinic.slug)
    assert out.splitlines()[0] == "Recomputed 1 patient; 1 result changed."
    mine_before = mine.current_snapshot_id
    mine.refresh_from_db()
    assert mine.current_snapshot_id == mine_before
    theirs_before = theirs.current_snapshot_id
    theirs.refresh_from_db()
    assert theirs.current_snapshot_id != theirs_before


def test_unknown_clinic_is_a_clear_error(clinic):
    with pytest.raises(CommandError, match=r"No clinic with the short name “nowhere”.*" + clinic.slug):
        run("--clinic", "nowhere")


def test_query_count_per_batch_does_not_grow_with_patients(clinic, django_assert_max_num_queries):
    for _ in range(6):
        make_stale(make_staged_trd_patient(clinic))
    # ids, then per batch: lock+patients with snapshot, episodes, trials, augmentations, ECT,
    # other courses, one bulk insert, one bulk update (+ savepoint bookkeeping)
    with django_assert_max_num_queries(14):
        out, _ = run("--batch-size", "10")
    assert out.splitlines()[0] == "Recomputed 6 patients; 6 results changed."
    assert Patient.objects.filter(label="trd").count() == 6


def test_changed_results_are_counted_by_instrument(clinic):
    """rules §13: after an upgrade the command says which instruments' stored results changed."""
    stale = make_staged_trd_patient(clinic)
    make_staged_trd_patient(clinic)
    snapshot = stale.current_snapshot
    older = {key: value for key, value in snapshot.result.items() if key != "eligibility"}  # as trd-2026.1 stored it
    StagingSnapshot.objects.filter(pk=snapshot.pk).update(result=older)
    out, _ = run()
    assert out.splitlines() == [
        "Recomputed 2 patients; 1 result changed.",
        "Changed by instrument: thase_rush 0, maudsley 0, mgh 0, classification 0, dtd 0, eligibility 1, trials 0.",
    ]
    make_stale(stale)  # a fourth counted trial: every instrument's explanation moves
    out, _ = run()
    assert out.splitlines()[1] == (
        "Changed by instrument: thase_rush 1, maudsley 1, mgh 1, classification 1, dtd 1, eligibility 1, trials 1."
    )
    out, _ = run()
    assert out.splitlines() == ["Recomputed 2 patients; 0 results changed."]
