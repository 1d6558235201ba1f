"""Refuse to save over a change someone else made after the form was opened.

Each editable record (patient, episode, trial, course, score) has a `version` column. The form carries the
version the clinician saw in a hidden field; saving claims the row with one conditional
UPDATE (`... WHERE pk = ? AND version = ?`), which is atomic on SQLite and PostgreSQL alike.
If another save got there first the UPDATE matches no row: the whole save is rolled back and
the clinician is told, with what they typed still on the page.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.functional import cached_property


class EditConflict(Exception):
    """Another user saved this record after the form was opened; nothing was saved."""


class SeenVersionMixin:
    """Adds the hidden `seen_version` field: the record's version when the form was rendered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            min_value=1,
            initial=self.instance.version if self.instance.pk else None,
        )

    @cached_property
    def changed_data(self):
        # The version seen is bookkeeping, not a change the clinician made.
        return [name for name in super().changed_data if name != "seen_version"]

    @property
    def seen_version(self) -> int | None:
        cleaned = getattr(self, "cleaned_data", None) or {}
        return cleaned.get("seen_version")


def claim_version(instance, seen_version: int | None, description: str) -> None:
    """Bump the stored version if it is still `seen_version`; raise EditConflict otherwise.

    Call inside the transaction that saves the record. `instance.version` is set to the new
    value so a following `save()` writes it unchanged. A missing `seen_version` (a form
    posted without it) is treated as the version loaded now: no check is possible then.
    """
    model = type(instance)
    expected = seen_version if seen_version is not None else instance.version
    claimed = model.objects.filter(pk=instance.pk, version=expected).update(version=F("version") + 1)
    if claimed:
        instance.version = expected + 1
        return
    raise _conflict(model, instance.pk, description)


def check_version(instance, seen_version: int | None, description: str) -> None:
    """Raise EditConflict unless the stored version is still `seen_version`, and keep the row
    locked (PostgreSQL) until the surrounding transaction ends, so that the claim_version of the
    same transaction cannot fail afterwards. For a form that must report the conflict while it
    is validated (the admin's), before anything is saved."""
    model = type(instance)
    rows = model.objects.filter(pk=instance.pk)
    if not transaction.get_autocommit(using=rows.db):  # in the saving transaction: lock the row
        rows = rows.select_for_update()
    stored = rows.values_list("version", flat=True).first()
    if seen_version is not None and stored != seen_version:
        raise _conflict(model, instance.pk, description)


def _conflict(model, pk, description: str) -> EditConflict:
    if not model.objects.filter(pk=pk).exists():
        return EditConflict(
            f"{description} was removed by someone else after you opened this page. "
            "Nothing was saved: reload the page to see the current record."
        )
    return EditConflict(
        f"{description} was changed by someone else after you opened this page. "
        "Nothing was saved, so their change is kept: reload the page to see it, "
        "then enter your change again."
    )
