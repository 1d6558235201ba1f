"""The antidepressant catalogue: class and minimum adequate doses per drug (rules §2, §9).

The data live in `data/catalogue.csv` (sources in `data/README.md`). The file is read once,
validated row by row, and every bad row is reported at once with its line number, so a site
editing the file sees all its mistakes in one go (the Django system check `staging.E001`
turns a `CatalogueError` into a start-up failure).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path

from staging.engine.inputs import DRUG_CLASSES, RULESET_ID
from staging.engine.text import plural

SHIPPED_CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.csv"
# SHA-256 of the shipped file (line endings normalised to \n). Any other content is a site
# edit, and the ruleset id then changes (rules §2). Update together with the file.
SHIPPED_CATALOGUE_SHA256 = "9db351986b61e281a3acc5c9d8d0fc6322c98a2a5880a5d34a1f9f03456837c8"

HEADER = ("drug", "class", "min_dose_mg", "min_dose_65_mg", "source", "rxnorm", "atc")
# A site copy made before the code columns existed is still read (its drugs then have no codes).
HEADER_WITHOUT_CODES = HEADER[:5]
_DRUG_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
# RxNorm ingredient RXCUI (digits) and WHO ATC 5th level (e.g. N06AB06); both optional (FHIR export).
_RXNORM = re.compile(r"^[0-9]{1,10}$")
_ATC = re.compile(r"^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$")


class CatalogueError(ValueError):
    """The catalogue file is malformed; `errors` holds (line number, message) for every problem."""

    def __init__(self, path: Path | str, errors: list[tuple[int, str]]):
        self.path = str(path)
        self.errors = list(errors)
        lines = [f"{self.path} line {line}: {message}" for line, message in self.errors]
        super().__init__(
            f"the antidepressant catalogue {self.path} has {plural(len(self.errors), 'error')}:\n" + "\n".join(lines)
        )


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    drug: str
    drug_class: str
    min_dose_mg: float
    min_dose_65_mg: float | None
    source: str
    rxnorm: str = ""
    atc: str = ""

    def minimum_dose_for_age(self, age: int | None) -> tuple[float, bool]:
        """(minimum adequate dose, whether the 65+ column was used) — rules §3.2, §9."""
        if age is not None and age >= 65 and self.min_dose_65_mg is not None:
            return self.min_dose_65_mg, True
        return self.min_dose_mg, False


class Catalogue:
    """An immutable, validated catalogue; look-ups are one dict access."""

    __slots__ = ("_by_drug", "entries", "path", "ruleset_id", "sha256")

    def __init__(self, entries, ruleset_id: str, path: Path | str | None = None, sha256: str = ""):
        self.entries: tuple[CatalogueEntry, ...] = tuple(sorted(entries, key=lambda entry: entry.drug))
        self.ruleset_id = ruleset_id
        self.path = None if path is None else str(path)
        self.sha256 = sha256
        self._by_drug = {entry.drug: entry for entry in self.entries}

    def get(self, drug: str) -> CatalogueEntry | None:
        return self._by_drug.get(drug)

    def __contains__(self, drug: object) -> bool:
        return drug in self._by_drug

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def drugs(self) -> tuple[str, ...]:
        return tuple(self._by_drug)

    def __repr__(self) -> str:
        return f"<Catalogue {self.ruleset_id}: {len(self.entries)} drugs from {self.path}>"


def _positive_number(text: str, column: str) -> tuple[float | None, str | None]:
    try:
        value = float(text)
    except ValueError:
        return None, f"{column} {text!r} is not a number"
    if not math.isfinite(value):
        return None, f"{column} {text!r} is not a finite number"
    if value <= 0:
        return None, f"{column} {text!r} must be greater than 0"
    return value, None


def ruleset_id_for(sha256: str) -> str:
    """rules §2: the shipped catalogue is the ruleset (`RULESET_ID`); an edited one names its content."""
    if sha256 == SHIPPED_CATALOGUE_SHA256:
        return RULESET_ID
    return f"{RULESET_ID}+site-{sha256[:8]}"


def parse_catalogue(text: str, path: Path | str = "<catalogue>") -> Catalogue:
    """Validate the CSV text and build the catalogue, or raise CatalogueError with every bad row."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    sha256 = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    errors: list[tuple[int, str]] = []
    entries: list[CatalogueEntry] = []
    first_line_of: dict[str, int] = {}
    header_seen = False
    for line_number, line in enumerate(normalised.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in next(csv.reader([line]))]
        if not header_seen:
            header_seen = True
            columns = tuple(cell.lower() for cell in cells)
            if columns not in (HEADER, HEADER_WITHOUT_CODES):
                errors.append((line_number, f"header must be {','.join(HEADER)} (found {line!r})"))
                columns = HEADER
            continue
        if len(cells) != len(columns):
            errors.append((line_number, f"expected {len(columns)} columns ({','.join(columns)}), found {len(cells)}"))
            continue
        drug, drug_class, min_text, min_65_text, source, *codes = cells
        rxnorm, atc = codes or ("", "")
        row_errors = []
        if not _DRUG_NAME.match(drug):
            row_errors.append(f"drug {drug!r} must be a lower-case generic name (letters, digits, _ or -)")
        elif drug in first_line_of:
            row_errors.append(f"duplicate drug {drug!r} (first on line {first_line_of[drug]})")
        else:
            first_line_of[drug] = line_number
        if drug_class not in DRUG_CLASSES:
            row_errors.append(f"unknown class {drug_class!r} (expected one of {', '.join(DRUG_CLASSES)})")
        min_dose, problem = _positive_number(min_text, "min_dose_mg")
        if problem:
            row_errors.append(problem)
        min_dose_65 = None
        if min_65_text:
            min_dose_65, problem = _positive_number(min_65_text, "min_dose_65_mg")
            if problem:
                row_errors.append(problem)
        if not source:
            row_errors.append("source is empty (ATRQ or label, rules §9)")
        if rxnorm and not _RXNORM.match(rxnorm):
            row_errors.append(f"rxnorm {rxnorm!r} must be an RxNorm ingredient code (digits only) or empty")
        if atc and not _ATC.match(atc):
            row_errors.append(f"atc {atc!r} must be a 7-character WHO ATC code (e.g. N06AB06) or empty")
        if row_errors:
            errors.extend((line_number, f"{drug or '(no drug)'}: {message}") for message in row_errors)
        else:
            entries.append(CatalogueEntry(drug, drug_class, min_dose, min_dose_65, source, rxnorm, atc))
    if not header_seen:
        errors.append((1, f"the file is empty (expected the header {','.join(HEADER)} and one row per drug)"))
    elif not entries and not errors:
        errors.append((1, "the file has no drug rows"))
    if errors:
        raise CatalogueError(path, errors)
    return Catalogue(entries, ruleset_id_for(sha256), path=path, sha256=sha256)


def load_catalogue(path: Path | str) -> Catalogue:
    """Read and validate a catalogue file. Raises CatalogueError (also for unreadable files)."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise CatalogueError(path, [(0, f"cannot read the file: {error.strerror or error}")]) from None
    except UnicodeDecodeError as error:
        raise CatalogueError(
            path, [(0, f"the file is not UTF-8 text ({error.reason} at byte {error.start})")]
        ) from None
    return parse_catalogue(text, path)


@functools.cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, read and validated once per process."""
    return load_catalogue(SHIPPED_CATALOGUE_PATH)
