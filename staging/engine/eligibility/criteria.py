"""The criterion kinds of rules §12.2, one function each: met, not met or not documented.

Each function takes the criterion and the facts of one record (its trials already judged by
§3) and returns the state, the evidence (indices into the record's lists) and one sentence.
Only the current episode is seen (rules §1.1), so "failed treatments" are those of this episode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from staging.engine import vocabulary
from staging.engine.calendar import add_months
from staging.engine.eligibility.profiles import Criterion
from staging.engine.inputs import StagingInput
from staging.engine.outcome import UNKNOWN
from staging.engine.results import FAILED_OUTCOMES, NO_EVIDENCE, CriterionResult, Evidence, TrialResult
from staging.engine.text import join_words, number, plural

MET, NOT_MET, NOT_DOCUMENTED = "met", "not_met", "not_documented"
# rules §12.2 failed_treatments: the courses that count (psychotherapy does not: interpretation used)
TREATMENT_COURSE_KINDS = frozenset({"rtms", "esketamine", "ketamine", "vns"})


@dataclass(frozen=True, slots=True)
class Facts:
    """One record as the criteria read it."""

    record: StagingInput
    trials: tuple[TrialResult, ...]
    attestations: dict[str, bool]
    shared: dict = field(default_factory=dict)  # work several criteria of this record share


def _day(value: date) -> str:
    return value.isoformat()


def _words(table: dict, codes) -> str:
    return join_words([vocabulary.sentence(table, code, code) for code in codes])


def _trial_names(trials: Sequence[TrialResult]) -> str:
    return join_words([trial.name for trial in trials])


# ---- one function per kind ----------------------------------------------------------------


def age_at_least(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    age, years = facts.record.age, criterion.years
    if age is None:
        return NOT_DOCUMENTED, NO_EVIDENCE, f"Age not recorded ({years} or over needed)."
    if age >= years:
        return MET, NO_EVIDENCE, f"Age {age} is {years} or over."
    return NOT_MET, NO_EVIDENCE, f"Age {age} is under {years}."


def _trial_groups(facts: Facts, by_class: bool, min_weeks: float, include_intolerance: bool):
    """(qualifying trials, their drugs or classes, trials that would qualify but for an unknown
    outcome) — worked out once per record and parameters: three shipped criteria ask."""
    key = ("failed_trials", by_class, min_weeks, include_intolerance)
    found = facts.shared.get(key)
    if found is None:
        qualifying, unknown = [], []
        for trial in facts.trials:
            long_enough = trial.adequate and trial.trial.weeks_at_dose >= min_weeks
            if (long_enough and trial.outcome in FAILED_OUTCOMES) or (
                include_intolerance and trial.outcome == "intolerance"
            ):
                qualifying.append(trial)
            elif long_enough and trial.outcome == UNKNOWN:
                unknown.append(trial)
        groups = {trial.drug_class if by_class else trial.drug for trial in qualifying}
        # rules §12.2: the unknown-outcome trials of drugs (or classes) not already counted
        pending = [trial for trial in unknown if (trial.drug_class if by_class else trial.drug) not in groups]
        found = facts.shared[key] = (qualifying, groups, pending)
    return found


def failed_trials(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    by_class = criterion.distinct == "class"
    min_weeks = 6 if criterion.min_weeks is None else criterion.min_weeks
    qualifying, groups, pending = _trial_groups(facts, by_class, min_weeks, criterion.include_intolerance)
    unit = "drug class" if by_class else "drug"
    units = "drug classes" if by_class else "drugs"
    what = (
        "failed adequate trials"
        + ("" if min_weeks == 6 else f" of at least {number(min_weeks)} weeks at dose")
        + (" (or trials stopped for adverse effects)" if criterion.include_intolerance else "")
    )
    needed = f"{plural(criterion.min, unit, units)} needed"
    found = plural(len(groups), f"different {unit}", f"different {units}")
    listed = f": {_trial_names(qualifying)}" if qualifying else ""
    if len(groups) >= criterion.min:
        evidence = Evidence(trials=tuple([trial.index for trial in qualifying]))
        return MET, evidence, f"{vocabulary.capitalise(what)} of {found}{listed} ({needed})."
    by_group = {trial.drug_class if by_class else trial.drug for trial in pending}
    if len(groups) + len(by_group) >= criterion.min:
        return (
            NOT_DOCUMENTED,
            Evidence(trials=tuple([trial.index for trial in pending])),
            f"{vocabulary.capitalise(what)} of {found}{listed} ({needed}); the outcome of "
            f"{_trial_names(pending)} is not documented and could decide it.",
        )
    evidence = Evidence(trials=tuple([trial.index for trial in qualifying]))
    return NOT_MET, evidence, f"{vocabulary.capitalise(what)} of only {found}{listed} ({needed})."


def severity_in(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    severity = facts.record.episode.severity
    words = vocabulary.sentence(vocabulary.SEVERITIES, severity, severity)
    allowed = _words(vocabulary.SEVERITIES, criterion.values)
    if severity in criterion.values:
        return MET, NO_EVIDENCE, f"Severity {words} is one of: {allowed}."
    return NOT_MET, NO_EVIDENCE, f"Severity {words} is not one of: {allowed}."


def episode_months_at_least(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    # The sentence names the onset and the day the months are reached, not the assessment day:
    # a result that changes wording every day would be a new stored staging every day.
    onset = facts.record.episode.onset
    reached_on = add_months(onset, criterion.months)  # rules §4.2 calendar-month arithmetic
    if facts.record.assessed_on >= reached_on:
        return (
            MET,
            NO_EVIDENCE,
            f"Episode onset {_day(onset)}: {criterion.months} months reached on {_day(reached_on)}.",
        )
    return (
        NOT_MET,
        NO_EVIDENCE,
        f"Episode onset {_day(onset)}: {criterion.months} months are not reached before {_day(reached_on)}.",
    )


def scale_score(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    assessed_on = facts.record.assessed_on
    start = None if criterion.within_days is None else assessed_on - timedelta(days=criterion.within_days)
    in_window = [
        (index, score)
        for index, score in enumerate(facts.record.scale_scores)
        if score.scale in criterion.scales
        and (start is None or start <= score.rated_on)
        and score.rated_on <= assessed_on
    ]
    qualifying = [(index, score) for index, score in in_window if score.score >= criterion.at_least]
    dates = sorted({score.rated_on for _, score in qualifying})
    scales = join_words(list(criterion.scales))
    # the window in words, without the assessment day (see episode_months_at_least)
    window = f"in the {criterion.within_days} days before the assessment" if start is not None else "recorded"
    threshold = f" of at least {criterion.at_least}" if criterion.at_least else ""
    needed = f"{plural(criterion.count, 'date')} needed"
    found = ", ".join([_day(day) for day in dates])
    evidence = Evidence(scale_scores=tuple([index for index, _ in qualifying]))
    if len(dates) >= criterion.count:
        return (
            MET,
            evidence,
            f"{scales} scores{threshold} {window} on {plural(len(dates), 'date')}: {found} ({needed}).",
        )
    if len({score.rated_on for _, score in in_window}) < criterion.count:
        recorded = len({score.rated_on for _, score in in_window})
        return (
            NOT_DOCUMENTED,
            NO_EVIDENCE,
            f"{scales} scores {window} are recorded on {plural(recorded, 'date')} ({needed}): record the ratings.",
        )
    return (
        NOT_MET,
        evidence,
        f"{scales} scores{threshold} {window} on only {plural(len(dates), 'date')}"
        + (f": {found}" if dates else "")
        + f" ({needed}).",
    )


def failed_courses(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    record, min_weeks = facts.record, criterion.min_weeks
    failed_ect = (
        [index for index, course in enumerate(record.ect_courses) if course.outcome in FAILED_OUTCOMES]
        if "ect" in criterion.kinds
        else []
    )
    failed_other, pending_other = [], []
    for index, course in enumerate(record.other_courses):
        if course.kind not in criterion.kinds:
            continue
        long_enough = min_weeks is None or (course.weeks is not None and course.weeks >= min_weeks)
        weeks_unknown = min_weeks is not None and course.weeks is None
        if course.outcome in FAILED_OUTCOMES and long_enough:
            failed_other.append(index)
        elif (course.outcome is None and (long_enough or weeks_unknown)) or (
            course.outcome in FAILED_OUTCOMES and weeks_unknown
        ):
            pending_other.append(index)  # rules §12.2: missing an outcome or weeks that could decide it
    kinds = _words(vocabulary.COURSE_KINDS, criterion.kinds)
    weeks = f" of at least {number(min_weeks)} weeks" if min_weeks is not None else ""
    failed = len(failed_ect) + len(failed_other)
    needed = f"{criterion.min} needed"
    evidence = Evidence(ect_courses=tuple(failed_ect), other_courses=tuple(failed_other))
    if failed >= criterion.min:
        return MET, evidence, f"{vocabulary.capitalise(plural(failed, 'failed course'))}{weeks} of {kinds} ({needed})."
    if failed + len(pending_other) >= criterion.min:
        return (
            NOT_DOCUMENTED,
            Evidence(other_courses=tuple(pending_other)),
            f"{vocabulary.capitalise(plural(failed, 'failed course'))}{weeks} of {kinds} ({needed}); "
            f"{plural(len(pending_other), 'course')} without a recorded outcome"
            + (" or weeks" if min_weeks is not None else "")
            + " could decide it.",
        )
    return NOT_MET, evidence, f"Only {plural(failed, 'failed course')}{weeks} of {kinds} ({needed})."


def failed_treatments(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    record = facts.record
    counted = [trial for trial in facts.trials if trial.counted]  # rules §3.3: one per drug
    failed_ect = [index for index, course in enumerate(record.ect_courses) if course.outcome in FAILED_OUTCOMES]
    failed_other = [
        index
        for index, course in enumerate(record.other_courses)
        if course.kind in TREATMENT_COURSE_KINDS and course.outcome in FAILED_OUTCOMES
    ]
    total = len(counted) + len(failed_ect) + len(failed_other)
    parts = []
    if counted:
        parts.append(f"{plural(len(counted), 'counted trial')} ({_trial_names(counted)})")
    if failed_ect:
        parts.append(plural(len(failed_ect), "failed ECT course"))
    if failed_other:
        kinds = [vocabulary.sentence(vocabulary.OTHER_COURSE_KINDS, record.other_courses[i].kind) for i in failed_other]
        parts.append(f"{plural(len(failed_other), 'failed course')} ({join_words(kinds)})")
    summary = f"{plural(total, 'failed treatment')}" + (f": {join_words(parts)}" if parts else "")
    needed = f"{criterion.min} needed; psychotherapy is not counted"
    evidence = Evidence(
        trials=tuple([trial.index for trial in counted]),
        ect_courses=tuple(failed_ect),
        other_courses=tuple(failed_other),
    )
    if total >= criterion.min:
        return MET, evidence, f"{vocabulary.capitalise(summary)} ({needed})."
    counted_drugs = {trial.drug for trial in counted}
    pending_trials = [
        trial
        for trial in facts.trials
        if trial.adequate and trial.outcome == UNKNOWN and trial.drug not in counted_drugs
    ]
    pending_courses = [
        index
        for index, course in enumerate(record.other_courses)
        if course.kind in TREATMENT_COURSE_KINDS and course.outcome is None
    ]
    could_count = len({trial.drug for trial in pending_trials}) + len(pending_courses)  # one per drug
    if total + could_count >= criterion.min:
        missing = [trial.name for trial in pending_trials] + [
            f"{vocabulary.sentence(vocabulary.OTHER_COURSE_KINDS, record.other_courses[i].kind)} course"
            for i in pending_courses
        ]
        return (
            NOT_DOCUMENTED,
            Evidence(trials=tuple([trial.index for trial in pending_trials]), other_courses=tuple(pending_courses)),
            f"{vocabulary.capitalise(summary)} ({needed}); the outcome of {join_words(missing)} is not documented and could decide it.",
        )
    return NOT_MET, evidence, f"Only {summary} ({needed})."


def comorbidity_any(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    recorded = [code for code in criterion.values if code in facts.record.episode.comorbidities]
    listed = _words(vocabulary.COMORBIDITIES, criterion.values)
    if recorded:
        return MET, NO_EVIDENCE, f"Recorded: {_words(vocabulary.COMORBIDITIES, recorded)}."
    return NOT_MET, NO_EVIDENCE, f"Not recorded: {listed}."


def attestation(criterion: Criterion, facts: Facts) -> tuple[str, Evidence, str]:
    answer = facts.attestations.get(criterion.attestation_key)
    if answer is None:
        return (
            NOT_DOCUMENTED,
            NO_EVIDENCE,
            "Not answered yet: the clinician confirms it or records that it does not hold.",
        )
    if answer:
        return MET, NO_EVIDENCE, "Confirmed by the clinician."
    return NOT_MET, NO_EVIDENCE, "The clinician recorded that it does not hold."


KIND_FUNCTIONS = {
    "age_at_least": age_at_least,
    "failed_trials": failed_trials,
    "severity_in": severity_in,
    "episode_months_at_least": episode_months_at_least,
    "scale_score": scale_score,
    "failed_courses": failed_courses,
    "failed_treatments": failed_treatments,
    "comorbidity_any": comorbidity_any,
    "attestation": attestation,
}


def evaluate(criterion: Criterion, facts: Facts) -> CriterionResult:
    """One criterion of a profile, any_of included (rules §12.2)."""
    if criterion.kind == "any_of":
        return any_of(criterion, facts)
    state, evidence, explanation = KIND_FUNCTIONS[criterion.kind](criterion, facts)
    return CriterionResult(
        criterion.id, criterion.role, criterion.kind, state, criterion.text, criterion.note, explanation, evidence
    )


def any_of(criterion: Criterion, facts: Facts) -> CriterionResult:
    """Met when one item is met; not documented when none is met and one is not documented; its
    evidence merges its items' evidence in the same state as its own (rules §12.2)."""
    items = tuple([evaluate(item, facts) for item in criterion.items])
    states = {item.state for item in items}
    state = MET if MET in states else NOT_DOCUMENTED if NOT_DOCUMENTED in states else NOT_MET
    deciding = [item for item in items if item.state == state]
    if len(deciding) == 1:
        evidence = deciding[0].evidence  # the usual case: nothing to merge
    else:
        evidence = Evidence(
            *[
                tuple(sorted({index for item in deciding for index in getattr(item.evidence, field)}))
                for field in Evidence._fields
            ]
        )
    if state == MET:
        explanation = "Met by " + "; ".join([f"{item.id}: {item.explanation}" for item in deciding])
    elif state == NOT_DOCUMENTED:
        explanation = "None is met yet; not documented: " + "; ".join(
            [f"{item.id}: {item.explanation}" for item in deciding]
        )
    else:
        explanation = "None is met: " + "; ".join([f"{item.id}: {item.explanation}" for item in items])
    return CriterionResult(
        criterion.id,
        criterion.role,
        criterion.kind,
        state,
        criterion.text,
        criterion.note,
        explanation,
        evidence,
        items,
    )
