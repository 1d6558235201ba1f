"""Which catalogue drug a medication in a file is: by RxNorm code, by name, by brand name, or by
the closest catalogue name (a misspelling), in that order. A drug none of these finds is
proposed under its own name, marked for the clinician to define (class and minimum dose,
rules §1.2).
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from staging.engine.catalogue import Catalogue

BRAND_NAMES_PATH = Path(__file__).resolve().parent / "data" / "brand_names.csv"
# difflib ratio: "sertralin" → sertraline (0.95), "fluoxetin" → fluoxetine; unrelated names
# ("lithium" vs "sertraline") stay far below.
CLOSE_MATCH_CUTOFF = 0.8
# Words after the name in a product description: "Sertraline 50 mg tablet", "bupropion XL".
_SALTS_AND_FORMS = re.compile(
    r"\b(hydrochloride|hcl|hydrobromide|hbr|oxalate|succinate|maleate|mesylate|fumarate|sulfate|sulphate|"
    r"besylate|sodium|tablets?|capsules?|oral|solution|extended|release|delayed|er|xr|xl|sr|cr|ir|odt|"
    r"film|coated|transdermal|patch|system|mg|milligrams?)\b"
)


@dataclass(frozen=True)
class DrugMatch:
    drug: str  # the catalogue's generic name, or the file's name (lower case) when unmapped
    in_catalogue: bool
    how: str  # in words, for the review page


@functools.cache
def brand_names() -> dict[str, str]:
    lines = [line for line in BRAND_NAMES_PATH.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["name"]: row["drug"] for row in csv.DictReader(lines)}


def _clean(name: str) -> str:
    text = name.lower().replace("_", " ")
    text = re.split(r"\d", text, maxsplit=1)[0]  # the dose and what follows
    text = _SALTS_AND_FORMS.sub(" ", text)
    return " ".join(re.sub(r"[^a-z \-]", " ", text).split())


def match_drug(name: str | None, rxnorm: str | None, catalogue: Catalogue) -> DrugMatch | None:
    """The catalogue drug for a name and/or RxNorm code; None when there is neither."""
    if rxnorm:
        for entry in catalogue.entries:
            if entry.rxnorm and entry.rxnorm == rxnorm:
                return DrugMatch(entry.drug, True, f"RxNorm code {rxnorm}")
    raw = (name or "").strip()
    if not raw:
        return None
    whole = " ".join(raw.lower().split())
    cleaned = _clean(raw)
    brands = brand_names()
    for candidate in dict.fromkeys((whole, cleaned)):
        if not candidate:
            continue
        as_key = candidate.replace(" ", "_")
        if as_key in catalogue:
            return DrugMatch(as_key, True, "generic name")
        if candidate in brands and brands[candidate] in catalogue:
            return DrugMatch(brands[candidate], True, f"brand name “{raw}”")
    if not cleaned:
        return DrugMatch(whole[:80], False, "not in the catalogue")
    # A misspelt generic or brand name: the closest catalogue name, if it is close.
    names = {drug.replace("_", " "): drug for drug in catalogue.drugs}
    names.update({brand: drug for brand, drug in brands.items() if drug in catalogue})
    close = difflib.get_close_matches(cleaned, list(names), n=1, cutoff=CLOSE_MATCH_CUTOFF)
    if close:
        return DrugMatch(names[close[0]], True, f"closest catalogue name to “{raw}” (check the spelling)")
    return DrugMatch(cleaned[:80], False, "not in the catalogue")
