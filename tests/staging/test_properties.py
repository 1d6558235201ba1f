"""Property-based tests (hypothesis) of the staging engine."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from staging.engine import stage
from staging.engine.catalogue import default_catalogue
from staging.engine.inputs import (
    AUGMENTATION_AGENTS,
    COMORBIDITIES,
    ELECTRODE_PLACEMENTS,
    FUNCTIONAL_IMPAIRMENTS,
    OTHER_COURSE_KINDS,
    OUTCOMES,
    SCREENING_ITEMS,
    SCREENING_STATUSES,
    SEVERITIES,
    Augmentation,
    EctCourse,
    Episode,
    OtherCourse,
    StagingInput,
    Trial,
)
from staging.engine.interchange import parse_records, record_to_dict, result_to_dict
from staging.engine.outcome import outcome_from_improvement
from tests.staging.helpers import validate_output_shape

CATALOGUE = default_catalogue()
DRUGS = [entry.drug for entry in CATALOGUE.entries]
BASE_DAY = date(2020, 1, 1)

days = st.integers(min_value=0, max_value=2000).map(lambda n: BASE_DAY + timedelta(days=n))
percent = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))
improvement = st.one_of(st.none(), st.floats(min_value=-100, max_value=100, allow_nan=False))


@st.composite
def trials(draw, drugs=st.sampled_from(DRUGS), dated=None):  # noqa: B008
    drug = draw(drugs)
    entry = CATALOGUE.get(drug)
    improvement_pct = draw(improvement)
    outcome = draw(st.one_of(st.none(), st.sampled_from(OUTCOMES)))
    if outcome is not None and improvement_pct is not None and outcome != "intolerance":
        implied = outcome_from_improvement(improvement_pct)  # keep the record valid (rules §3.1)
        outcome = implied if not (outcome == "remission" and implied == "response") else outcome
    started_on = draw(days) if dated else draw(st.one_of(st.none(), days)) if dated is None else None
    return Trial(
        drug=drug,
        dose_mg_per_day=draw(
            st.sampled_from(
                [entry.min_dose_mg * factor for factor in (0.5, 1, 1.5, 2)]
                + ([entry.min_dose_65_mg] if entry.min_dose_65_mg else [])
            )
        ),
        weeks_at_dose=draw(st.sampled_from([2, 5.9, 6, 8, 12, 20])),
        adherence_pct=draw(percent),
        improvement_pct=improvement_pct,
        outcome=outcome,
        augmentation=tuple(
            Augmentation(agent) for agent in draw(st.lists(st.sampled_from(AUGMENTATION_AGENTS), max_size=2))
        ),
        started_on=started_on,
    )


@st.composite
def records(draw, trial_strategy=None, max_trials=8):
    onset = draw(days)
    assessed_on = onset + timedelta(days=draw(st.integers(min_value=0, max_value=1500)))
    return StagingInput(
        assessed_on=assessed_on,
        age=draw(st.one_of(st.none(), st.integers(min_value=18, max_value=100))),
        episode=Episode(
            onset=onset,
            severity=draw(st.sampled_from(SEVERITIES)),
            functional_impairment=draw(st.one_of(st.none(), st.sampled_from(FUNCTIONAL_IMPAIRMENTS))),
            comorbidities=tuple(draw(st.lists(st.sampled_from(COMORBIDITIES), unique=True, max_size=3))),
            psychosocial_stressors=draw(st.one_of(st.none(), st.booleans())),
            screening=tuple(
                draw(st.dictionaries(st.sampled_from(SCREENING_ITEMS), st.sampled_from(SCREENING_STATUSES))).items()
            ),
        ),
        trials=tuple(draw(st.lists(trial_strategy if trial_strategy is not None else trials(), max_size=max_trials))),
        ect_courses=tuple(
            EctCourse(placement, outcome)
            for placement, outcome in draw(
                st.lists(st.tuples(st.sampled_from(ELECTRODE_PLACEMENTS), st.sampled_from(OUTCOMES)), max_size=2)
            )
        ),
        other_courses=tuple(
            OtherCourse(kind) for kind in draw(st.lists(st.sampled_from(OTHER_COURSE_KINDS), max_size=2))
        ),
    )


def _failed_adequate_trial_of(drug: str) -> Trial:
    return Trial(drug, CATALOGUE.get(drug).min_dose_mg, 8, 100, 10)


@given(records(), st.sampled_from(DRUGS))
def test_adding_a_counted_trial_never_lowers_a_score(record, drug):
    used = {trial.drug for trial in record.trials}
    if drug in used:
        drug = next((d for d in DRUGS if d not in used), None)
        if drug is None:
            return
    before = stage(record)
    after = stage(
        StagingInput(
            record.assessed_on,
            record.episode,
            record.age,
            record.trials + (_failed_adequate_trial_of(drug),),
            record.ect_courses,
            record.other_courses,
        )
    )
    assert after.trials[-1].counted
    assert after.thase_rush.stage >= before.thase_rush.stage
    assert after.maudsley.applicable
    assert before.maudsley.total is None or after.maudsley.total >= before.maudsley.total
    assert after.mgh.score >= before.mgh.score + 1


@given(records())
def test_msm_total_is_the_sum_of_its_items_within_3_to_15(record):
    result = stage(record).maudsley
    if result.applicable:
        items = result.items
        assert result.total == items.duration + items.severity + items.antidepressants + items.augmentation + items.ect
        assert 3 <= result.total <= 15
    else:
        assert not any(trial.counted for trial in stage(record).trials)


@st.composite
def dated_records_and_permutation(draw):
    # Distinct start dates only: equal dates fall back to input order, which depends on order by
    # design (rules §3.3, §5). Drugs and doses may repeat: equal doses go to the earlier date.
    record = draw(records(trial_strategy=trials(dated=True)))
    seen, kept = set(), []
    for trial in record.trials:
        if trial.started_on not in seen:
            seen.add(trial.started_on)
            kept.append(trial)
    record = StagingInput(
        record.assessed_on, record.episode, record.age, tuple(kept), record.ect_courses, record.other_courses
    )
    order = draw(st.permutations(range(len(record.trials))))
    return record, order


@given(dated_records_and_permutation())
def test_shuffling_fully_dated_trials_changes_nothing(case):
    record, order = case
    shuffled = StagingInput(
        record.assessed_on,
        record.episode,
        record.age,
        tuple(record.trials[i] for i in order),
        record.ect_courses,
        record.other_courses,
    )
    a, b = stage(record), stage(shuffled)
    assert a.thase_rush.stage == b.thase_rush.stage
    assert (a.maudsley.total, a.maudsley.category, a.maudsley.items) == (
        b.maudsley.total,
        b.maudsley.category,
        b.maudsley.items,
    )
    assert a.mgh.score == b.mgh.score
    ca, cb = a.classification, b.classification
    assert (ca.label, ca.regulatory_trd, ca.chronic) == (cb.label, cb.regulatory_trd, cb.chronic)
    moved = dict(enumerate(order))
    assert (None if cb.most_recent_trial is None else moved[cb.most_recent_trial]) == ca.most_recent_trial
    assert sorted(moved[i] for i in cb.regulatory_trd_trials) == list(ca.regulatory_trd_trials)
    assert a.dtd.met == b.dtd.met
    for new, old in moved.items():
        ta, tb = a.trials[old], b.trials[new]
        assert (ta.adequate, ta.inadequate_reasons, ta.outcome, ta.counted) == (
            tb.adequate,
            tb.inadequate_reasons,
            tb.outcome,
            tb.counted,
        )
    assert sorted(f.code for f in a.flags) == sorted(f.code for f in b.flags)


@given(records())
def test_every_output_validates_against_the_section_10_shape(record):
    validate_output_shape(result_to_dict(stage(record)))


@given(records())
def test_json_round_trip_of_generated_records(record):
    assert parse_records(record_to_dict(record))[0] == [record]


@given(records(trial_strategy=trials(drugs=st.sampled_from(DRUGS[:4])), max_trials=6))
def test_repeated_drugs_count_once_with_the_highest_dose(record):
    result = stage(record)
    counted = [t for t in result.trials if t.counted]
    assert len({t.drug for t in counted}) == len(counted)
    for trial in result.trials:
        if trial.adequate and trial.outcome in ("non_response", "partial_response"):
            winner = next(t for t in counted if t.drug == trial.drug)
            assert winner.trial.dose_mg_per_day >= trial.trial.dose_mg_per_day
            if winner.trial.dose_mg_per_day == trial.trial.dose_mg_per_day:
                # rules §3.3: the earlier trial, by date when every trial is dated
                if all(t.trial.started_on is not None for t in result.trials):
                    assert (winner.trial.started_on, winner.index) <= (trial.trial.started_on, trial.index)
                else:
                    assert winner.index <= trial.index
