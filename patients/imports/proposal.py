"""What a file proposes, as stored in ImportBatch.proposal (JSON) until the clinician reviews it.

Each row keeps `source` — where in the file it came from ("entry 4 (MedicationStatement
trial-12)", "row 7") — so an error on the review page names it; `fields` are the values the
entry forms take (the same validation and messages), `notes` what the import did to them
(which catalogue drug a brand name is, a dose computed from a frequency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from patients.imports.reading import MAX_ROWS, ImportFileError
from staging.engine.text import number

KINDS = ("trials", "ect_courses", "other_courses", "scores")
KIND_NAMES = {"trials": "trial", "ect_courses": "ECT course", "other_courses": "course", "scores": "scale score"}


@dataclass
class Proposal:
    episode: dict | None = None
    trials: list[dict] = field(default_factory=list)
    ect_courses: list[dict] = field(default_factory=list)
    other_courses: list[dict] = field(default_factory=list)
    scores: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def add(self, kind: str, source: str, fields: dict, notes=(), unmapped: bool = False) -> None:
        getattr(self, kind).append(
            {"source": source, "fields": fields, "notes": [note for note in notes if note], "unmapped": unmapped}
        )
        if self.row_count() > MAX_ROWS:
            raise ImportFileError(f"The file proposes more than {MAX_ROWS:,} rows; split it into smaller files.")

    def row_count(self) -> int:
        return sum(len(getattr(self, kind)) for kind in KINDS)

    def as_json(self) -> dict:
        return {
            "episode": self.episode,
            **{kind: getattr(self, kind) for kind in KINDS},
            "notices": self.notices,
        }


def number_text(value) -> str:
    """A number as a form field takes it ("20", "7.5"); "" for anything that is not a number."""
    if isinstance(value, bool) or value is None:
        return ""
    try:
        parsed = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return number(parsed) if parsed.is_finite() else ""


def code_text(value) -> str:
    """A code as our forms spell it: "Non-response" → "non_response", "right unilateral" → "right_unilateral"."""
    if not isinstance(value, str):
        return ""
    return "_".join(value.strip().lower().replace("-", " ").split())


def date_text(value) -> str:
    """The date part of a FHIR date or dateTime ("2025-03-04T10:00:00Z" → "2025-03-04")."""
    return value[:10] if isinstance(value, str) else ""
