"""Filters that turn a stored staging result (rules §10 JSON) into the clinician's words.

Used by templates/patients/_staging_panel.html, which the patient page and the PDF report
share: the partial takes the result dict as stored, so both show the same text (rules §7).
"""

from __future__ import annotations

from django import template

from patients.models import LABEL_CHOICES, MSM_CATEGORY_CHOICES
from staging.engine.outcome import OUTCOME_WORDS
from staging.engine.text import join_words, number
from staging.engine.vocabulary import ROMAN

register = template.Library()

_LABELS = dict(LABEL_CHOICES)
_LABEL_BADGES = {
    "remission": "text-bg-success",
    "responding": "text-bg-info",
    "trd": "text-bg-danger",
    "prd": "text-bg-warning",
    "single_failure": "text-bg-secondary",
    "not_staged": "text-bg-light border",
}
_MSM_CATEGORIES = dict(MSM_CATEGORY_CHOICES)
_MAUDSLEY_ITEMS = (
    ("duration", "Duration"),
    ("severity", "Severity"),
    ("antidepressants", "Antidepressants (counted trials)"),
    ("augmentation", "Augmentation"),
    ("ect", "ECT"),
)
_INSTRUMENTS = ("thase_rush", "maudsley", "mgh", "classification")


@register.filter
def roman(stage) -> str:
    """Thase–Rush stage 0–5 as the model writes it (0, I … V)."""
    try:
        return ROMAN[int(stage)]
    except (TypeError, ValueError, IndexError):
        return "—"


@register.filter
def label_display(code) -> str:
    return _LABELS.get(code, "—") if code else "—"


@register.filter
def label_badge(code) -> str:
    """Bootstrap badge classes for a classification label (the text says it too)."""
    return _LABEL_BADGES.get(code, "text-bg-light border")


@register.filter
def msm_category_display(code) -> str:
    return _MSM_CATEGORIES.get(code, "") if code else ""


@register.filter
def outcome_words(code) -> str:
    if not code:
        return "not documented"
    return OUTCOME_WORDS.get(code, str(code).replace("_", " "))


@register.filter
def code_words(code) -> str:
    """A vocabulary code in words: "partial_response" -> "partial response"."""
    return str(code).replace("_", " ") if code else ""


@register.filter
def mg(value) -> str:
    """A dose as a clinician writes it: 150.00 -> "150", 7.5 -> "7.5"."""
    if value is None or value == "":
        return "—"
    try:
        return number(float(value))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def trial_names(indices, trials) -> str:
    """rules §10 refers to trials by index in input order; name them ("sertraline and venlafaxine")."""
    names = []
    for index in indices or ():
        try:
            trial = trials[int(index)]
        except (IndexError, TypeError, ValueError):
            continue
        names.append(trial.get("name") or trial.get("drug") or f"trial {int(index) + 1}")
    return join_words(names)


@register.filter
def maudsley_items(maudsley) -> list[tuple[str, int]]:
    items = (maudsley or {}).get("items") or {}
    return [(words, items[key]) for key, words in _MAUDSLEY_ITEMS if key in items]


@register.filter
def interpretation_notes(result) -> list[str]:
    """Every "interpretation used" note of the result, once each, in instrument order."""
    notes: list[str] = []
    for instrument in _INSTRUMENTS:
        for note in (result or {}).get(instrument, {}).get("interpretation_notes", ()) or ():
            if note not in notes:
                notes.append(note)
    return notes


@register.filter
def yes_no(value) -> str:
    if value is None:
        return "—"
    return "Yes" if value else "No"


@register.filter
def age_on(patient, day) -> str:
    """Whole years on `day` (the view passes today once, not per row)."""
    try:
        return str(patient.age_on(day))
    except (AttributeError, TypeError):
        return "—"
