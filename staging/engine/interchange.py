"""JSON interchange of rules §10: records in (`parse_records`), results out (`result_to_dict`).

`parse_records` checks everything before anything is staged and reports every error at once,
each with its path (`[3].trials[1].dose_mg_per_day: must be greater than 0`; without the
leading `[3]` for a single record). `record_to_dict` is its inverse (exports, snapshots), and
`validation_errors` applies the same checks to a StagingInput built elsewhere (the web app).
"""

from __future__ import annotations

import math
import re
from datetime import date

from staging.engine.catalogue import Catalogue, default_catalogue
from staging.engine.inputs import (
    AUGMENTATION_AGENTS,
    COMORBIDITIES,
    DRUG_CLASSES,
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
from staging.engine.outcome import disagreement
from staging.engine.results import StagingResult

__all__ = [
    "InterchangeError",
    "parse_records",
    "record_to_dict",
    "result_to_dict",
    "validation_errors",
]

RECORD_KEYS = frozenset({"age", "assessed_on", "episode", "trials", "ect_courses", "other_courses"})
EPISODE_KEYS = frozenset(
    {"onset", "severity", "functional_impairment", "comorbidities", "psychosocial_stressors", "screening"}
)
TRIAL_KEYS = frozenset(
    {
        "drug",
        "class",
        "min_adequate_dose_mg",
        "dose_mg_per_day",
        "weeks_at_dose",
        "adherence_pct",
        "improvement_pct",
        "outcome",
        "augmentation",
        "started_on",
    }
)
AUGMENTATION_KEYS = frozenset({"agent", "dose_mg_per_day", "weeks"})
ECT_KEYS = frozenset({"electrode_placement", "sessions", "outcome"})
OTHER_COURSE_KEYS = frozenset({"kind", "weeks", "outcome"})

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_AUGMENTATION_AGENTS = frozenset(AUGMENTATION_AGENTS)
# item -> status -> (item, status): the pairs are immutable, so every record shares them
_SCREENING_PAIRS = {item: {status: (item, status) for status in SCREENING_STATUSES} for item in SCREENING_ITEMS}
_MAX_KEY_SHOWN = 60
_REAL_NUMBER_TYPES = frozenset({int, float})  # JSON numbers; bool (a subclass of int) is not one
_INFINITY = math.inf
# Dates repeat from record to record (onsets, assessments, trial starts): each valid one is
# parsed once. The cap keeps a long-running process from growing the cache without bound.
_PARSED_DATES: dict[str, date] = {}
_PARSED_DATES_MAX = 20_000


class InterchangeError(ValueError):
    """The input cannot be staged; `errors` is every (path, message) found, in input order."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors)
        super().__init__("\n".join(f"{path}: {message}" for path, message in self.errors))


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _shown_key(key: str) -> str:
    """Unknown keys are echoed in error paths, shortened so junk input cannot flood the output."""
    return key if len(key) <= _MAX_KEY_SHOWN else key[:_MAX_KEY_SHOWN] + "…"


def _one_of(values) -> str:
    return "must be one of: " + ", ".join(values)


class _Vocabulary:
    """The allowed words of a field: a dict to test membership (each word maps to the module's own
    string, so later look-ups by the engine compare by identity), the tuple's order to list them."""

    __slots__ = ("message", "words")

    def __init__(self, words: tuple[str, ...]):
        self.words = {word: word for word in words}
        self.message = _one_of(words)


_SEVERITIES = _Vocabulary(SEVERITIES)
_FUNCTIONAL_IMPAIRMENTS = _Vocabulary(FUNCTIONAL_IMPAIRMENTS)
_SCREENING_STATUSES = _Vocabulary(SCREENING_STATUSES)
_DRUG_CLASSES = _Vocabulary(DRUG_CLASSES)
_OUTCOMES = _Vocabulary(OUTCOMES)
_ELECTRODE_PLACEMENTS = _Vocabulary(ELECTRODE_PLACEMENTS)
_OTHER_COURSE_KINDS = _Vocabulary(OTHER_COURSE_KINDS)


class _Parser:
    """Walks one input document, collecting every error; returns placeholders (None) where a
    value is invalid so the walk can go on and report the rest."""

    __slots__ = ("catalogue", "catalogue_drugs", "errors")

    def __init__(self, catalogue: Catalogue):
        self.errors: list[tuple[str, str]] = []
        self.catalogue = catalogue
        self.catalogue_drugs = frozenset(catalogue.drugs)  # membership without a method call per trial

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def field_error(self, prefix: str, key: str, message: str) -> None:
        # the path is only built when there is an error: most fields are valid
        self.errors.append((_join(prefix, key), message))

    # ---- scalar fields -------------------------------------------------------------------

    def unknown_keys(self, obj: dict, allowed: frozenset, prefix: str) -> None:
        for key in obj.keys() - allowed:
            self.error(_join(prefix, _shown_key(key)), "unknown key")

    def number(self, value, prefix: str, key: str, *, positive=False, low=None, high=None):
        """A finite JSON number (bools are not numbers); None after reporting an error."""
        kind = type(value)
        if kind is not int and kind is not float:
            self.field_error(prefix, key, "must be a number")
            return None
        if kind is float and not math.isfinite(value):
            self.field_error(prefix, key, "must be a finite number")
            return None
        if positive and value <= 0:
            self.field_error(prefix, key, "must be greater than 0")
            return None
        if low is not None and high is not None and not low <= value <= high:
            self.field_error(prefix, key, f"must be between {low} and {high}")
            return None
        if high is not None and low is None and value > high:
            self.field_error(prefix, key, f"must be at most {high}")
            return None
        return value

    def whole_number(self, value, prefix: str, key: str, low: int, high: int | None = None):
        if type(value) is not int:
            self.field_error(prefix, key, "must be a whole number")
            return None
        if value < low or (high is not None and value > high):
            self.field_error(
                prefix, key, f"must be between {low} and {high}" if high is not None else f"must be at least {low}"
            )
            return None
        return value

    def date(self, value, prefix: str, key: str):
        parsed = _PARSED_DATES.get(value) if type(value) is str else None
        if parsed is not None:
            return parsed
        if type(value) is not str or len(value) != 10 or not _DATE.match(value):
            self.field_error(prefix, key, "must be a date YYYY-MM-DD")
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.field_error(prefix, key, f"is not a valid date ({value})")
            return None
        if len(_PARSED_DATES) < _PARSED_DATES_MAX:
            _PARSED_DATES[value] = parsed
        return parsed

    def choice(self, value, prefix: str, key: str, allowed: _Vocabulary):
        word = allowed.words.get(value) if type(value) is str else None
        if word is None:
            self.field_error(prefix, key, allowed.message)
        return word

    def required(self, obj: dict, key: str, prefix: str):
        value = obj.get(key)
        if value is None:
            self.error(_join(prefix, key), "is required")
        return value

    def list_of_objects(self, value, path: str) -> list:
        if value is None:
            return []
        if type(value) is not list:
            self.error(path, "must be a list")
            return []
        return value

    # ---- structures ----------------------------------------------------------------------

    def record(self, obj, prefix: str) -> StagingInput | None:
        if type(obj) is not dict:
            self.error(prefix or "(input)", "must be an object (one record)")
            return None
        errors_before = len(self.errors)
        if not RECORD_KEYS.issuperset(obj):
            self.unknown_keys(obj, RECORD_KEYS, prefix)
        age = obj.get("age")
        if age is not None and (type(age) is not int or not 0 <= age <= 130):  # a valid age takes no call
            age = self.whole_number(age, prefix, "age", 0, 130)
        assessed_on = self.required(obj, "assessed_on", prefix)
        if assessed_on is not None:
            assessed_on = self.date(assessed_on, prefix, "assessed_on")
        episode = self.episode(self.required(obj, "episode", prefix), _join(prefix, "episode"), assessed_on)
        # Each list's path is only built when there is something in it to walk (most records
        # have no ECT or other course).
        trials = obj.get("trials")
        if trials is None or trials == []:
            trials = ()
        else:
            trials_path = _join(prefix, "trials")
            trials = tuple(
                [
                    self.trial(item, f"{trials_path}[{index}]")
                    for index, item in enumerate(self.list_of_objects(trials, trials_path))
                ]
            )
            self.clinician_defined_consistency(trials, trials_path)
        ect_courses = obj.get("ect_courses")
        if ect_courses is None or ect_courses == []:
            ect_courses = ()
        else:
            ect_path = _join(prefix, "ect_courses")
            ect_courses = tuple(
                [
                    self.ect_course(item, f"{ect_path}[{index}]")
                    for index, item in enumerate(self.list_of_objects(ect_courses, ect_path))
                ]
            )
        other_courses = obj.get("other_courses")
        if other_courses is None or other_courses == []:
            other_courses = ()
        else:
            other_path = _join(prefix, "other_courses")
            other_courses = tuple(
                [
                    self.other_course(item, f"{other_path}[{index}]")
                    for index, item in enumerate(self.list_of_objects(other_courses, other_path))
                ]
            )
        if len(self.errors) != errors_before:
            return None
        return StagingInput(assessed_on, episode, age, trials, ect_courses, other_courses)

    def episode(self, obj, prefix: str, assessed_on: date | None) -> Episode | None:
        if obj is None:
            return None
        if type(obj) is not dict:
            self.error(prefix, "must be an object")
            return None
        if not EPISODE_KEYS.issuperset(obj):
            self.unknown_keys(obj, EPISODE_KEYS, prefix)
        onset = self.required(obj, "onset", prefix)
        if onset is not None:
            onset = self.date(onset, prefix, "onset")
            if onset is not None and assessed_on is not None and onset > assessed_on:
                self.error(_join(prefix, "onset"), f"must not be after assessed_on ({assessed_on.isoformat()})")
        severity = self.required(obj, "severity", prefix)
        if severity is not None:
            severity = self.choice(severity, prefix, "severity", _SEVERITIES)
        impairment = obj.get("functional_impairment")
        if impairment is not None:
            impairment = self.choice(impairment, prefix, "functional_impairment", _FUNCTIONAL_IMPAIRMENTS)
        comorbidities = obj.get("comorbidities")
        if comorbidities is None or comorbidities == []:  # the path is only built when there is something to walk
            comorbidities = ()
        else:
            comorbidities = self.comorbidities(comorbidities, _join(prefix, "comorbidities"))
        stressors = obj.get("psychosocial_stressors")
        if stressors is not None and type(stressors) is not bool:
            self.error(_join(prefix, "psychosocial_stressors"), "must be true or false")
        screening = obj.get("screening")
        screening = () if screening is None else self.screening(screening, _join(prefix, "screening"))
        return Episode(onset, severity, impairment, comorbidities, stressors, screening)

    def comorbidities(self, value, path: str) -> tuple[str, ...]:
        if type(value) is not list:
            self.error(path, "must be a list")
            return ()
        seen = []
        for index, item in enumerate(value):
            if type(item) is not str or item not in COMORBIDITIES:
                self.error(f"{path}[{index}]", _one_of(COMORBIDITIES))
            else:
                if item in seen:
                    self.error(f"{path}[{index}]", f"{item} is listed twice")
                else:
                    seen.append(item)
        return tuple(seen)

    def screening(self, value, path: str) -> tuple[tuple[str, str], ...]:
        if type(value) is not dict:
            self.error(path, "must be an object {item: status}")
            return ()
        pairs = []
        for item, status in value.items():
            pair_for_status = _SCREENING_PAIRS.get(item)
            if pair_for_status is None:
                self.error(
                    _join(path, _shown_key(item)),
                    "unknown screening item (rules §8: " + ", ".join(SCREENING_ITEMS) + ")",
                )
                continue
            pair = pair_for_status.get(status) if type(status) is str else None
            if pair is None:
                self.choice(status, path, item, _SCREENING_STATUSES)  # words the error
            else:
                pairs.append(pair)  # one shared (item, status) tuple per combination
        return tuple(pairs)

    def trial(self, obj, prefix: str) -> Trial | None:
        if type(obj) is not dict:
            self.error(prefix, "must be an object")
            return None
        if not TRIAL_KEYS.issuperset(obj):
            self.unknown_keys(obj, TRIAL_KEYS, prefix)
        drug = self.required(obj, "drug", prefix)
        drug_class = obj.get("class")
        min_dose = obj.get("min_adequate_dose_mg")
        if drug is not None:
            if type(drug) is str and drug in self.catalogue_drugs:  # the usual case first
                # rules §1.2: class and minimum dose come from the catalogue
                if drug_class is not None:
                    self.error(_join(prefix, "class"), f"only for a drug not in the catalogue ({drug} is in it)")
                if min_dose is not None:
                    self.error(
                        _join(prefix, "min_adequate_dose_mg"), f"only for a drug not in the catalogue ({drug} is in it)"
                    )
            elif type(drug) is not str or not drug.strip():
                self.error(_join(prefix, "drug"), "must be a drug name (text)")
                drug = None
            elif drug.strip().lower() in self.catalogue_drugs:
                self.error(
                    _join(prefix, "drug"),
                    f"unknown drug {drug!r}: catalogue names are lower case ({drug.strip().lower()!r})",
                )
            else:
                # rules §1.2: a clinician-defined drug needs both
                if drug_class is None:
                    self.error(_join(prefix, "class"), f"is required for a drug not in the catalogue ({drug})")
                if min_dose is None:
                    self.error(
                        _join(prefix, "min_adequate_dose_mg"), f"is required for a drug not in the catalogue ({drug})"
                    )
        if drug_class is not None:
            drug_class = self.choice(drug_class, prefix, "class", _DRUG_CLASSES)
        if min_dose is not None:
            min_dose = self.number(min_dose, prefix, "min_adequate_dose_mg", positive=True)
        # The numbers: a value of the right type inside its range (the usual case, NaN and
        # infinities fail the comparisons) is taken as it is; anything else goes to self.number,
        # which words the error.
        dose = obj.get("dose_mg_per_day")
        if dose is None:
            self.error(_join(prefix, "dose_mg_per_day"), "is required")
        elif type(dose) not in _REAL_NUMBER_TYPES or not 0 < dose < _INFINITY:
            dose = self.number(dose, prefix, "dose_mg_per_day", positive=True)
        weeks = obj.get("weeks_at_dose")
        if weeks is None:
            self.error(_join(prefix, "weeks_at_dose"), "is required")
        elif type(weeks) not in _REAL_NUMBER_TYPES or not 0 < weeks < _INFINITY:
            weeks = self.number(weeks, prefix, "weeks_at_dose", positive=True)
        adherence = obj.get("adherence_pct")
        if adherence is not None and (type(adherence) not in _REAL_NUMBER_TYPES or not 0 <= adherence <= 100):
            adherence = self.number(adherence, prefix, "adherence_pct", low=0, high=100)
        improvement = obj.get("improvement_pct")
        if improvement is not None and (
            type(improvement) not in _REAL_NUMBER_TYPES or not -_INFINITY < improvement <= 100
        ):
            improvement = self.number(improvement, prefix, "improvement_pct", high=100)
        outcome = obj.get("outcome")
        if outcome is not None:
            outcome = self.choice(outcome, prefix, "outcome", _OUTCOMES)
            # rules §3.1: explicit outcome and improvement must agree
            problem = disagreement(outcome, improvement) if outcome is not None else None
            if problem:
                self.error(_join(prefix, "outcome"), f"{problem}, in {prefix.rsplit('.', 1)[-1]} ({drug})")
        augmentation = obj.get("augmentation")
        if augmentation is not None and augmentation != []:  # the path is only built when there is something to walk
            augmentation_path = _join(prefix, "augmentation")
            augmentation = tuple(
                [
                    self.augmentation(item, f"{augmentation_path}[{index}]")
                    for index, item in enumerate(self.list_of_objects(augmentation, augmentation_path))
                ]
            )
        else:
            augmentation = ()
        started_on = obj.get("started_on")
        if started_on is not None:
            started_on = self.date(started_on, prefix, "started_on")
        return Trial(drug, dose, weeks, adherence, improvement, outcome, augmentation, started_on, drug_class, min_dose)

    def clinician_defined_consistency(self, trials, trials_path: str) -> None:
        """A clinician-defined drug tried twice must keep one class and minimum dose (§3.3
        compares its trials as one drug)."""
        first: dict[str, tuple[int, Trial]] = {}
        for index, trial in enumerate(trials):
            if trial is None or trial.drug_class is None or trial.drug in self.catalogue_drugs:
                continue
            if trial.drug in first:
                first_index, earlier = first[trial.drug]
                if (earlier.drug_class, earlier.min_adequate_dose_mg) != (trial.drug_class, trial.min_adequate_dose_mg):
                    self.error(
                        f"{trials_path}[{index}]",
                        f"{trial.drug} has a different class or minimum dose than in trials[{first_index}]",
                    )
            else:
                first[trial.drug] = (index, trial)

    def augmentation(self, obj, prefix: str) -> Augmentation | None:
        if type(obj) is not dict:
            self.error(prefix, "must be an object {agent, dose_mg_per_day?, weeks?}")
            return None
        if not AUGMENTATION_KEYS.issuperset(obj):
            self.unknown_keys(obj, AUGMENTATION_KEYS, prefix)
        agent = self.required(obj, "agent", prefix)
        if agent is not None and (
            type(agent) is not str or (agent not in _AUGMENTATION_AGENTS and agent not in self.catalogue_drugs)
        ):
            # rules §2.2
            self.error(
                _join(prefix, "agent"),
                "must be an augmentation agent of rules §2.2 ("
                + ", ".join(AUGMENTATION_AGENTS)
                + ") or a catalogue antidepressant",
            )
            agent = None
        dose = obj.get("dose_mg_per_day")
        if dose is not None:
            dose = self.number(dose, prefix, "dose_mg_per_day", positive=True)
        weeks = obj.get("weeks")
        if weeks is not None:
            weeks = self.number(weeks, prefix, "weeks", positive=True)
        return Augmentation(agent, dose, weeks)

    def ect_course(self, obj, prefix: str) -> EctCourse | None:
        if type(obj) is not dict:
            self.error(prefix, "must be an object")
            return None
        if not ECT_KEYS.issuperset(obj):
            self.unknown_keys(obj, ECT_KEYS, prefix)
        placement = self.required(obj, "electrode_placement", prefix)
        if placement is not None:
            placement = self.choice(placement, prefix, "electrode_placement", _ELECTRODE_PLACEMENTS)
        outcome = self.required(obj, "outcome", prefix)
        if outcome is not None:
            outcome = self.choice(outcome, prefix, "outcome", _OUTCOMES)
        sessions = obj.get("sessions")
        if sessions is not None:
            sessions = self.whole_number(sessions, prefix, "sessions", 1)
        return EctCourse(placement, outcome, sessions)

    def other_course(self, obj, prefix: str) -> OtherCourse | None:
        if type(obj) is not dict:
            self.error(prefix, "must be an object")
            return None
        if not OTHER_COURSE_KEYS.issuperset(obj):
            self.unknown_keys(obj, OTHER_COURSE_KEYS, prefix)
        kind = self.required(obj, "kind", prefix)
        if kind is not None:
            kind = self.choice(kind, prefix, "kind", _OTHER_COURSE_KINDS)
        weeks = obj.get("weeks")
        if weeks is not None:
            weeks = self.number(weeks, prefix, "weeks", positive=True)
        outcome = obj.get("outcome")
        if outcome is not None:
            outcome = self.choice(outcome, prefix, "outcome", _OUTCOMES)
        return OtherCourse(kind, weeks, outcome)


def parse_records(obj, catalogue: Catalogue | None = None) -> tuple[list[StagingInput], bool]:
    """rules §10 input -> (records, whether the input was a list). Raises InterchangeError with
    every error found; nothing is returned unless the whole input is valid."""
    parser = _Parser(catalogue or default_catalogue())
    if type(obj) is list:
        records = [parser.record(item, f"[{index}]") for index, item in enumerate(obj)]
        is_list = True
    elif type(obj) is dict:
        records = [parser.record(obj, "")]
        is_list = False
    else:
        raise InterchangeError([("(input)", "must be a record (JSON object) or a list of records")])
    if parser.errors:
        raise InterchangeError(parser.errors)
    return records, is_list


def validation_errors(record: StagingInput, catalogue: Catalogue | None = None) -> list[tuple[str, str]]:
    """The errors parse_records would report for this record (for inputs built by the web app)."""
    try:
        parse_records(record_to_dict(record), catalogue)
    except InterchangeError as error:
        return error.errors
    return []


# ---- output ---------------------------------------------------------------------------------


def _drop_none(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value is not None}


def record_to_dict(record: StagingInput) -> dict:
    """The rules §10 JSON of a record (the inverse of parse_records); absent values are omitted."""
    episode = record.episode
    return _drop_none(
        {
            "age": record.age,
            "assessed_on": _iso(record.assessed_on),
            "episode": _drop_none(
                {
                    "onset": _iso(episode.onset),
                    "severity": episode.severity,
                    "functional_impairment": episode.functional_impairment,
                    "comorbidities": list(episode.comorbidities),
                    "psychosocial_stressors": episode.psychosocial_stressors,
                    "screening": dict(episode.screening),
                }
            ),
            "trials": [
                _drop_none(
                    {
                        "drug": trial.drug,
                        "class": trial.drug_class,
                        "min_adequate_dose_mg": trial.min_adequate_dose_mg,
                        "dose_mg_per_day": trial.dose_mg_per_day,
                        "weeks_at_dose": trial.weeks_at_dose,
                        "adherence_pct": trial.adherence_pct,
                        "improvement_pct": trial.improvement_pct,
                        "outcome": trial.outcome,
                        "augmentation": [
                            _drop_none(
                                {"agent": item.agent, "dose_mg_per_day": item.dose_mg_per_day, "weeks": item.weeks}
                            )
                            for item in trial.augmentation
                        ],
                        "started_on": _iso(trial.started_on),
                    }
                )
                for trial in record.trials
            ],
            "ect_courses": [
                _drop_none(
                    {
                        "electrode_placement": course.electrode_placement,
                        "sessions": course.sessions,
                        "outcome": course.outcome,
                    }
                )
                for course in record.ect_courses
            ],
            "other_courses": [
                _drop_none({"kind": course.kind, "weeks": course.weeks, "outcome": course.outcome})
                for course in record.other_courses
            ],
        }
    )


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def result_to_dict(result: StagingResult) -> dict:
    """The rules §10 output of one record (with the extra keys agreed for the web app)."""
    thase_rush = result.thase_rush
    maudsley = result.maudsley
    mgh = result.mgh
    classification = result.classification
    dtd = result.dtd
    items = maudsley.items
    return {
        "ruleset": result.ruleset,
        "trials": [
            {
                "drug": trial.drug,
                "drug_class": trial.drug_class,
                "clinician_defined": trial.clinician_defined,
                "min_adequate_dose_mg": trial.min_adequate_dose_mg,
                "adequate": trial.adequate,
                "inadequate_reasons": list(trial.inadequate_reasons),
                "outcome": trial.outcome,
                "counted": trial.counted,
                "explanation": trial.explanation,
            }
            for trial in result.trials
        ],
        "thase_rush": {
            "stage": thase_rush.stage,
            "counted_trials": list(thase_rush.counted_trials),
            "explanation": thase_rush.explanation,
            "interpretation_notes": list(thase_rush.interpretation_notes),
        },
        "maudsley": {
            "applicable": maudsley.applicable,
            "total": maudsley.total,
            "category": maudsley.category,
            "items": None
            if items is None
            else {
                "duration": items.duration,
                "severity": items.severity,
                "antidepressants": items.antidepressants,
                "augmentation": items.augmentation,
                "ect": items.ect,
            },
            "counted_trials": list(maudsley.counted_trials),
            "explanation": maudsley.explanation,
            "interpretation_notes": list(maudsley.interpretation_notes),
        },
        "mgh": {
            "score": mgh.score,
            "counted_trials": list(mgh.counted_trials),
            "explanation": mgh.explanation,
            "interpretation_notes": list(mgh.interpretation_notes),
        },
        "classification": {
            "label": classification.label,
            "regulatory_trd": classification.regulatory_trd,
            "regulatory_trd_trials": list(classification.regulatory_trd_trials),
            "chronic": classification.chronic,
            "most_recent_trial": classification.most_recent_trial,
            "explanation": classification.explanation,
            "interpretation_notes": list(classification.interpretation_notes),
        },
        "dtd": {"met": dtd.met, "reasons": list(dtd.reasons), "complexity_factors": list(dtd.complexity_factors)},
        "flags": [{"code": flag.code, "message": flag.message, "trial": flag.trial} for flag in result.flags],
    }
