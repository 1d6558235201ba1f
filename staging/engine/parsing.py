"""Reading rules §10 records: JSON values in, StagingInput out, every error with its path.

Nothing is staged from an invalid input, and the clinician fixes it in one go, so reading does
not stop at the first problem: each field is read by one small function that returns the value,
or None after reporting what is wrong at its path (`[3].trials[1].dose_mg_per_day: must be
greater than 0`; without the leading `[3]` for a single record), and the walk goes on.

A new record field is one line in `_Reader.record` (or `trial`, `episode`, …) naming its key
and how to read it, plus its key in the matching *_KEYS set.
"""

from __future__ import annotations

import math
import re
from datetime import date

from staging.engine.catalogue import Catalogue, default_catalogue
from staging.engine.eligibility import Profiles, default_profiles
from staging.engine.inputs import (
    AUGMENTATION_AGENTS,
    COMORBIDITIES,
    DRUG_CLASSES,
    ELECTRODE_PLACEMENTS,
    FUNCTIONAL_IMPAIRMENTS,
    OTHER_COURSE_KINDS,
    OUTCOMES,
    SCALES,
    SCREENING_ITEMS,
    SCREENING_STATUSES,
    SEVERITIES,
    Augmentation,
    EctCourse,
    Episode,
    OtherCourse,
    ScaleScore,
    StagingInput,
    Trial,
)
from staging.engine.outcome import disagreement
from staging.engine.serialising import record_to_dict
from staging.engine.severity import SCALE_RANGES

__all__ = ["NOT_A_DOCUMENT", "InterchangeError", "parse_record", "parse_records", "validation_errors"]

# rules §10: the keys each object may hold; any other key is an error
RECORD_KEYS = frozenset(
    {"age", "assessed_on", "episode", "trials", "ect_courses", "other_courses", "scale_scores", "attestations"}
)
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
SCALE_SCORE_KEYS = frozenset({"scale", "score", "rated_on"})

