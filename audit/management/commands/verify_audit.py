"""Walk the audit hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import canonical_timestamp, find_first_break
from audit.models import AuditEntry


class Command(BaseCommand):
    help = "Recompute every audit entry's SHA-256 in order; exit non-zero at the first broken link."

    def handle(self, **options):
        entries = AuditEntry.objects.order_by("pk").iterator(chunk_size=2000)
        broken, result = find_first_break(entries)
        if broken is not None:
            raise CommandError(
                f"Audit trail broken at entry #{broken.pk} (recorded {canonical_timestamp(broken.occurred_at)}): {result}"
            )
        self.stdout.write(f"Audit trail intact: {result} entries")
