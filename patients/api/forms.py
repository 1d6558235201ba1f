"""The pages' forms, imported in this one place, and the bridge from a JSON body to them.

The API validates with the very forms the pages use, so a value is accepted or refused for the
same reason and with the same words. JSON brings types a form post never has (numbers, lists,
null, true); each value is first turned into what the form field reads, and a value of the
wrong JSON type gets the field's own "invalid" message. Error paths are the field names.
"""

from __future__ import annotations

from django import forms as django_forms

from patients.api.problems import WHOLE_INPUT, InvalidInput
from patients.forms.augmentation import augmentations_of
from patients.forms.courses import MAX_COURSES, EctCourseForm, OtherCourseForm
from patients.forms.episode import EndEpisodeForm, EpisodeForm
from patients.forms.patient import PatientForm
from patients.forms.scores import MAX_SCORES, ScaleScoreForm
from patients.forms.trials import MAX_TRIALS, TrialForm, trial_formset_class

__all__ = [
    "MAX_COURSES",
    "MAX_SCORES",
    "MAX_TRIALS",
    "EctCourseForm",
    "EndEpisodeForm",
    "EpisodeForm",
    "OtherCourseForm",
    "PatientForm",
    "ScaleScoreForm",
    "TrialForm",
    "augmentation_line",
    "bind",
    "require_valid",
    "trial_formset_class",
]

# psychosocial_stressors is yes/no/unknown on the page, true/false/null in JSON.
_TRISTATE = {True: "yes", False: "no", None: ""}
_NOT_FIELDS = {"seen_version", "DELETE"}


def _from_json(name: str, field, value, errors: list) -> object:
    """A JSON value as the form field reads it; appends (path, message) for a wrong type."""
    if name == "psychosocial_stressors":
        if isinstance(value, bool) or value is None:
            return _TRISTATE[value]
        errors.append((name, "Enter true, false or null (unknown)."))
        return None
    if isinstance(field, django_forms.MultipleChoiceField):
        if value is None:
            return []
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        errors.append((name, str(field.error_messages["invalid_list"])))
        return None
    if value is None:
        return ""
    if isinstance(field, django_forms.ModelChoiceField):
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    elif isinstance(field, (django_forms.DecimalField, django_forms.IntegerField)):
        if isinstance(value, str):
            return value  # the form reads "12.5" as the page does, and names what it cannot read
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
    elif isinstance(field, django_forms.ChoiceField):
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # the form names the value it does not know
    elif isinstance(value, str):
        return value
    if isinstance(field, django_forms.ChoiceField):
        message = str(field.error_messages["invalid_choice"]) % {"value": value}
    else:
        message = str(field.error_messages.get("invalid", "Enter text, not a number, list or object."))
    errors.append((name, message))
    return None


def _current_data(form) -> dict:
    """What an unbound form would show: the stored record, as form data (for PATCH)."""
    return {name: form[name].value() for name in form.fields if name not in _NOT_FIELDS}


def bind(form_class, body, *, partial: bool = False, instance=None, extra: dict | None = None, **form_kwargs):
    """A bound form of `form_class` from a JSON object (InvalidInput when the body is not one).

    With `partial` (PATCH) the fields not in the body keep their stored values; otherwise they
    take the value the page shows for a new record (usually empty). `extra` is
    form data the API supplies itself. Unknown keys and values of the wrong JSON type are kept
    on the form as `api_errors`, reported by `require_valid` with the form's own errors.
    """
    if not isinstance(body, dict):
        raise InvalidInput([(WHOLE_INPUT, "must be a JSON object")])
    kwargs = dict(form_kwargs)
    if instance is not None:
        kwargs["instance"] = instance
    template = form_class(**kwargs)
    fields = {name: field for name, field in template.fields.items() if name not in _NOT_FIELDS}
    errors = [(str(key)[:60], "unknown key") for key in body if key not in fields]
    # PATCH keeps what is stored; POST and PUT start from what a new record's page shows
    # (e.g. every screening item "not screened"), as a page post always carries those fields.
    data = _current_data(template if partial else form_class(**form_kwargs))
    for name, value in body.items():
        if name in fields:
            converted = _from_json(name, fields[name], value, errors)
            if converted is not None:
                data[name] = converted
    data.update(extra or {})
    form = form_class(data, **kwargs)
    form.api_errors = errors
    return form


def require_valid(*forms_with_prefix) -> None:
    """InvalidInput unless every form is valid: each error with its field's path
    (`prefix.field`), wrong JSON types first, then the form's messages for the other fields."""
    errors = []
    for prefix, form in forms_with_prefix:
        form.is_valid()
        api_errors = getattr(form, "api_errors", [])
        named = {path for path, _ in api_errors}
        for path, message in api_errors:
            errors.append((f"{prefix}.{path}" if prefix else path, message))
        for name, messages in form.errors.items():
            if name in named:
                continue  # its value was not given to the form: "required" would mislead
            path = WHOLE_INPUT if name == "__all__" else name
            if prefix:
                path = prefix if name == "__all__" else f"{prefix}.{name}"
            errors += [(path, message) for message in messages]
    if errors:
        raise InvalidInput(errors)


def augmentation_line(trial) -> str:
    """The trial's agents as the form shows them in its one line."""
    return ", ".join(item.as_text() for item in augmentations_of(trial))
