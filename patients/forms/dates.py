"""Dates as a clinician enters them: never in the future, never before the patient was born,
never before 1900 (a mistyped year would otherwise make the record unusable, issue 10 §3).

The messages name what the date is ("The episode cannot start before the patient's date of
birth (12 Mar 1961).") so the clinician sees which year to check.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.models import Episode

EARLIEST = date(1900, 1, 1)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def check_clinical_date(day: date | None, event: str, born: date | None = None) -> date | None:
    """`day` unchanged when it is a possible date for `event` ("The episode cannot start"),
    else ValidationError in those words. `born` is the patient's date of birth when known."""
    if day is None:
        return day
    if day > timezone.localdate():
        raise ValidationError(f"{event} in the future.")
    if born is not None and day < born:
        raise ValidationError(f"{event} before the patient's date of birth ({born:%d %b %Y}).")
    if day < EARLIEST:
        raise ValidationError(f"{event} before {EARLIEST.year}: check the year.")
    return day


def born_of(row) -> date | None:
    """The date of birth of the patient a row (episode, trial, course, score) belongs to, when
    the row is attached to one (a formset's rows are; a form built on its own is not)."""
    episode = row if isinstance(row, Episode) else (row.episode if row.episode_id else None)
    return episode.patient.date_of_birth if episode is not None and episode.patient_id else None


def check_form_date(form, name: str, event: str) -> date | None:
    """check_clinical_date of the form's cleaned `name` (its clean_<name>), against the date of
    birth of the patient whose episode, trial, course or score the form edits."""
    return check_clinical_date(form.cleaned_data.get(name), event, born_of(form.instance))
