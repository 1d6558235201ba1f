"""The hash chain: each entry's SHA-256 covers its content and the previous entry's hash.

Changing, removing or inserting an entry anywhere breaks the link to the next one, which
`manage.py verify_audit` reports. The content is serialised canonically (sorted keys, no
whitespace, UTC timestamps to the microsecond) so PostgreSQL and SQLite recompute the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64


def canonical_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_content(entry) -> dict:
    content = {
        "occurred_at": canonical_timestamp(entry.occurred_at),
        "user_id": entry.user_id,
        "username": entry.username,
        "action": entry.action,
        "patient_id": entry.patient_id,
        "clinic_id": entry.clinic_id,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "changes": entry.changes,
        "client_address": entry.client_address,
        "previous_hash": entry.previous_hash,
    }
    # Only entries that record a set of patients carry the key, so every entry written before
    # sets existed hashes to the same bytes as before.
    if entry.patient_set_ids:
        content["patient_set"] = list(entry.patient_set_ids)
    return content


def compute_hash(entry) -> str:
    payload = json.dumps(entry_content(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def find_first_break(entries):
    """(entry, reason) for the first entry whose hash or link is wrong, or (None, count)."""
    expected_previous = GENESIS_HASH
    count = 0
    for entry in entries:
        if entry.previous_hash != expected_previous:
            return entry, "its link to the previous entry does not match (an entry before it was removed or changed)"
        if compute_hash(entry) != entry.entry_hash:
            return entry, "stored hash does not match its content"
        expected_previous = entry.entry_hash
        count += 1
    return None, count
