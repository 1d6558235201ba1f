"""A staging as a person reads it: the one presentation the patient page and the PDF both render.

`present_staging` turns what a staging snapshot stores — the rules §10 input record, the §10
result and the day it is as of — into sections, rows and sentences, every code in the words of
`staging.engine.vocabulary`. The page (templates/patients/_staging_panel.html and friends) and
the PDF (templates/staging/report.html) lay the same values out differently, but neither words a
code, formats a number or collects notes itself, so they cannot disagree (rules §7).

Plain Python like the engine beside it: it reads dicts and dates, never the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from staging.engine import vocabulary
from staging.engine.calendar import months_between
from staging.engine.outcome import derive_outcome
from staging.engine.text import augmentation_text, join_words, number, plural

# rules §4.2: the points each Maudsley item can take, shown beside the points scored
MAUDSLEY_RANGES = {"duration": "1–3", "severity": "1–5", "antidepressants": "1–5", "augmentation": "0–1", "ect": "0–1"}
MAUDSLEY_BANDS = "mild 3–6, moderate 7–10, severe 11–15"  # rules §4.2
# rules §7: the sections whose "interpretation used" notes are shown, in the order of the report
NOTE_SECTIONS = ("thase_rush", "maudsley", "mgh", "classification", "dtd")
NOT_RECORDED = "Not recorded"


# --- How values are written -------------------------------------------------------------------


def day(value: date | str | None) -> str:
    """'2 Dec 2026': unambiguous in every country a referral may go to. Takes a date or ISO text."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.day} {value:%b %Y}"


def amount(value) -> str:
    """A dose, a week count or a percentage as a clinician writes it: 150.0 -> "150"."""
    return "" if value is None or value == "" else number(value)


def duration_words(start: date, end: date) -> str:
    """Whole calendar months from `start` to `end` (rules §4.2), as "1 year 2 months"."""
    years, months = divmod(max(months_between(start, end), 0), 12)
    parts = [plural(years, "year")] if years else []
    if months or not years:
        parts.append(plural(months, "month"))
    return " ".join(parts)


def yes_no(value: bool | None) -> str:
    return NOT_RECORDED if value is None else ("Yes" if value else "No")


# --- What a person reads ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class TrialRow:
    """One antidepressant trial as entered, and — when staged — as judged (rules §3)."""

    number: int
    drug: str
    drug_class: str
    clinician_defined: bool
    dose: str
    min_dose: str  # "" when unknown
    dose_below_minimum: bool
    weeks: str
    started_on: str
    ended_on: str
    adherence: str  # "85 %" or "not documented"
    adherence_documented: bool
    improvement: str  # "40 %" or "—"
    outcome: str
    augmentations: tuple[str, ...]
    staged: bool
    adequate: bool | None
    adequacy: str  # "Adequate", "Inadequate" or "" when not staged
    inadequate_reasons: tuple[str, ...]  # short words, rules §3.2 order
    counted: bool
    counting: str  # "Counted", "Not counted" or "" when not staged
    explanation: str

    @property
    def name(self) -> str:
        return f"{self.drug} (trial {self.number})"


@dataclass(frozen=True, slots=True)
class CourseRow:
    """An ECT course or another treatment course (rules §1.3)."""

    number: int
    is_ect: bool
    treatment: str  # "ECT" or the kind's words
    details: str  # "Right unilateral, 9 sessions", "8 weeks" or "—"
    outcome: str
    started_on: str  # "" when not recorded


@dataclass(frozen=True, slots=True)
class ScreeningRow:
    item: str
    status_code: str
    status: str


@dataclass(frozen=True, slots=True)
class MaudsleyItem:
    name: str
    points: int | None
    range: str


