"""The error summary at the top of every entry page: each problem with where it is and a link
to the input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormError:
    where: str  # e.g. "Trial 2 · Dose, mg/day"
    message: str
    anchor: str  # the id of the input to jump to ("" for errors of the whole form)


def error_summary(*groups) -> list[FormError]:
    """Flatten forms and (title, formset) pairs into one list for the summary at the top."""
    summary: list[FormError] = []
    for group in groups:
        if isinstance(group, tuple):
            title, formset = group
            summary += [FormError(title, str(message), "") for message in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                if getattr(form, "cleaned_data", {}).get("DELETE"):
                    continue
                summary += _form_errors(form, f"{title} {number}")
        else:
            summary += _form_errors(group, "")
    return summary


def _form_errors(form, prefix: str) -> list[FormError]:
    errors = []
    for name, messages in form.errors.items():
        for message in messages:
            if name == "__all__":
                errors.append(FormError(prefix or "Form", message, ""))
            else:
                label = form.fields[name].label if name in form.fields else name
                where = f"{prefix} · {label}" if prefix else str(label)
                errors.append(FormError(where, message, form[name].id_for_label if name in form.fields else ""))
    return errors
