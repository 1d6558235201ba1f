"""Treatment eligibility profiles as data: reading and validating them (rules §12.1, §12.2).

A profile is one JSON file; a folder of them is read in file-name order. Every problem of every
file is reported at once, each naming the file, the criterion and what is wrong, so a site
editing its profiles sees all its mistakes in one go (the Django system check `staging.E002`
turns a `ProfileError` into a start-up failure). `parse_profile` is pure; `load_profiles`
reads the folder, like `catalogue.load_catalogue` reads the catalogue.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from staging.engine.inputs import COMORBIDITIES, OTHER_COURSE_KINDS, SCALES, SEVERITIES

SHIPPED_PROFILES_DIR = Path(__file__).resolve().parent.parent / "data" / "profiles"

# rules §12.1
TREATMENTS = ("esketamine", "rtms", "vns", "ect", "other")
PROFILE_KEYS = ("id", "version", "title", "treatment", "issuer", "source", "checked_on", "note", "criteria")
SOURCE_KEYS = ("title", "date", "url")
# rules §12.2
ROLES = ("require", "exclude", "caution")
COURSE_KINDS = ("ect", *OTHER_COURSE_KINDS)
DISTINCT = ("drug", "class")
# kind -> its parameters (rules §12.2 table), and which of them must be given
PARAMETERS = {
    "age_at_least": ("years",),
    "failed_trials": ("min", "distinct", "min_weeks", "include_intolerance"),
    "severity_in": ("values",),
    "episode_months_at_least": ("months",),
    "scale_score": ("scales", "at_least", "within_days", "count"),
    "failed_courses": ("kinds", "min", "min_weeks"),
    "failed_treatments": ("min",),
    "comorbidity_any": ("values",),
    "attestation": (),
    "any_of": ("criteria",),
}
REQUIRED_PARAMETERS = {
    "age_at_least": ("years",),
    "failed_trials": ("min",),
    "severity_in": ("values",),
    "episode_months_at_least": ("months",),
    "failed_courses": ("kinds", "min"),
    "failed_treatments": ("min",),
    "comorbidity_any": ("values",),
    "any_of": ("criteria",),
}
KINDS = tuple(PARAMETERS)
MIN_TRIAL_WEEKS = 6  # rules §12.2: failed_trials min_weeks ≥ 6 (the §3.2 adequacy minimum)

_PROFILE_ID = re.compile(r"[a-z0-9._-]+\Z")
_CRITERION_ID = re.compile(r"[a-z0-9_-]+\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_SOURCE_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?\Z")  # a source may be dated by year or month


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of a profile; the parameters not used by its kind keep their defaults."""

    id: str
    role: str | None  # None for an item of an any_of
    kind: str
    text: str
    note: str | None = None
    years: int | None = None
    min: int | None = None
    distinct: str = "drug"
    min_weeks: float | None = None
    include_intolerance: bool = False
    values: tuple[str, ...] = ()
    months: int | None = None
    scales: tuple[str, ...] = SCALES
    at_least: int = 0
    within_days: int | None = None
    count: int = 1
    kinds: tuple[str, ...] = ()
    items: tuple[Criterion, ...] = ()
    # "<profile id>/<criterion id>", the key of rules §1.1 `attestations` (attestation only)
    attestation_key: str | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    version: str
    title: str
    treatment: str
    issuer: str
    source_title: str
    source_date: str
    source_url: str
    checked_on: date
    note: str | None
    criteria: tuple[Criterion, ...]
    file_name: str

    def attestation_criteria(self) -> tuple[Criterion, ...]:
        """Every attestation criterion, those inside an any_of included, in file order."""
        found = []
        for criterion in self.criteria:
            for item in (criterion, *criterion.items):
                if item.kind == "attestation":
                    found.append(item)
        return tuple(found)