NOT_A_DOCUMENT = "must be a record (JSON object) or a list of records"
MAX_KEY_SHOWN = 60  # characters of an unknown key echoed in its path: junk cannot flood the output
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class InterchangeError(ValueError):
    """The input cannot be staged; `errors` is every (path, message) found, in input order."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = list(errors)
        super().__init__("\n".join(f"{path}: {message}" for path, message in self.errors))


def parse_records(
    document, catalogue: Catalogue | None = None, profiles: Profiles | None = None
) -> tuple[list[StagingInput], bool]:
    """rules §10 input (one record or a list) -> (records, whether the input was a list).

    Raises InterchangeError with every error found; nothing is returned unless the whole input
    is valid. `profiles` (default: the shipped ones) define the attestation keys a record may
    hold (rules §1.1)."""
    reader = _Reader(catalogue, profiles)
    if type(document) is list:
        records = [reader.record(item, f"[{index}]") for index, item in enumerate(document)]
    elif type(document) is dict:
        records = [reader.record(document, "")]
    else:
        raise InterchangeError([("(input)", NOT_A_DOCUMENT)])
    if reader.errors:
        raise InterchangeError(reader.errors)
    return records, type(document) is list


def parse_record(
    value, catalogue: Catalogue | None = None, profiles: Profiles | None = None, path: str = ""
) -> StagingInput:
    """One record of a rules §10 input, whose errors are reported under `path` ("[3]" for the
    fourth record of a list; "" for a document that is one record, which must then be an
    object). Raises InterchangeError with every error of this record."""
    if not path and type(value) is not dict:
        raise InterchangeError([("(input)", NOT_A_DOCUMENT)])
    reader = _Reader(catalogue, profiles)
    record = reader.record(value, path)
    if reader.errors:
        raise InterchangeError(reader.errors)
    return record


def validation_errors(
    record: StagingInput, catalogue: Catalogue | None = None, profiles: Profiles | None = None
) -> list[tuple[str, str]]:
    """The errors parse_records would report for this record (for inputs built by the web app)."""
    try:
        parse_records(record_to_dict(record), catalogue, profiles)
    except InterchangeError as error:
        return error.errors
    return []


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _shown_key(key: str) -> str:
    """Input text as it may be echoed in an error: lone surrogates escaped (so the message can
    be printed), and shortened so junk input cannot flood the output."""
    shown = key.encode("utf-8", "backslashreplace").decode("utf-8")
    return shown if len(shown) <= MAX_KEY_SHOWN else shown[:MAX_KEY_SHOWN] + "…"


def _one_of(words) -> str:
    return "must be one of: " + ", ".join(words)


def _is_text(value: str) -> bool:
    """False for a string with a lone surrogate ("\\ud800x" in JSON): it is not Unicode text and
    cannot be written out again."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Reader:
    """Reads records, collecting every error. Each read_* / field method returns the value read,
    or None after reporting an error, so that the walk can go on and report the rest."""

    def __init__(self, catalogue: Catalogue | None, profiles: Profiles | None):
        self.catalogue = default_catalogue() if catalogue is None else catalogue
        profiles = default_profiles() if profiles is None else profiles
        self.attestation_keys = profiles.attestation_keys  # rules §1.1: the only keys allowed
        self.errors: list[tuple[str, str]] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    # ---- how an object's fields are looked up ---------------------------------------------

    def required(self, obj: dict, key: str, path: str, read, *args, **kwargs):
        """obj[key] read by `read`; absent or null is an error."""
        value = obj.get(key)
        if value is None:
            self.error(_at(path, key), "is required")
            return None
        return read(value, _at(path, key), *args, **kwargs)

    def optional(self, obj: dict, key: str, path: str, read, *args, **kwargs):
        """obj[key] read by `read`; absent or null is None."""
        value = obj.get(key)
        if value is None:
            return None
        return read(value, _at(path, key), *args, **kwargs)

    def known_keys(self, obj: dict, allowed: frozenset, path: str) -> None:
        if allowed.issuperset(obj):  # the usual case
            return
        for key in obj:
            if key not in allowed:
                self.error(_at(path, _shown_key(key)), "unknown key")

    def items(self, value, path: str, read_item, *args) -> tuple:
        """A list of objects, each read by `read_item`; absent, null or [] is ()."""
        if value is None or value == []:
            return ()
        if type(value) is not list:
            self.error(path, "must be a list")
            return ()
        return tuple(read_item(item, f"{path}[{index}]", *args) for index, item in enumerate(value))

    # ---- values ----------------------------------------------------------------------------

    def number(self, value, path: str, *, positive=False, low=None, high=None):
        """A finite JSON number (true and false are not numbers)."""
        if type(value) is not int and type(value) is not float:
            self.error(path, "must be a number")
        elif type(value) is float and not math.isfinite(value):
            self.error(path, "must be a finite number")
        elif positive and value <= 0:
            self.error(path, "must be greater than 0")
        elif low is not None and not low <= value <= high:
            self.error(path, f"must be between {low} and {high}")
        elif high is not None and value > high:
            self.error(path, f"must be at most {high}")
        else:
            return value
        return None

    def whole_number(self, value, path: str, low: int, high: int | None = None):
        if type(value) is not int:
            self.error(path, "must be a whole number")
        elif high is None and value < low:
            self.error(path, f"must be at least {low}")
        elif high is not None and not low <= value <= high:
            self.error(path, f"must be between {low} and {high}")
        else:
            return value
        return None

    def boolean(self, value, path: str):
        if type(value) is not bool:
            self.error(path, "must be true or false")
            return None
        return value

    def date(self, value, path: str):
        """rules §10: YYYY-MM-DD."""
        if type(value) is not str or not _DATE.match(value):
            self.error(path, "must be a date YYYY-MM-DD")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(path, f"is not a valid date ({value})")
            return None

    def choice(self, value, path: str, allowed: tuple[str, ...]):
        if type(value) is not str or value not in allowed:
            self.error(path, _one_of(allowed))
            return None
        return value

    # ---- a record --------------------------------------------------------------------------

    def record(self, obj, path: str) -> StagingInput | None:
        """rules §1, §10: one record; None when it has an error."""
        if type(obj) is not dict:
            # an item of a list (parse_record and parse_records refuse a top-level non-object)
            self.error(path, "must be an object (one record)")
            return None
        errors_before = len(self.errors)
        self.known_keys(obj, RECORD_KEYS, path)
        age = self.optional(obj, "age", path, self.whole_number, 0, 130)
        assessed_on = self.required(obj, "assessed_on", path, self.date)
        episode = self.required(obj, "episode", path, self.episode, assessed_on)
        trials = self.items(obj.get("trials"), _at(path, "trials"), self.trial)
        self.clinician_defined_consistency(trials, _at(path, "trials"))
        ect_courses = self.items(obj.get("ect_courses"), _at(path, "ect_courses"), self.ect_course)
        other_courses = self.items(obj.get("other_courses"), _at(path, "other_courses"), self.other_course)
        scale_scores = self.items(obj.get("scale_scores"), _at(path, "scale_scores"), self.scale_score, assessed_on)
        attestations = self.optional(obj, "attestations", path, self.attestations) or ()
        if len(self.errors) != errors_before:
            return None
        return StagingInput(assessed_on, episode, age, trials, ect_courses, other_courses, scale_scores, attestations)

    def episode(self, obj, path: str, assessed_on: date | None) -> Episode | None:
        """rules §1.1."""
        if type(obj) is not dict:
            self.error(path, "must be an object")
            return None
        self.known_keys(obj, EPISODE_KEYS, path)
        onset = self.required(obj, "onset", path, self.date)
        if onset is not None and assessed_on is not None and onset > assessed_on:
            self.error(_at(path, "onset"), f"must not be after assessed_on ({assessed_on.isoformat()})")
        return Episode(
            onset=onset,
            severity=self.required(obj, "severity", path, self.choice, SEVERITIES),
            functional_impairment=self.optional(
                obj, "functional_impairment", path, self.choice, FUNCTIONAL_IMPAIRMENTS
            ),
            comorbidities=self.optional(obj, "comorbidities", path, self.comorbidities) or (),
            psychosocial_stressors=self.optional(obj, "psychosocial_stressors", path, self.boolean),
            screening=self.optional(obj, "screening", path, self.screening) or (),
        )

    def comorbidities(self, value, path: str) -> tuple[str, ...]:
        """rules §1.1: a subset of COMORBIDITIES, each listed once."""
        if type(value) is not list:
            self.error(path, "must be a list")
            return ()
        seen: list[str] = []
        for index, item in enumerate(value):
            if type(item) is not str or item not in COMORBIDITIES:
                self.error(f"{path}[{index}]", _one_of(COMORBIDITIES))
            elif item in seen:
                self.error(f"{path}[{index}]", f"{item} is listed twice")
            else:
                seen.append(item)
        return tuple(seen)

    def screening(self, value, path: str) -> tuple[tuple[str, str], ...]:
        """rules §8: {item: status}; absent items are not_screened."""
        if type(value) is not dict:
            self.error(path, "must be an object {item: status}")
            return ()
        pairs = []
        for item, status in value.items():
            if item not in SCREENING_ITEMS:
                self.error(
                    _at(path, _shown_key(item)), "unknown screening item (rules §8: " + ", ".join(SCREENING_ITEMS) + ")"
                )
                continue
            status = self.choice(status, _at(path, item), SCREENING_STATUSES)
            if status is not None:
                pairs.append((item, status))
        return tuple(pairs)

    def trial(self, obj, path: str) -> Trial | None:
        """rules §1.2."""
        if type(obj) is not dict:
            self.error(path, "must be an object")
            return None
        self.known_keys(obj, TRIAL_KEYS, path)
        drug = self.required(obj, "drug", path, self.drug)
        self.drug_definition(obj, drug, path)
        drug_class = self.optional(obj, "class", path, self.choice, DRUG_CLASSES)
        min_dose = self.optional(obj, "min_adequate_dose_mg", path, self.number, positive=True)
        dose = self.required(obj, "dose_mg_per_day", path, self.number, positive=True)
        weeks = self.required(obj, "weeks_at_dose", path, self.number, positive=True)
        adherence = self.optional(obj, "adherence_pct", path, self.number, low=0, high=100)
        improvement = self.optional(obj, "improvement_pct", path, self.number, high=100)
        outcome = self.optional(obj, "outcome", path, self.choice, OUTCOMES)
        problem = disagreement(outcome, improvement)  # rules §3.1: explicit outcome and improvement agree
        if problem:
            self.error(_at(path, "outcome"), f"{problem}, in {path.rsplit('.', 1)[-1]} ({drug})")
        augmentation = self.items(obj.get("augmentation"), _at(path, "augmentation"), self.augmentation)
        started_on = self.optional(obj, "started_on", path, self.date)
        return Trial(drug, dose, weeks, adherence, improvement, outcome, augmentation, started_on, drug_class, min_dose)

    def drug(self, value, path: str):
        """rules §1.2: a catalogue name (lower case), or any other name for a clinician-defined drug."""
        if type(value) is not str or not value.strip():
            self.error(path, "must be a drug name (text)")
            return None
        if not _is_text(value):
            self.error(path, f"is not valid text: {_shown_key(value)} holds a lone surrogate")
            return None
        if value not in self.catalogue and value.strip().lower() in self.catalogue:
            self.error(path, f"unknown drug {value!r}: catalogue names are lower case ({value.strip().lower()!r})")
        return value

    def drug_definition(self, obj: dict, drug: str | None, path: str) -> None:
        """rules §1.2: class and minimum dose come from the catalogue; a drug not in it needs both."""
        if drug is None:
            return
        for key in ("class", "min_adequate_dose_mg"):
            if drug in self.catalogue and obj.get(key) is not None:
                self.error(_at(path, key), f"only for a drug not in the catalogue ({drug} is in it)")
            elif drug.strip().lower() not in self.catalogue and obj.get(key) is None:
                self.error(_at(path, key), f"is required for a drug not in the catalogue ({drug})")

    def clinician_defined_consistency(self, trials: tuple, path: str) -> None:
        """A clinician-defined drug tried twice must keep one class and minimum dose (§3.3
        compares its trials as one drug)."""
        first: dict[str, tuple[int, Trial]] = {}
        for index, trial in enumerate(trials):
            if trial is None or trial.drug_class is None or trial.drug in self.catalogue:
                continue
            if trial.drug not in first:
                first[trial.drug] = (index, trial)
                continue
            first_index, earlier = first[trial.drug]
            if (earlier.drug_class, earlier.min_adequate_dose_mg) != (trial.drug_class, trial.min_adequate_dose_mg):
                self.error(
                    f"{path}[{index}]",
                    f"{trial.drug} has a different class or minimum dose than in trials[{first_index}]",
                )

    def augmentation(self, obj, path: str) -> Augmentation | None:
        """rules §1.2, §2.2: {agent, dose_mg_per_day?, weeks?}."""
        if type(obj) is not dict:
            self.error(path, "must be an object {agent, dose_mg_per_day?, weeks?}")
            return None
        self.known_keys(obj, AUGMENTATION_KEYS, path)
        return Augmentation(
            agent=self.required(obj, "agent", path, self.augmentation_agent),
            dose_mg_per_day=self.optional(obj, "dose_mg_per_day", path, self.number, positive=True),
            weeks=self.optional(obj, "weeks", path, self.number, positive=True),
        )

    def augmentation_agent(self, value, path: str):
        # rules §2.2: a listed agent, or any catalogue antidepressant added to another
        if type(value) is not str or (value not in AUGMENTATION_AGENTS and value not in self.catalogue):
            self.error(
                path,
                "must be an augmentation agent of rules §2.2 ("
                + ", ".join(AUGMENTATION_AGENTS)
                + ") or a catalogue antidepressant",
            )
            return None
        return value

    def ect_course(self, obj, path: str) -> EctCourse | None:
        """rules §1.3."""
        if type(obj) is not dict:
            self.error(path, "must be an object")
            return None
        self.known_keys(obj, ECT_KEYS, path)
        return EctCourse(
            electrode_placement=self.required(obj, "electrode_placement", path, self.choice, ELECTRODE_PLACEMENTS),
            outcome=self.required(obj, "outcome", path, self.choice, OUTCOMES),
            sessions=self.optional(obj, "sessions", path, self.whole_number, 1),
        )

    def other_course(self, obj, path: str) -> OtherCourse | None:
        """rules §1.3."""
        if type(obj) is not dict:
            self.error(path, "must be an object")
            return None
        self.known_keys(obj, OTHER_COURSE_KEYS, path)
        return OtherCourse(
            kind=self.required(obj, "kind", path, self.choice, OTHER_COURSE_KINDS),
            weeks=self.optional(obj, "weeks", path, self.number, positive=True),
            outcome=self.optional(obj, "outcome", path, self.choice, OUTCOMES),
        )

    def scale_score(self, obj, path: str, assessed_on: date | None) -> ScaleScore | None:
        """rules §1.1: {scale, score, rated_on}, the score a whole number in the scale's range."""
        if type(obj) is not dict:
            self.error(path, "must be an object {scale, score, rated_on}")
            return None
        self.known_keys(obj, SCALE_SCORE_KEYS, path)
        scale = self.required(obj, "scale", path, self.choice, SCALES)
        low, high = SCALE_RANGES[scale] if scale is not None else (0, None)
        score = self.required(obj, "score", path, self.whole_number, low, high)
        rated_on = self.required(obj, "rated_on", path, self.date)
        if rated_on is not None and assessed_on is not None and rated_on > assessed_on:
            self.error(_at(path, "rated_on"), f"must not be after assessed_on ({assessed_on.isoformat()})")
        return ScaleScore(scale, score, rated_on)

    def attestations(self, value, path: str) -> tuple[tuple[str, bool], ...]:
        """rules §1.1: {"<profile id>/<criterion id>": true | false}, keys of configured profiles only."""
        if type(value) is not dict:
            self.error(path, 'must be an object {"<profile id>/<criterion id>": true or false}')
            return ()
        pairs = []
        for key, answer in value.items():
            if key not in self.attestation_keys:
                self.error(
                    _at(path, _shown_key(key)),
                    "names no attestation criterion of a configured eligibility profile (rules §12)",
                )
            elif type(answer) is not bool:
                self.error(_at(path, _shown_key(key)), "must be true or false")
            else:
                pairs.append((key, answer))
        return tuple(pairs)
