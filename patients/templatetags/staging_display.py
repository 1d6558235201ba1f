"""Filters for the stored staging columns of the patient list, worded by the vocabulary.

A whole staging (the patient page, the PDF) is worded by staging.presentation instead; these
filters cover the one-code columns of the list and the classification badge's colour.
"""

from __future__ import annotations

from django import template

from staging.engine import vocabulary

register = template.Library()

_LABEL_BADGES = {
    "remission": "text-bg-success",
    "responding": "text-bg-info",
    "trd": "text-bg-danger",
    "prd": "text-bg-warning",
    "single_failure": "text-bg-secondary",
    "not_staged": "text-bg-light border",
}


@register.filter
def roman(stage) -> str:
    """Thase–Rush stage 0–5 as the model writes it (0, I … V)."""
    try:
        return vocabulary.ROMAN[int(stage)]
    except (TypeError, ValueError, IndexError):
        return "—"


@register.filter
def label_display(code) -> str:
    """A rules §5 label's short words ("TRD")."""
    return vocabulary.label(vocabulary.LABELS, code)


@register.filter
def label_badge(code) -> str:
    """Bootstrap badge classes for a classification label (the text says it too)."""
    return _LABEL_BADGES.get(code, "text-bg-light border")


@register.filter
def msm_category_display(code) -> str:
    return vocabulary.label(vocabulary.MSM_CATEGORIES, code, "")


@register.filter
def met_display(value) -> str:
    """Regulatory TRD or DTD (rules §5, §6): "Met", "Not met", or "—" before any staging."""
    return "—" if value is None else vocabulary.MET[bool(value)].label


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