class Profiles:
    """The configured profiles, in file-name order (rules §12.1), and the attestation keys they
    define (the only keys `attestations` may hold, rules §1.1)."""

    __slots__ = ("attestation_keys", "by_id", "path", "profiles")

    def __init__(self, profiles, path: Path | str | None = None):
        self.profiles: tuple[Profile, ...] = tuple(profiles)
        self.path = None if path is None else str(path)
        self.by_id = {profile.id: profile for profile in self.profiles}
        self.attestation_keys = frozenset(
            [criterion.attestation_key for profile in self.profiles for criterion in profile.attestation_criteria()]
        )

    def __iter__(self):
        return iter(self.profiles)

    def __len__(self) -> int:
        return len(self.profiles)

    def get(self, profile_id: str) -> Profile | None:
        return self.by_id.get(profile_id)

    def __repr__(self) -> str:
        return f"<Profiles {', '.join(self.by_id)} from {self.path}>"


class ProfileError(ValueError):
    """Malformed profiles; `errors` holds (file name, criterion id or "", problem) for each."""

    def __init__(self, path: Path | str, errors: list[tuple[str, str, str]]):
        self.path = str(path)
        self.errors = list(errors)
        lines = [
            f"{file_name}, criterion {criterion}: {message}" if criterion else f"{file_name}: {message}"
            for file_name, criterion, message in self.errors
        ]
        super().__init__(
            f"the eligibility profiles in {self.path} have {len(self.errors)} "
            f"error{'s' if len(self.errors) != 1 else ''}:\n" + "\n".join(lines)
        )