@dataclass(frozen=True, slots=True)
class Instrument:
    title: str
    value: str  # "Stage II", "7 / 15", "3.5", "Not applicable"
    detail: str  # "moderate" for the MSM, "" otherwise
    explanation: str
    items: tuple[MaudsleyItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """A yes/no finding with its reason in words (regulatory TRD, chronic, DTD)."""

    value: str
    detail: str
    met: bool


@dataclass(frozen=True, slots=True)
class Classification:
    code: str
    label: str  # short: "TRD"
    name: str  # full: "Treatment-resistant depression (TRD)"
    explanation: str
    regulatory_trd: Verdict
    chronic: Verdict


@dataclass(frozen=True, slots=True)
class Dtd:
    status: Verdict
    reasons: tuple[str, ...]
    complexity_factors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FlagRow:
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class StagingView:
    """Everything the page and the PDF show of one staging, in words."""

    as_of_date: date
    ruleset: str
    episode: tuple[Fact, ...]
    trials: tuple[TrialRow, ...]
    courses: tuple[CourseRow, ...]
    screening: tuple[ScreeningRow, ...]
    thase_rush: Instrument
    maudsley: Instrument
    mgh: Instrument
    classification: Classification
    dtd: Dtd
    notes: tuple[str, ...]
    flags: tuple[FlagRow, ...]
    result: Mapping  # the §10 result as stored, for sections that read more of it (rules §12)

    @property
    def as_of(self) -> str:
        """ "2 Dec 2026": the day this staging is as of (rules §1.1)."""
        return day(self.as_of_date)

    @property
    def screened_negative(self) -> tuple[str, ...]:
        return tuple(row.item for row in self.screening if row.status_code == "screened_negative")


def present_staging(record: Mapping, result: Mapping, *, assessed_on: date) -> StagingView:
    """The staging of `record` (rules §10 input) with its `result` (§10 output), as of `assessed_on`.

    Trials and courses of `record` may carry dates the rules do not read (a trial's `ended_on`,
    a course's `started_on`); they are shown when present.
    """
    episode = record.get("episode") or {}
    trials = trial_rows(record.get("trials") or (), result.get("trials") or ())
    classification = result.get("classification") or {}
    dtd = result.get("dtd") or {}
    return StagingView(
        as_of_date=assessed_on,
        ruleset=result.get("ruleset", ""),
        episode=episode_facts(episode, assessed_on),
        trials=trials,
        courses=course_rows(record.get("ect_courses") or (), record.get("other_courses") or ()),
        screening=screening_rows(episode.get("screening") or {}),
        thase_rush=_thase_rush(result.get("thase_rush") or {}),
        maudsley=_maudsley(result.get("maudsley") or {}),
        mgh=_mgh(result.get("mgh") or {}),
        classification=_classification(classification, trials),
        dtd=Dtd(
            status=Verdict(vocabulary.MET[bool(dtd.get("met"))].label, "", bool(dtd.get("met"))),
            reasons=tuple(dtd.get("reasons") or ()),
            complexity_factors=tuple(dtd.get("complexity_factors") or ()),
        ),
        notes=interpretation_notes(result),
        flags=tuple(_flag(flag) for flag in result.get("flags") or ()),
        result=result,
    )


def interpretation_notes(result: Mapping) -> tuple[str, ...]:
    """Every "interpretation used" note of the result (rules §7), each once, in report order."""
    notes: list[str] = []
    for section in NOTE_SECTIONS:
        for note in (result.get(section) or {}).get("interpretation_notes") or ():
            if note not in notes:
                notes.append(note)
    return tuple(notes)


def episode_facts(episode: Mapping, assessed_on: date) -> tuple[Fact, ...]:
    onset = episode.get("onset")
    onset_day = date.fromisoformat(onset) if isinstance(onset, str) else onset
    comorbidities = [
        vocabulary.label(vocabulary.COMORBIDITIES, code, code) for code in episode.get("comorbidities") or ()
    ]
    return (
        Fact("Onset", day(onset_day)),
        Fact("Duration", f"{duration_words(onset_day, assessed_on)} as of {day(assessed_on)}" if onset_day else ""),
        Fact("Severity (confirmed)", vocabulary.label(vocabulary.SEVERITIES, episode.get("severity"))),
        Fact(
            "Functional impairment",
            vocabulary.label(vocabulary.FUNCTIONAL_IMPAIRMENTS, episode.get("functional_impairment"), NOT_RECORDED),
        ),
        Fact("Comorbidities", ", ".join(comorbidities) or "None recorded"),
        Fact("Psychosocial stressors", yes_no(episode.get("psychosocial_stressors"))),
    )


def trial_rows(trials: Sequence[Mapping], judged: Sequence[Mapping] = (), catalogue=None) -> tuple[TrialRow, ...]:
    """Trials as entered (§10 input), each with its judgement (§10 result, same order) when staged.

    `catalogue` (a staging.engine.catalogue.Catalogue) supplies the class and adult minimum dose
    of trials that were never staged (an earlier episode's).
    """
    staged = len(judged) == len(trials) and bool(trials)
    rows = []
    for index, trial in enumerate(trials):
        assessment = judged[index] if staged else {}
        entry = catalogue.get(trial["drug"]) if catalogue is not None and not staged else None
        drug_class = assessment.get("drug_class") or trial.get("class") or (entry.drug_class if entry else "")
        minimum = assessment.get("min_adequate_dose_mg")
        if minimum is None:
            minimum = trial.get("min_adequate_dose_mg", entry.min_dose_mg if entry else None)
        outcome = assessment.get("outcome") or _entered_outcome(trial)
        adherence = trial.get("adherence_pct")
        improvement = trial.get("improvement_pct")
        adequate = assessment.get("adequate") if staged else None
        rows.append(
            TrialRow(
                number=index + 1,
                drug=trial["drug"],
                drug_class=drug_class,
                clinician_defined=bool(assessment.get("clinician_defined", "class" in trial)),
                dose=amount(trial.get("dose_mg_per_day")),
                min_dose=amount(minimum),
                dose_below_minimum=minimum is not None and float(trial["dose_mg_per_day"]) < float(minimum),
                weeks=amount(trial.get("weeks_at_dose")),
                started_on=day(trial.get("started_on")),
                ended_on=day(trial.get("ended_on")),
                adherence=f"{amount(adherence)} %" if adherence is not None else "not documented",
                adherence_documented=adherence is not None,
                improvement=f"{amount(improvement)} %" if improvement is not None else "—",
                outcome=vocabulary.label(vocabulary.OUTCOMES, outcome, outcome),
                augmentations=tuple(
                    augmentation_text(item["agent"], item.get("dose_mg_per_day"), item.get("weeks"))
                    for item in trial.get("augmentation") or ()
                ),
                staged=staged,
                adequate=adequate,
                adequacy="" if not staged else ("Adequate" if adequate else "Inadequate"),
                inadequate_reasons=tuple(
                    vocabulary.label(vocabulary.ADEQUACY_REASONS, code, code)
                    for code in assessment.get("inadequate_reasons") or ()
                ),
                counted=bool(assessment.get("counted")),
                counting="" if not staged else ("Counted" if assessment.get("counted") else "Not counted"),
                explanation=assessment.get("explanation", ""),
            )
        )
    return tuple(rows)


def _entered_outcome(trial: Mapping) -> str:
    """An unstaged trial's outcome: the one entered, else what the improvement implies (rules §3.1)."""
    improvement = trial.get("improvement_pct")
    return derive_outcome(trial.get("outcome") or None, None if improvement is None else float(improvement))


def course_rows(ect_courses: Iterable[Mapping], other_courses: Iterable[Mapping]) -> tuple[CourseRow, ...]:
    rows = []
    for course in ect_courses:
        details = vocabulary.label(vocabulary.ELECTRODE_PLACEMENTS, course.get("electrode_placement"))
        if course.get("sessions"):
            details += f", {plural(course['sessions'], 'session')}"
        rows.append(
            CourseRow(
                len(rows) + 1,
                True,
                "ECT",
                details,
                vocabulary.label(vocabulary.OUTCOMES, course.get("outcome"), vocabulary.OUTCOMES["unknown"].label),
                day(course.get("started_on")),
            )
        )
    for course in other_courses:
        weeks = course.get("weeks")
        rows.append(
            CourseRow(
                len(rows) + 1,
                False,
                vocabulary.label(vocabulary.OTHER_COURSE_KINDS, course.get("kind"), course.get("kind", "")),
                f"{amount(weeks)} weeks" if weeks is not None else "—",
                vocabulary.label(vocabulary.OUTCOMES, course.get("outcome"), vocabulary.OUTCOMES["unknown"].label),
                day(course.get("started_on")),
            )
        )
    return tuple(rows)


def screening_rows(statuses: Mapping[str, str]) -> tuple[ScreeningRow, ...]:
    """Every rules §8 item in order; an absent item is not_screened."""
    rows = []
    for item, term in vocabulary.SCREENING_ITEMS.items():
        status = statuses.get(item, "not_screened")
        rows.append(ScreeningRow(term.label, status, vocabulary.label(vocabulary.SCREENING_STATUSES, status, status)))
    return tuple(rows)


def _thase_rush(thase_rush: Mapping) -> Instrument:
    stage = thase_rush.get("stage")
    value = vocabulary.THASE_RUSH_STAGES[stage].label if stage in vocabulary.THASE_RUSH_STAGES else "—"
    return Instrument("Thase–Rush stage", value, "", thase_rush.get("explanation", ""))


def _maudsley(maudsley: Mapping) -> Instrument:
    explanation = maudsley.get("explanation", "")
    if not maudsley.get("applicable"):
        return Instrument("Maudsley Staging Method", "Not applicable", "no counted trial", explanation)
    points = maudsley.get("items") or {}
    items = tuple(
        MaudsleyItem(term.label, points.get(key), MAUDSLEY_RANGES[key])
        for key, term in vocabulary.MAUDSLEY_ITEMS.items()
    )
    category = vocabulary.label(vocabulary.MSM_CATEGORIES, maudsley.get("category"))
    return Instrument("Maudsley Staging Method", f"{maudsley.get('total')} / 15", category, explanation, items)


def _mgh(mgh: Mapping) -> Instrument:
    score = mgh.get("score")
    value = "—" if score is None else f"{float(score):.1f}"  # rules §4.3: a number with one decimal
    return Instrument("MGH staging (MGH-S)", value, "", mgh.get("explanation", ""))


def _classification(classification: Mapping, trials: Sequence[TrialRow]) -> Classification:
    code = classification.get("label")
    term = vocabulary.LABELS.get(code)
    regulatory = bool(classification.get("regulatory_trd"))
    names = [trials[i].name for i in classification.get("regulatory_trd_trials") or () if i < len(trials)]
    chronic = bool(classification.get("chronic"))
    return Classification(
        code=code or "",
        label=term.label if term else "—",
        name=vocabulary.capitalise(term.sentence) if term else "—",
        explanation=classification.get("explanation", ""),
        regulatory_trd=Verdict(
            vocabulary.MET[regulatory].label,
            f"adequate trials of different antidepressants without response: {join_words(names)}."
            if regulatory
            else "fewer than two adequate trials of different antidepressants without response in the current episode.",
            regulatory,
        ),
        chronic=Verdict(
            "Yes" if chronic else "No",
            "more than 24 months since onset." if chronic else "24 months or less since onset.",
            chronic,
        ),
    )


def _flag(flag: Mapping) -> FlagRow:
    code = flag.get("code", "")
    return FlagRow(vocabulary.label(vocabulary.FLAG_KINDS, vocabulary.flag_kind(code), ""), flag.get("message", ""))
