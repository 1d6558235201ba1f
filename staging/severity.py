"""Severity suggested from the latest rating-scale score (rules §1.1).

The clinician confirms or overrides it; only the confirmed severity is staged. `subsyndromal`
and `severe_psychotic` are clinical judgements and are never suggested.
"""

from __future__ import annotations

from dataclasses import dataclass

# scale: (lowest score, highest score)
SCALE_RANGES: dict[str, tuple[int, int]] = {
    "MADRS": (0, 60),
    "HAM-D17": (0, 52),
    "PHQ-9": (0, 27),
    "QIDS-SR16": (0, 27),
}

# scale: (highest "none", highest "mild", highest "moderate"); anything above is "severe".
_BAND_UPPER_BOUNDS: dict[str, tuple[int, int, int]] = {
    "MADRS": (6, 19, 34),  # Snaith 1986
    "HAM-D17": (7, 16, 23),  # Zimmerman 2013
    "PHQ-9": (4, 9, 19),  # Kroenke 2001; 15-19 "moderately severe" -> moderate
    "QIDS-SR16": (5, 10, 15),  # Rush 2003; 21-27 "very severe" -> severe
}
_SOURCES = {"MADRS": "Snaith 1986", "HAM-D17": "Zimmerman 2013", "PHQ-9": "Kroenke 2001", "QIDS-SR16": "Rush 2003"}
_BANDS = ("none", "mild", "moderate", "severe")


@dataclass(frozen=True, slots=True)
class SeveritySuggestion:
    scale: str
    score: int
    severity: str  # none, mild, moderate or severe
    band: str  # e.g. "20–34"
    source: str

    @property
    def explanation(self) -> str:
        return (
            f"{self.scale} {self.score} lies in the {self.severity} band ({self.band}, {self.source}); "
            "confirm or override the clinician-rated severity."
        )


def suggest_severity(scale: str, score: int) -> SeveritySuggestion:
    """rules §1.1 published bands. Raises ValueError for an unknown scale or out-of-range score."""
    if scale not in SCALE_RANGES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALE_RANGES)}")
    low, high = SCALE_RANGES[scale]
    if not low <= score <= high:
        raise ValueError(f"{scale} scores run from {low} to {high}; {score} is outside that range")
    bounds = _BAND_UPPER_BOUNDS[scale]
    lower = low
    for band_name, upper in zip(_BANDS, bounds):
        if score <= upper:
            return SeveritySuggestion(scale, score, band_name, f"{lower}–{upper}", _SOURCES[scale])
        lower = upper + 1
    return SeveritySuggestion(scale, score, "severe", f"≥ {lower}", _SOURCES[scale])
