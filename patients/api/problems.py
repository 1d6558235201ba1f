"""Every API error as an RFC 9457 problem-details body (application/problem+json).

    {"type": "urn:trd-clinic:api:invalid-input", "title": "Bad Request", "status": 400,
     "detail": "2 fields are invalid: nothing was saved.",
     "errors": [{"path": "dose_mg_per_day", "message": "Dose must be more than 0 mg/day"}]}

`type` names the kind of problem (a URN: there is no page to dereference), `title` is the HTTP
status phrase, `detail` says what to do in words, and `errors` lists each field's message with
its path (`(input)` when the whole input is meant). Views raise the exceptions below or DRF's
own; `problem_exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) writes the body.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, status

from staging.engine.text import plural

PROBLEM_CONTENT_TYPE = "application/problem+json"
WHOLE_INPUT = "(input)"


class InvalidInput(exceptions.APIException):
    """400 with one (path, message) per error; nothing was saved."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid-input"

    def __init__(self, errors: list[tuple[str, str]], detail: str | None = None):
        self.errors = [(path or WHOLE_INPUT, str(message)) for path, message in errors]
        count = len(self.errors)
        super().__init__(detail or f"{plural(count, 'error')} in the input: nothing was saved.")


class Conflict(exceptions.APIException):
    """409: the request is well formed but the records are not in a state that allows it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    """412: If-Match names another version than the stored one (someone else saved first)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "edit-conflict"


class PreconditionRequired(exceptions.APIException):
    """428: a write without If-Match could overwrite a change it never saw."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "if-match-required"
    default_detail = (
        "Send the record's ETag (from the response that returned it) in an If-Match header: "
        "a write without it could overwrite a change you have not seen. Nothing was saved."
    )


class ContentTooLarge(exceptions.APIException):
    """413: more than the API accepts in one request."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too-large"


def problem_body(status_code: int, code: str, detail: str, errors=None) -> dict:
    body = {
        "type": f"urn:trd-clinic:api:{code.replace('_', '-')}",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = [{"path": path, "message": message} for path, message in errors]
    return body


def _flatten(detail, path: str = "") -> list[tuple[str, str]]:
    """DRF's nested ValidationError detail as (path, message) pairs."""
    if isinstance(detail, dict):
        return [pair for key, value in detail.items() for pair in _flatten(value, _join(path, str(key)))]
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [(path or WHOLE_INPUT, str(item)) for item in detail]
        return [pair for index, item in enumerate(detail) for pair in _flatten(item, f"{path}[{index}]")]
    return [(path or WHOLE_INPUT, str(detail))]


def _join(path: str, key: str) -> str:
    if key in ("non_field_errors", "__all__"):
        return path
    return f"{path}.{key}" if path else key


def problem_exception_handler(exc, context):
    # Imported here: rest_framework.views reads the REST_FRAMEWORK setting, which names the
    # parser and throttle of patients.api.limits, which raise this module's exceptions.
    from rest_framework.views import exception_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found: there is no such record, or it is not in your clinic.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: a bug, answered by Django's 500 handling
    errors = None
    if isinstance(exc, InvalidInput):
        errors, detail = exc.errors, str(exc.detail)
    elif isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = f"{plural(len(errors), 'error')} in the input: nothing was saved."
    else:
        detail = str(exc.detail)
    code = exc.default_code if isinstance(exc.default_code, str) else "error"
    response.data = problem_body(response.status_code, code, detail, errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
