"""What one request may carry, and how often a token may write.

Bodies over 5 MB and lists over 1,000 records answer 413; more than 60 writes a minute by one
token (or one browser session's user) answer 429. The write counts live in Django's cache
(the local-memory cache: per process, which is what a limit against a runaway script needs).
"""

from __future__ import annotations

import math

from rest_framework import exceptions, parsers, throttling
from rest_framework.utils import json

from patients.api.problems import ContentTooLarge
from patients.models import ApiToken
from staging.engine.text import plural

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_LIST_RECORDS = 1000
WRITES_PER_MINUTE = 60


def check_body_size(request) -> None:
    """Refuse a declared Content-Length over the limit before reading a byte of it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise _too_large()


def check_list_length(records: list, what: str = "records") -> None:
    if len(records) > MAX_LIST_RECORDS:
        raise ContentTooLarge(
            f"{len(records):,} {what} in one request: at most {MAX_LIST_RECORDS:,} are accepted. "
            "Send them in several requests."
        )


def _too_large() -> ContentTooLarge:
    return ContentTooLarge(
        f"The request body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MB: nothing was read. "
        "Send fewer records per request."
    )


class LimitedJSONParser(parsers.BaseParser):
    """JSON bodies up to 5 MB, read from the stream (also when no Content-Length was declared).

    Not a subclass of DRF's JSONParser on purpose: DRF reads a JSONParser's body through
    `request.body`, where the site's 2.5 MB limit for form posts (DATA_UPLOAD_MAX_MEMORY_SIZE)
    would answer a 3 MB API body with Django's HTML 400 instead of this API's limit.
    """

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_BODY_BYTES:
            raise _too_large()
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            # DRF's strict JSON: NaN and Infinity are refused, as in every JSON parser.
            return json.loads(data.decode(encoding))
        except (ValueError, LookupError) as error:
            raise exceptions.ParseError(f"The body is not valid JSON: {error}") from None
        except RecursionError:
            raise exceptions.ParseError("The body is not usable JSON: nested too deeply.") from None


class WritesPerTokenThrottle(throttling.SimpleRateThrottle):
    scope = "api_writes"
    rate = f"{WRITES_PER_MINUTE}/min"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WritesThrottled(exceptions.Throttled):
    """429 with Retry-After (DRF's handler sets it from `wait`) and the wait in words."""

    def __init__(self, wait: float | None):
        seconds = max(1, math.ceil(wait or 1))
        super().__init__(
            detail=f"More than {WRITES_PER_MINUTE} writes a minute with this token: nothing was saved. "
            f"Try again in {plural(seconds, 'second')}."
        )
        self.wait = seconds
