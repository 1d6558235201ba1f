"""Walk the audit hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import canonical_timestamp, find_first_break
from audit.models import AuditEntry


def _entries_in_order(batch_size: int = 2000):
    """Every entry by id, in batches by key. Not `.iterator()`: on PostgreSQL that opens a
    server-side cursor, and stopping at the first break would leave it to be closed whenever
    the generator is garbage-collected, inside whatever transaction is open by then."""
    last_pk = 0
    while batch := list(AuditEntry.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size]):
        yield from batch
        last_pk = batch[-1].pk


class Command(BaseCommand):
    help = "Recompute every audit entry's SHA-256 in order; exit non-zero at the first broken link."

    def handle(self, **options):
        broken, result = find_first_break(_entries_in_order())
        if broken is not None:
            raise CommandError(
                f"Audit trail broken at entry #{broken.pk} (recorded {canonical_timestamp(broken.occurred_at)}): {result}"
            )
        self.stdout.write(f"Audit trail intact: {result} entries")
