"""Checkpoints of the hash chain, keyed outside the database.

The hash chain shows that entries were changed, removed or inserted *unless* the whole chain
after the change is recomputed, which anyone who can write to the table can do; and deleting the
newest entries (the tail) leaves a shorter chain that is still consistent. Each entry therefore
gets a checkpoint: an HMAC-SHA256 of its id and hash under `settings.TRD_AUDIT_HMAC_KEY`, which
lives in the environment, not in the database. `verify_audit` then reports:
- an entry whose hash no longer matches its checkpoint (edited and re-hashed),
- a checkpoint whose entry is gone (the tail, or any entry, deleted),
- an entry without a checkpoint after the first one (inserted behind the application's back).
Each checkpoint is also written to the `audit` logger (ids and hashes only, no patient data), so
a copy outside the database survives someone deleting entries and their checkpoints together.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings

from audit.models import AuditCheckpoint

logger = logging.getLogger("audit.checkpoints")


def mac_for(entry_id: int, entry_hash: str, key: str | None = None) -> str:
    key = settings.TRD_AUDIT_HMAC_KEY if key is None else key
    message = f"{entry_id}:{entry_hash}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def write_checkpoint(entry, using: str) -> AuditCheckpoint:
    checkpoint = AuditCheckpoint(
        entry_id=entry.pk, entry_hash=entry.entry_hash, mac=mac_for(entry.pk, entry.entry_hash)
    )
    checkpoint.save(using=using)
    logger.info("audit checkpoint entry=%s hash=%s mac=%s", entry.pk, entry.entry_hash, checkpoint.mac)
    return checkpoint


def find_checkpoint_problems(entries, checkpoints) -> list[str]:
    """What is wrong between the entries (in id order) and the stored checkpoints (tuples of
    entry id, entry hash, mac), as sentences; empty when every checkpoint is genuine and matches."""
    problems = []
    by_entry = {entry_id: (entry_hash, mac) for entry_id, entry_hash, mac in checkpoints}
    forged = [
        entry_id
        for entry_id, (entry_hash, mac) in by_entry.items()
        if not hmac.compare_digest(mac, mac_for(entry_id, entry_hash))
    ]
    if forged:
        problems.append(
            f"{len(forged)} checkpoint(s) are not signed with this TRD_AUDIT_HMAC_KEY (first: entry #{min(forged)})"
        )
    first_checkpointed = min(by_entry, default=None)
    seen = set()
    for entry in entries:
        seen.add(entry.pk)
        checkpoint = by_entry.get(entry.pk)
        if checkpoint is None:
            if first_checkpointed is not None and entry.pk > first_checkpointed:
                problems.append(f"entry #{entry.pk} has no checkpoint (written behind the application's back)")
                break
            continue
        if checkpoint[0] != entry.entry_hash:
            problems.append(
                f"entry #{entry.pk}'s hash does not match its checkpoint (the chain was edited and re-hashed)"
            )
            break
    missing = sorted(entry_id for entry_id in by_entry if entry_id not in seen)
    if missing:
        newest_seen = max(seen, default=0)
        where = "the tail of the trail was deleted" if missing[-1] > newest_seen else "entries were deleted"
        problems.append(
            f"{len(missing)} checkpointed entr{'y is' if len(missing) == 1 else 'ies are'} missing, "
            f"#{missing[0]} to #{missing[-1]} ({where})"
        )
    return problems
