"""rules §1.1 severity suggestion from a scale score."""

import pytest

from staging.engine import inputs
from staging.engine.severity import SCALE_RANGES, SCALES, suggest_severity


@pytest.mark.parametrize(
    "scale, score, expected",
    [
        ("MADRS", 0, "none"),
        ("MADRS", 6, "none"),
        ("MADRS", 7, "mild"),
        ("MADRS", 19, "mild"),
        ("MADRS", 20, "moderate"),
        ("MADRS", 34, "moderate"),
        ("MADRS", 35, "severe"),
        ("MADRS", 60, "severe"),
        ("HAM-D17", 7, "none"),
        ("HAM-D17", 8, "mild"),
        ("HAM-D17", 16, "mild"),
        ("HAM-D17", 17, "moderate"),
        ("HAM-D17", 23, "moderate"),
        ("HAM-D17", 24, "severe"),
        ("HAM-D17", 52, "severe"),
        ("PHQ-9", 4, "none"),
        ("PHQ-9", 5, "mild"),
        ("PHQ-9", 9, "mild"),
        ("PHQ-9", 10, "moderate"),
        ("PHQ-9", 19, "moderate"),
        ("PHQ-9", 20, "severe"),
        ("PHQ-9", 27, "severe"),
        ("QIDS-SR16", 5, "none"),
        ("QIDS-SR16", 6, "mild"),
        ("QIDS-SR16", 10, "mild"),
        ("QIDS-SR16", 11, "moderate"),
        ("QIDS-SR16", 15, "moderate"),
        ("QIDS-SR16", 16, "severe"),
        ("QIDS-SR16", 27, "severe"),
    ],
)
def test_published_bands(scale, score, expected):
    suggestion = suggest_severity(scale, score)
    assert suggestion == expected and suggestion.severity == expected


def test_band_text_and_source():
    suggestion = suggest_severity("PHQ-9", 17)
    assert suggestion.band == "10–19" and suggestion.source == "Kroenke 2001"
    assert suggestion.band_text == 'PHQ-9 10–19: moderate, 15–19 "moderately severe" is suggested as moderate'
    assert "PHQ-9 17" in suggestion.explanation
    assert suggest_severity("MADRS", 40).band_text == "MADRS ≥ 35: severe"
    assert suggest_severity("QIDS-SR16", 22).band_text.endswith('21–27 "very severe" is suggested as severe')


def test_subsyndromal_and_psychotic_are_never_suggested():
    suggested = {
        str(suggest_severity(scale, score))
        for scale, (low, high) in SCALE_RANGES.items()
        for score in range(low, high + 1)
    }
    assert suggested == {"none", "mild", "moderate", "severe"}


@pytest.mark.parametrize(
    "scale, score",
    [
        ("MADRS", -1),
        ("MADRS", 61),
        ("PHQ-9", 28),
        ("HAM-D17", 53),
        ("QIDS-SR16", 28),
        ("BDI", 10),
        ("MADRS", 7.5),
        ("MADRS", True),
    ],
)
def test_out_of_range_scores_and_unknown_scales_are_refused(scale, score):
    with pytest.raises(ValueError):
        suggest_severity(scale, score)


def test_scales_exported_for_the_django_model():
    assert tuple(SCALES) == inputs.SCALES
    assert SCALE_RANGES == {"MADRS": (0, 60), "HAM-D17": (0, 52), "PHQ-9": (0, 27), "QIDS-SR16": (0, 27)}
