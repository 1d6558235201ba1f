"""Severity suggestion from a rating-scale score (rules §1.1).

The suggestion is only that: the clinician confirms or overrides it, and the confirmed episode
severity is what the instruments use. `subsyndromal` and `severe_psychotic` are never suggested
(they are clinical judgements).
"""

from __future__ import annotations

from dataclasses import dataclass

from staging.engine import inputs


@dataclass(frozen=True, slots=True)
class Band:
    name: str  # none / mild / moderate / severe
    low: int
    high: int


@dataclass(frozen=True, slots=True)
class Scale:
    name: str
    maximum: int
    bands: tuple[Band, ...]
    source: str
    note: str = ""  # shown for scores in note_range
    note_range: tuple[int, int] = (1, 0)


class SeveritySuggestion(str):
    """The suggested band, as a plain string ("none", "mild", "moderate" or "severe"), that also
    carries its words: the band text ("MADRS 20–34: moderate"), the source and a one-line
    explanation for the form. A str subclass so callers may compare it directly."""

    __slots__ = ("band", "band_text", "scale", "score", "source")

    def __new__(cls, severity: str, scale: str, score: int, band: str, band_text: str, source: str):
        suggestion = super().__new__(cls, severity)
        suggestion.scale = scale
        suggestion.score = score
        suggestion.band = band  # the score range of the band, e.g. "20–34" or "≥ 35"
        suggestion.band_text = band_text  # e.g. "MADRS 20–34: moderate"
        suggestion.source = source
        return suggestion

    def __reduce__(self):
        return (SeveritySuggestion, (str(self), self.scale, self.score, self.band, self.band_text, self.source))

    @property
    def severity(self) -> str:
        return str(self)

    @property
    def explanation(self) -> str:
        return (
            f"Suggested from {self.scale} {self.score} ({self.band_text}; {self.source}); "
            "confirm or override — the clinician-rated severity is what counts."
        )


def _scale(
    name: str, maximum: int, cuts: tuple[int, int, int], source: str, note: str = "", note_range=(1, 0)
) -> Scale:
    """cuts = first score of mild, moderate, severe."""
    mild, moderate, severe = cuts
    return Scale(
        name,
        maximum,
        (
            Band("none", 0, mild - 1),
            Band("mild", mild, moderate - 1),
            Band("moderate", moderate, severe - 1),
            Band("severe", severe, maximum),
        ),
        source,
        note,
        note_range,
    )


# rules §1.1 (published bands)
SCALES: dict[str, Scale] = {
    "MADRS": _scale("MADRS", 60, (7, 20, 35), "Snaith 1986"),
    "HAM-D17": _scale("HAM-D17", 52, (8, 17, 24), "Zimmerman 2013"),
    "PHQ-9": _scale(
        "PHQ-9", 27, (5, 10, 20), "Kroenke 2001", '15–19 "moderately severe" is suggested as moderate', (15, 19)
    ),
    "QIDS-SR16": _scale(
        "QIDS-SR16", 27, (6, 11, 16), "Rush 2003", '21–27 "very severe" is suggested as severe', (21, 27)
    ),
}
# (lowest, highest) score of each scale, for form and database validation
SCALE_RANGES: dict[str, tuple[int, int]] = {name: (0, scale.maximum) for name, scale in SCALES.items()}
assert tuple(SCALES) == inputs.SCALES


def suggest_severity(scale: str, score: int) -> SeveritySuggestion:
    """rules §1.1: the published band of a scale score: "none", "mild", "moderate" or "severe"
    (with its band text and source). `subsyndromal` and `severe_psychotic` are never suggested.
    ValueError for an unknown scale or a score that is not a whole number in the scale's range."""
    spec = SCALES.get(scale)
    if spec is None:
        raise ValueError(f"unknown scale {scale!r} (expected one of {', '.join(SCALES)})")
    if isinstance(score, bool) or not isinstance(score, (int, float)) or score != int(score):
        raise ValueError(f"{scale} score must be a whole number, not {score!r}")
    score = int(score)
    if not 0 <= score <= spec.maximum:
        raise ValueError(f"{scale} score must be between 0 and {spec.maximum}, not {score}")
    for band in spec.bands:
        if band.low <= score <= band.high:
            band_range = f"≥ {band.low}" if band.name == "severe" else f"{band.low}–{band.high}"
            text = f"{scale} {band_range}: {band.name}"
            if spec.note_range[0] <= score <= spec.note_range[1]:
                text += f", {spec.note}"
            return SeveritySuggestion(band.name, scale, score, band_range, text, spec.source)
    raise AssertionError("the bands cover the whole range")  # pragma: no cover