class _ProfileParser:
    """Collects every problem of one profile file: (criterion id or "", message)."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        self.errors: list[tuple[str, str]] = []

    def error(self, criterion: str, message: str) -> None:
        self.errors.append((criterion, message))

    def text(self, obj: dict, key: str, where: str, *, required=True) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(where, f"{key} is required")
            return None
        if type(value) is not str or not value.strip():
            self.error(where, f"{key} must be non-empty text")
            return None
        return value

    def day(self, value, where: str, key: str, pattern=_DATE) -> str | None:
        if type(value) is not str or not pattern.match(value):
            self.error(
                where, f"{key} must be a date YYYY-MM-DD" + (" (or YYYY-MM, YYYY)" if pattern is _SOURCE_DATE else "")
            )
            return None
        try:
            date.fromisoformat(value if len(value) == 10 else (value + "-01-01")[:10])
        except ValueError:
            self.error(where, f"{key} is not a valid date ({value})")
            return None
        return value

    def whole(self, value, where: str, key: str, low: int, high: int | None = None) -> int | None:
        if type(value) is not int or value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.error(where, f"{key} must be a whole number {bound}")
            return None
        return value

    def words(self, value, where: str, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        if type(value) is not list or not value:
            self.error(where, f"{key} must be a non-empty list of: {', '.join(allowed)}")
            return ()
        bad = [item for item in value if type(item) is not str or item not in allowed]
        if bad:
            self.error(where, f"{key}: {', '.join(map(repr, bad))} not one of: {', '.join(allowed)}")
            return ()
        if len(set(value)) != len(value):
            self.error(where, f"{key} lists a value twice")
        return tuple(value)

    def profile(self, obj) -> Profile | None:
        if type(obj) is not dict:
            self.error("", "must be a JSON object (one profile)")
            return None
        for key in sorted(obj.keys() - set(PROFILE_KEYS)):
            self.error("", f"unknown field {key!r} (fields: {', '.join(PROFILE_KEYS)})")
        profile_id = self.text(obj, "id", "")
        if profile_id is not None and not _PROFILE_ID.match(profile_id):
            self.error("", f"id {profile_id!r} must be lower-case letters, digits, '-', '.' or '_'")
            profile_id = None
        version = obj.get("version")
        if type(version) is int and not isinstance(version, bool):
            version = str(version)  # "version": 1 is as clear as "1"
        elif version is None or type(version) is not str or not version.strip():
            self.error("", "version is required (text or a whole number)")
            version = None
        title = self.text(obj, "title", "")
        treatment = obj.get("treatment")
        if treatment not in TREATMENTS:
            self.error("", f"treatment must be one of: {', '.join(TREATMENTS)}")
        issuer = self.text(obj, "issuer", "")
        source = obj.get("source")
        source_title = source_date = source_url = None
        if type(source) is not dict:
            self.error("", "source is required: an object {title, date, url}")
        else:
            for key in sorted(source.keys() - set(SOURCE_KEYS)):
                self.error("", f"source: unknown field {key!r} (fields: title, date, url)")
            source_title = self.text(source, "title", "")
            source_url = self.text(source, "url", "")
            if source_url is not None and not source_url.startswith(("https://", "http://")):
                self.error("", "source url must start with https:// or http://")
            source_date = self.day(source.get("date"), "", "source date", _SOURCE_DATE)
        checked_on = obj.get("checked_on")
        checked_on = self.day(checked_on, "", "checked_on")
        note = self.text(obj, "note", "", required=False)
        criteria_value = obj.get("criteria")
        criteria: list[Criterion] = []
        if type(criteria_value) is not list or not criteria_value:
            self.error("", "criteria must be a non-empty list")
        else:
            seen: set[str] = set()
            for position, item in enumerate(criteria_value):
                criterion = self.criterion(item, position, profile_id, seen, inside_any_of=False)
                if criterion is not None:
                    criteria.append(criterion)
        if self.errors:
            return None
        return Profile(
            profile_id,
            version,
            title,
            treatment,
            issuer,
            source_title,
            source_date,
            source_url,
            date.fromisoformat(checked_on),
            note,
            tuple(criteria),
            self.file_name,
        )

    def criterion(self, obj, position: int, profile_id, seen: set[str], *, inside_any_of: bool) -> Criterion | None:
        where = f"#{position + 1}"  # until the criterion's own id is known
        if type(obj) is not dict:
            self.error(where, "must be an object {id, role, kind, text, ...}")
            return None
        criterion_id = obj.get("id")
        if type(criterion_id) is not str or not _CRITERION_ID.match(criterion_id):
            self.error(where, "id must be lower-case letters, digits, '_' or '-'")
            criterion_id = None
        else:
            where = criterion_id
            if criterion_id in seen:
                self.error(where, "duplicate id in this profile (any_of items included)")
            seen.add(criterion_id)
        errors_before = len(self.errors)
        kind = obj.get("kind")
        if kind not in PARAMETERS:
            self.error(where, f"unknown kind {kind!r} (kinds: {', '.join(KINDS)})")
            return None
        allowed = {"id", "kind", "text", "note", *PARAMETERS[kind]} | (set() if inside_any_of else {"role"})
        for key in sorted(obj.keys() - allowed):
            if key == "role":
                self.error(where, "an item of any_of has no role")
            else:
                self.error(where, f"unknown parameter {key!r} for kind {kind}")
        for key in REQUIRED_PARAMETERS.get(kind, ()):
            if key not in obj:
                self.error(where, f"{key} is required for kind {kind}")
        role = None
        if not inside_any_of:
            role = obj.get("role")
            if role not in ROLES:
                self.error(where, f"role must be one of: {', '.join(ROLES)}")
        text = self.text(obj, "text", where)
        note = self.text(obj, "note", where, required=False)
        parameters = self.parameters(kind, obj, where, profile_id, seen, inside_any_of)
        if len(self.errors) != errors_before or criterion_id is None:
            return None
        attestation_key = f"{profile_id}/{criterion_id}" if kind == "attestation" else None
        return Criterion(criterion_id, role, kind, text, note, attestation_key=attestation_key, **parameters)

    def parameters(self, kind: str, obj: dict, where: str, profile_id, seen: set[str], inside_any_of: bool) -> dict:
        """The kind's parameters, checked; only those given (the dataclass has the defaults)."""
        found: dict = {}
        if "years" in obj:
            found["years"] = self.whole(obj["years"], where, "years", 0, 130)
        if "min" in obj:
            found["min"] = self.whole(obj["min"], where, "min", 1)
        if "distinct" in obj:
            if obj["distinct"] not in DISTINCT:
                self.error(where, "distinct must be drug or class")
            found["distinct"] = obj["distinct"]
        if "min_weeks" in obj:
            value = obj["min_weeks"]
            low = MIN_TRIAL_WEEKS if kind == "failed_trials" else 0
            if type(value) not in (int, float) or not (value >= low if kind == "failed_trials" else value > 0):
                self.error(where, f"min_weeks must be a number {'at least 6' if low else 'greater than 0'}")
            found["min_weeks"] = value
        if "include_intolerance" in obj:
            if type(obj["include_intolerance"]) is not bool:
                self.error(where, "include_intolerance must be true or false")
            found["include_intolerance"] = obj["include_intolerance"]
        if "values" in obj:
            allowed = SEVERITIES if kind == "severity_in" else COMORBIDITIES
            found["values"] = self.words(obj["values"], where, "values", allowed)
        if "months" in obj:
            found["months"] = self.whole(obj["months"], where, "months", 1)
        if "scales" in obj:
            found["scales"] = self.words(obj["scales"], where, "scales", SCALES)
        if "at_least" in obj:
            found["at_least"] = self.whole(obj["at_least"], where, "at_least", 0)
        if "within_days" in obj:
            found["within_days"] = self.whole(obj["within_days"], where, "within_days", 0)
        if "count" in obj:
            found["count"] = self.whole(obj["count"], where, "count", 1)
        if "kinds" in obj:
            found["kinds"] = self.words(obj["kinds"], where, "kinds", COURSE_KINDS)
        if kind == "any_of" and "criteria" in obj:
            found["items"] = self.any_of_items(obj["criteria"], where, profile_id, seen, inside_any_of)
        return found

    def any_of_items(self, value, where: str, profile_id, seen: set[str], inside_any_of: bool) -> tuple:
        if inside_any_of:
            self.error(where, "an any_of cannot hold another any_of")
            return ()
        if type(value) is not list or len(value) < 2:
            self.error(where, "criteria of any_of must be a list of at least two criteria")
            return ()
        items = []
        for position, item in enumerate(value):
            if type(item) is dict and item.get("kind") == "any_of":
                self.error(item.get("id") or where, "an any_of cannot hold another any_of")
                continue
            criterion = self.criterion(item, position, profile_id, seen, inside_any_of=True)
            if criterion is not None:
                items.append(criterion)
        return tuple(items)


