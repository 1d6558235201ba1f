"""audit.log.record: the one way an audit entry is written.

It runs inside the caller's transaction (a savepoint when one is open), so an entry exists if
and only if the change it describes was committed. Appends are serialised so two writers can
never link to the same previous entry and fork the chain: PostgreSQL takes a transaction-scoped
advisory lock (a row lock on "the last entry" would not do — a waiter re-reads the same last
row after the holder commits and links to it too); SQLite allows one writer at a time anyway.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable

from django.db import connections, router, transaction
from django.utils import timezone

from audit.chain import GENESIS_HASH, compute_hash
from audit.checkpoints import write_checkpoint
from audit.context import current_request
from audit.models import AuditEntry, AuditEntryPatient

logger = logging.getLogger(__name__)

# An arbitrary 64-bit key naming "the audit chain" among PostgreSQL advisory locks.
_CHAIN_LOCK_KEY = 0x7472_645F_6175_6474  # "trd_audt"


def client_address(request) -> str:
    """The client's address as django-axes sees it (the same address a lock-out is keyed on):
    REMOTE_ADDR, or behind TRD_TRUSTED_PROXIES proxies the address the outermost trusted proxy
    saw. Never X-Forwarded-For as the client wrote it."""
    from axes.helpers import get_client_ip_address

    raw = (get_client_ip_address(request) or "").strip() if request is not None else ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return ""


def _patient_ids(patient) -> tuple[int | None, int | None]:
    if patient is None:
        return None, None
    if isinstance(patient, int):
        from patients.models import Patient

        clinic_id = Patient.objects.filter(pk=patient).values_list("clinic_id", flat=True).first()
        return patient, clinic_id
    return patient.pk, patient.clinic_id


def _object_reference(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, "" if obj.pk is None else str(obj.pk)


def _lock_chain(using: str) -> None:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def record(
    action: str,
    *,
    user=None,
    patient=None,
    obj=None,
    changes=None,
    request=None,
    username: str | None = None,
    clinic_id: int | None = None,
    patient_set: Iterable[int] = (),
) -> AuditEntry:
    """Append one entry. `patient` is a Patient or its id; `obj` the model instance acted on;
    `changes` {field: [old, new]} of JSON-safe values; `patient_set` the ids of the patients a
    list or export contained (record_patient_set); the user and client address come from the
    current request when not given."""
    request = request if request is not None else current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    patient_id, patient_clinic_id = _patient_ids(patient)
    if clinic_id is None:
        clinic_id = patient_clinic_id
    if clinic_id is None and user is not None:
        membership = getattr(user, "membership", None)
        clinic_id = membership.clinic_id if membership else None
    object_type, object_id = _object_reference(obj)

    using = router.db_for_write(AuditEntry)
    with transaction.atomic(using=using):
        _lock_chain(using)
        previous = AuditEntry.objects.using(using).order_by("-pk").values_list("entry_hash", flat=True).first()
        entry = AuditEntry(
            occurred_at=timezone.now(),
            user=user,
            username=(user.get_username() if user is not None else (username or ""))[:150],
            action=action,
            patient_id=patient_id,
            clinic_id=clinic_id,
            object_type=object_type,
            object_id=object_id,
            changes=changes or {},
            client_address=client_address(request),
            previous_hash=previous or GENESIS_HASH,
        )
        entry.patient_set_ids = sorted({int(patient_id) for patient_id in patient_set})
        entry.entry_hash = compute_hash(entry)
        entry.save(using=using)
        AuditEntryPatient.objects.using(using).bulk_create(
            AuditEntryPatient(entry=entry, patient_id=patient_id) for patient_id in entry.patient_set_ids
        )
        write_checkpoint(entry, using)
    return entry


def record_patient_set(action: str, patient_ids: Iterable[int], *, request=None, what: str = "") -> AuditEntry:
    """One entry for a page or export that showed many patients: which ones (every id, in the
    hash chain and in an indexed table, so each patient's history lists it), who, from where.
    `what` names the view or export in the entry (e.g. "patients:list", "admin CSV export")."""
    changes = {"what": what} if what else None
    return record(action, request=request, changes=changes, patient_set=patient_ids)
