"""Optimistic locking over HTTP: a record's ETag, and the If-Match a write must send.

Every editable record carries a `version` column (patients.concurrency): its ETag is
`"v<version>"`, and a write claims the version If-Match names with the same conditional UPDATE
the pages use, so a page and an API client never overwrite each other unseen. A write without
If-Match answers 428, one with a stale ETag 412.
"""

from __future__ import annotations

import re

from patients.api.problems import PreconditionFailed, PreconditionRequired
from patients.concurrency import EditConflict, claim_version

_VERSION_TAG = re.compile(r'"v(\d{1,9})"')

STALE = (
    "{what} was changed by someone else after you read it: nothing was saved. "
    "Read it again for its current ETag, then send your change again."
)


def version_etag(instance) -> str:
    return f'"v{instance.version}"'


def if_match_tags(request) -> list[str]:
    """The entity tags of If-Match; raises 428 when the header is missing or empty."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def seen_version(request, instance, what: str) -> int:
    """The version If-Match names for this record (`*`: whatever is stored); 428 or 412 otherwise."""
    tags = if_match_tags(request)
    if "*" in tags:
        return instance.version
    versions = [int(match[1]) for tag in tags if (match := _VERSION_TAG.fullmatch(tag))]
    if not versions:
        raise PreconditionFailed(STALE.format(what=what))
    return instance.version if instance.version in versions else versions[0]


def stale(what: str) -> PreconditionFailed:
    return PreconditionFailed(STALE.format(what=what))


def claim(request, instance, what: str) -> None:
    """Inside the write's transaction: bump the version If-Match names, or answer 412."""
    try:
        claim_version(instance, seen_version(request, instance, what), what)
    except EditConflict:
        raise stale(what) from None
