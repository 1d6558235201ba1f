"""`manage.py staging_report`: the PDF staging report from the command line, one or in batch.

    staging_report RECORD_NUMBER --clinic CLINIC --output FILE.pdf
    staging_report --all [--clinic CLINIC] --output DIR
    staging_report ... --profile PROFILE_ID    (the prior-authorisation packet of that profile)

Every PDF written is recorded like one printed from the patient page (who: --user, or
"command line"). Batch files are named by clinic slug and patient id, never by name, and
messages name patients by id only: this output ends up in terminals and cron logs.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from patients.access import visible_patients
from patients.models import Clinic, Patient
from patients.progress import ProgressBar
from staging.engine.text import plural
from staging.models import COMMAND_LINE, GeneratedReport
from staging.packet import UnknownProfile, produce_packet
from staging.report import PAPER_SIZES
from staging.site import configured_profiles
from staging.views import ReportUnavailable, produce_report


class Command(BaseCommand):
    help = "Write the PDF staging report of one patient (RECORD_NUMBER --clinic) or of every staged patient (--all)."

    def add_arguments(self, parser):
        parser.add_argument("record_number", nargs="?", help="the patient's record number in --clinic")
        parser.add_argument("--clinic", help="clinic slug (required with RECORD_NUMBER; limits --all to one clinic)")
        parser.add_argument("--all", action="store_true", help="every staged patient: one PDF each into --output DIR")
        parser.add_argument("--output", help="FILE.pdf for one patient, a directory with --all")
        parser.add_argument("--user", help="username recorded as having produced the reports (default: command line)")
        parser.add_argument("--paper", choices=PAPER_SIZES, help="paper size (default: the TRD_PAPER_SIZE setting)")
        parser.add_argument(
            "--profile",
            metavar="PROFILE_ID",
            help="write the prior-authorisation packet of this eligibility profile (rules §12) instead",
        )

    def handle(self, *args, **options):
        if not options["output"]:
            raise CommandError("--output is required: a FILE.pdf for one patient, or a directory with --all.")
        if options["all"] == bool(options["record_number"]):
            raise CommandError("Give either a RECORD_NUMBER (with --clinic) or --all, not both or neither.")
        self.profile = options["profile"]
        if self.profile is not None and configured_profiles().get(self.profile) is None:
            known = ", ".join(profile.id for profile in configured_profiles()) or "none"
            raise CommandError(f"No eligibility profile {self.profile!r} (configured: {known}).")
        user = self._user(options["user"])
        patients = visible_patients(user) if user is not None else Patient.objects.all()
        clinic = self._clinic(options["clinic"]) if options["clinic"] else None
        if clinic is not None:
            patients = patients.filter(clinic=clinic)
        produce = {
            "user": user,
            "generated_by": user.get_username() if user else COMMAND_LINE,
            "channel": GeneratedReport.COMMAND,
            "paper_size": options["paper"],
        }
        if options["all"]:
            self._write_all(patients, Path(options["output"]), produce)
        else:
            if clinic is None:
                raise CommandError("--clinic is required with a RECORD_NUMBER (record numbers are per clinic).")
            self._write_one(patients, options["record_number"], clinic, Path(options["output"]), produce)

    def _produce(self, patient, produce):
        """The staging report, or with --profile that profile's prior-authorisation packet."""
        if self.profile:
            return produce_packet(patient, self.profile, **produce)
        return produce_report(patient, **produce)

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user with username {username!r}.") from None

    def _clinic(self, slug) -> Clinic:
        try:
            return Clinic.objects.get(slug=slug)
        except Clinic.DoesNotExist:
            known = ", ".join(Clinic.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No clinic with slug {slug!r} (known: {known}).") from None

    def _write_one(self, patients, record_number, clinic, output: Path, produce) -> None:
        if output.is_dir():
            raise CommandError(f"--output {output} is a directory; give a file name such as report.pdf.")
        if not output.parent.is_dir():
            raise CommandError(f"The directory of --output ({output.parent}) does not exist.")
        patient = patients.select_related("clinic").filter(record_number=record_number).first()
        if patient is None:
            # The record number is not echoed: it identifies a patient and this may be logged.
            raise CommandError(f"No patient with that record number in clinic {clinic.slug!r}.")
        try:
            produced = self._produce(patient, produce)
        except ReportUnavailable:
            raise CommandError(
                f"Patient {patient.pk} has no current staging: enter the current episode first."
            ) from None
        except UnknownProfile:
            raise CommandError(f"Patient {patient.pk}'s staging has no result for profile {self.profile!r}.") from None
        output.write_bytes(produced.rendered.pdf)
        self.stdout.write(
            f"Wrote {output} ({produced.rendered.page_count} pages, SHA-256 {produced.record.sha256}, "
            f"report record {produced.record.pk})."
        )

    def _write_all(self, patients, output: Path, produce) -> None:
        if output.exists() and not output.is_dir():
            raise CommandError(f"--output {output} is a file; --all needs a directory.")
        output.mkdir(parents=True, exist_ok=True)
        staged = patients.filter(current_snapshot__isnull=False).select_related("clinic").order_by("clinic__slug", "pk")
        unstaged = list(patients.filter(current_snapshot__isnull=True).order_by("pk").values_list("pk", flat=True))
        written, skipped = 0, list(unstaged)
        # The bar redraws in place with "\r"; Django's stderr wrapper would add a newline to each write.
        with ProgressBar(staged.count(), "reports", stream=getattr(self.stderr, "_out", self.stderr)) as progress:
            for patient in staged.iterator(chunk_size=200):
                try:
                    produced = self._produce(patient, produce)
                except (ReportUnavailable, UnknownProfile):
                    skipped.append(patient.pk)
                else:
                    suffix = f"-{self.profile}" if self.profile else ""
                    (output / f"{patient.clinic.slug}-{patient.pk}{suffix}.pdf").write_bytes(produced.rendered.pdf)
                    written += 1
                progress.advance()
        message = f"Wrote {plural(written, 'report')} to {output}."
        if skipped:
            message += (
                f" Skipped {len(skipped)} patient(s) without staging: ids {', '.join(map(str, sorted(skipped)))}."
            )
        self.stdout.write(message)
