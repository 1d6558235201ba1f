"""Recompute the stored stagings as of today: all of them after a catalogue or ruleset change,
or nightly only the stale ones so the lists and the admin stay current (rules §1.1).

    python manage.py recompute_staging [--stale] [--clinic SLUG] [--batch-size 500]

Safe to run twice: a snapshot is written only when the result differs from the stored one
(patients.services.restage_many), so a second run reports 0 changed. Progress goes to stderr;
the summary line on stdout is the only output a script needs to read.
"""

from django.core.management.base import BaseCommand, CommandError

from patients.models import Clinic, Patient
from patients.progress import ProgressBar
from patients.services import INSTRUMENTS, restage_many, stale_patients
from staging.engine.text import plural


class Command(BaseCommand):
    help = "Recompute the stored staging of every patient (or one clinic's) and report how many results changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Only patients whose staging is dated before today (run it nightly from cron).",
        )
        parser.add_argument("--clinic", metavar="SLUG", help="Only this clinic's patients (its short name).")
        parser.add_argument("--batch-size", type=int, default=500, help="Patients per transaction (default 500).")

    def handle(self, *args, clinic=None, batch_size=500, stale=False, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        patients = Patient.objects.all()
        if clinic is not None:
            found = Clinic.objects.filter(slug=clinic).first()
            if found is None:
                known = ", ".join(Clinic.objects.order_by("slug").values_list("slug", flat=True)[:20]) or "none"
                raise CommandError(f"No clinic with the short name “{clinic}”. Known clinics: {known}.")
            patients = patients.filter(clinic=found)
        if stale:
            patients = stale_patients(patients)
        patient_ids = list(patients.order_by("pk").values_list("pk", flat=True))
        with ProgressBar(len(patient_ids), "patients", stream=self.stderr._out) as progress:
            by_instrument: dict[str, int] = {}
            staged, changed = restage_many(
                patient_ids, batch_size=batch_size, on_batch=progress.advance, by_instrument=by_instrument
            )
        self.stdout.write(f"Recomputed {plural(staged, 'patient')}; {plural(changed, 'result')} changed.")
        # After an upgrade (rules §13) a site sees which instruments moved, e.g. "maudsley: 12".
        if changed:
            self.stdout.write(
                "Changed by instrument: "
                + ", ".join(f"{name} {by_instrument.get(name, 0)}" for name in INSTRUMENTS)
                + "."
            )