def parse_profile(obj, file_name: str) -> tuple[Profile | None, list[tuple[str, str]]]:
    """(the profile, []) or (None, every (criterion id or "", problem) found)."""
    parser = _ProfileParser(file_name)
    profile = parser.profile(obj)
    return profile, parser.errors


def parse_profiles(documents: list[tuple[str, object]], path: Path | str = "<profiles>") -> Profiles:
    """Profiles from (file name, parsed JSON) pairs, in file-name order; raises ProfileError."""
    errors: list[tuple[str, str, str]] = []
    profiles: list[Profile] = []
    first_file_of: dict[str, str] = {}
    for file_name, document in sorted(documents, key=lambda pair: pair[0]):
        profile, problems = parse_profile(document, file_name)
        errors.extend((file_name, criterion, message) for criterion, message in problems)
        if profile is None:
            continue
        if profile.id in first_file_of:
            errors.append((file_name, "", f"duplicate profile id {profile.id!r} (also in {first_file_of[profile.id]})"))
            continue
        first_file_of[profile.id] = file_name
        profiles.append(profile)
    if errors:
        raise ProfileError(path, errors)
    return Profiles(profiles, path)


def load_profiles(folder: Path | str) -> Profiles:
    """Read and validate every `*.json` file of a folder. Raises ProfileError (also when the
    folder or a file cannot be read, or a file is not JSON)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProfileError(folder, [(str(folder), "", "is not a folder of profiles (*.json files)")])
    documents: list[tuple[str, object]] = []
    errors: list[tuple[str, str, str]] = []
    for file in sorted(folder.glob("*.json")):
        try:
            documents.append((file.name, json.loads(file.read_bytes().decode("utf-8-sig"))))
        except OSError as error:
            errors.append((file.name, "", f"cannot read the file: {error.strerror or error}"))
        except UnicodeDecodeError as error:
            errors.append((file.name, "", f"the file is not UTF-8 text ({error.reason} at byte {error.start})"))
        except json.JSONDecodeError as error:
            errors.append((file.name, "", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"))
    try:
        profiles = parse_profiles(documents, folder)
    except ProfileError as error:
        errors.extend(error.errors)
    if errors:
        errors.sort(key=lambda error: error[0])  # by file; a file's own problems keep their order
        raise ProfileError(folder, errors)
    return profiles


@functools.cache
def default_profiles() -> Profiles:
    """The shipped profiles (rules §12.4), read and validated once per process."""
    return load_profiles(SHIPPED_PROFILES_DIR)
