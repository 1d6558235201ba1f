"""What every page of rows shares (trials, courses, scores): a size limit, the clinician's
words for removing a row, the version check on save, decimals shown as typed, and amounts that
must be more than 0."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory

from patients.concurrency import claim_version
from patients.models import Episode


class EntryRowsFormSet(BaseInlineFormSet):
    """Rows of the current episode.

    `absolute_max` equals `max_num`: a post claiming more rows builds no more forms than that
    and gets the too-many error at once, instead of validating and re-rendering every row it
    claims (issue 10 §1: 1,000 posted rows tied a worker up for 20 s).
    """

    remove_label = "Remove this row"
    default_error_messages = {
        "too_many_forms": "At most %(num)d rows can be saved on this page: remove some rows, then save again.",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = self.remove_label
        # Each row's dates are checked against the patient's date of birth (forms.dates.born_of):
        # the episode already loaded, not one query per row.
        setattr(form.instance, self.fk.name, self.instance)

    def claim_changed_rows(self) -> None:
        """Refuse (EditConflict) to save or remove a row someone else saved after this page was
        opened. A row whose posted values differ from the stored ones counts as changed even if
        this clinician did not touch it: saving it would write the old values back."""
        for form in self.initial_forms:
            if form.instance.pk and (form in self.deleted_forms or form.has_changed()):
                claim_version(form.instance, form.seen_version, form.description)

    def save(self, commit=True):
        """Call inside transaction.atomic(): a conflict part-way leaves nothing saved."""
        self.claim_changed_rows()
        return super().save(commit)


def removable_rows(max_rows: int) -> dict:
    """The formset factory's options for a page of rows: no blank row added, each row removable,
    at most `max_rows`, and no more forms built than that (absolute_max: see EntryRowsFormSet)."""
    return {"extra": 0, "can_delete": True, "max_num": max_rows, "absolute_max": max_rows, "validate_max": True}


def episode_rows_formset(model, form, *, max_rows: int, formset=EntryRowsFormSet):
    return inlineformset_factory(Episode, model, form=form, formset=formset, **removable_rows(max_rows))


def show_plain_decimals(form: forms.ModelForm) -> None:
    """Show stored decimals as typed: 20 mg/day, not the column's 20.00."""
    for name, value in list(form.initial.items()):
        if isinstance(value, Decimal):
            # Still a Decimal (has_changed compares numbers), without exponent: 90, not 9E+1.
            form.initial[name] = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def check_more_than_zero(amount, message: str):
    """`amount` unchanged when empty or more than 0, else ValidationError(message)."""
    if amount is not None and amount <= 0:
        raise ValidationError(message)
    return amount
