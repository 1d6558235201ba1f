"""Export a clinic's patients as FHIR R4 Bulk Data NDJSON (one file per resource type).

    python manage.py export_fhir --clinic SLUG --output DIR [--user NAME] [--batch-size 200]

Streamed in batches with bounded memory; progress on stderr, a JSON summary (files and counts)
on stdout. The export of the set is audited: one entry naming the clinic and every patient
(audit.log's patient set, so each patient's history lists it).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import log
from audit.models import AuditEntry
from patients.fhir.ndjson import export_patients
from patients.models import Clinic, Patient
from patients.progress import ProgressBar
from staging.models import COMMAND_LINE


class Command(BaseCommand):
    help = "Write a clinic's patients as FHIR R4 Bulk Data NDJSON files (one per resource type) into a directory."

    def add_arguments(self, parser):
        parser.add_argument("--clinic", metavar="SLUG", required=True, help="The clinic's short name.")
        parser.add_argument("--output", metavar="DIR", required=True, help="Directory for the .ndjson files.")
        parser.add_argument("--user", metavar="NAME", help="Who runs the export, for the audit trail.")
        parser.add_argument("--batch-size", type=int, default=200, help="Patients read at a time (default 200).")

    def handle(self, *args, clinic, output, user=None, batch_size=200, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        found = Clinic.objects.filter(slug=clinic).first()
        if found is None:
            known = ", ".join(Clinic.objects.order_by("slug").values_list("slug", flat=True)[:20]) or "none"
            raise CommandError(f"No clinic with the short name “{clinic}”. Known clinics: {known}.")
        directory = Path(output)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create the output directory {output}: {error.strerror or error}") from None
        if any(directory.glob("*.ndjson")):
            raise CommandError(f"{output} already holds .ndjson files: choose an empty directory.")
        patient_ids = list(Patient.objects.filter(clinic=found).order_by("pk").values_list("pk", flat=True))
        with ProgressBar(len(patient_ids), "patients", stream=self.stderr._out) as progress:
            counts = export_patients(patient_ids, directory, batch_size=batch_size, on_batch=progress.advance)
        log.record(
            AuditEntry.EXPORT_FHIR,
            username=user or COMMAND_LINE,
            clinic_id=found.pk,
            changes={"what": "FHIR Bulk Data NDJSON export", "resources": counts},
            patient_set=patient_ids,
        )
        summary = {
            "clinic": found.slug,
            "patients": len(patient_ids),
            "files": {f"{t}.ndjson": n for t, n in counts.items()},
        }
        self.stdout.write(json.dumps(summary))
