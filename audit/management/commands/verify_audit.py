"""Walk the audit hash chain and its keyed checkpoints; report what is broken."""

from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from audit.chain import canonical_timestamp, find_first_break
from audit.checkpoints import find_checkpoint_problems
from audit.models import AuditCheckpoint, AuditEntry, AuditEntryPatient


def _entries_in_order(batch_size: int = 2000):
    """Every entry by id, in batches by key, with the patient sets of the batch in one query.
    Not `.iterator()`: on PostgreSQL that opens a server-side cursor, and stopping at the first
    break would leave it to be closed whenever the generator is garbage-collected, inside
    whatever transaction is open by then."""
    last_pk = 0
    while batch := list(AuditEntry.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size]):
        sets = defaultdict(list)
        rows = AuditEntryPatient.objects.filter(entry_id__gte=batch[0].pk, entry_id__lte=batch[-1].pk)
        for entry_id, patient_id in rows.values_list("entry_id", "patient_id"):
            sets[entry_id].append(patient_id)
        for entry in batch:
            entry.patient_set_ids = sorted(sets.get(entry.pk, ()))
        yield from batch
        last_pk = batch[-1].pk


class Command(BaseCommand):
    help = (
        "Recompute every audit entry's SHA-256 in order and check the keyed checkpoints "
        "(TRD_AUDIT_HMAC_KEY); exit non-zero when the chain is broken, re-hashed or cut short."
    )

    def handle(self, **options):
        problems = []
        broken, result = find_first_break(_entries_in_order())
        if broken is not None:
            problems.append(
                f"Audit trail broken at entry #{broken.pk} (recorded {canonical_timestamp(broken.occurred_at)}): {result}"
            )
        checkpoints = AuditCheckpoint.objects.order_by("entry_id").values_list("entry_id", "entry_hash", "mac")
        problems += [
            f"Audit checkpoints: {problem}" for problem in find_checkpoint_problems(_entries_in_order(), checkpoints)
        ]
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(f"Audit trail intact: {result} entries, checkpoints match")
