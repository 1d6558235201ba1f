"""Audit checkpoints keyed outside the database: someone with write access to the database who
deletes the newest entries, or edits one and re-hashes the chain after it, is reported by
`manage.py verify_audit` (the hash chain alone cannot see either)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from audit.chain import GENESIS_HASH, compute_hash, find_first_break
from audit.log import record_patient_set
from audit.models import AuditEntry
from tests.audit.helpers import entries, triggers_dropped
from tests.factories import make_episode, make_patient, make_trial


@pytest.fixture
def trail(clinic):
    patient = make_patient(clinic)
    make_trial(make_episode(patient), "sertraline", 100, 8)
    record_patient_set(AuditEntry.LIST, [patient.pk], what="test")
    return entries()


def _verify() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")
    return str(failure.value)


def test_an_intact_trail_with_checkpoints_verifies(trail, capsys):
    call_command("verify_audit")
    assert capsys.readouterr().out.strip() == f"Audit trail intact: {len(trail)} entries, checkpoints match"


def test_deleting_the_tail_of_the_trail_is_reported(trail):
    tail = trail[-2:]
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentrypatient WHERE entry_id >= %s", [tail[0].pk])
        cursor.execute("DELETE FROM audit_auditentry WHERE id >= %s", [tail[0].pk])
    remaining = entries()
    assert find_first_break(remaining) == (None, len(trail) - 2)  # the chain alone looks intact

    message = _verify()
    assert "Audit trail broken" not in message
    assert (
        f"2 checkpointed entries are missing, #{tail[0].pk} to #{tail[1].pk} (the tail of the trail was deleted)"
        in (message)
    )


def test_an_entry_edited_and_the_chain_rehashed_is_reported(trail):
    """The forger recomputes every hash after the edit: the chain is consistent again, but the
    checkpoints were signed with a key the database does not hold."""
    forged = trail[1]
    previous = trail[0].entry_hash
    with triggers_dropped(), connection.cursor() as cursor:
        for entry in trail[1:]:
            entry.patient_set_ids  # noqa: B018  (loaded before the rewrite)
            if entry.pk == forged.pk:
                entry.username = "innocent"
            entry.previous_hash = previous
            entry.entry_hash = compute_hash(entry)
            cursor.execute(
                "UPDATE audit_auditentry SET username = %s, previous_hash = %s, entry_hash = %s WHERE id = %s",
                [entry.username, entry.previous_hash, entry.entry_hash, entry.pk],
            )
            previous = entry.entry_hash
    assert find_first_break(entries())[0] is None  # the chain alone looks intact

    message = _verify()
    assert "Audit trail broken" not in message
    assert f"entry #{forged.pk}'s hash does not match its checkpoint (the chain was edited and re-hashed)" in message


def test_checkpoints_signed_with_another_key_are_reported(trail):
    with override_settings(TRD_AUDIT_HMAC_KEY="another-key-that-is-at-least-32-characters"):
        message = _verify()
    assert f"{len(trail)} checkpoint(s) are not signed with this TRD_AUDIT_HMAC_KEY" in message


def test_the_patient_set_is_in_the_hash_chain(trail):
    """Removing a patient from an export's recorded set breaks the chain at that entry."""
    export = trail[-1]
    assert export.patient_set_ids and export.previous_hash != GENESIS_HASH
    with triggers_dropped(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentrypatient WHERE entry_id = %s", [export.pk])
    assert f"Audit trail broken at entry #{export.pk}" in _verify()
