"""The record of every staging report produced, so a referral can be matched to what was sent.

Append-only: a row is written once, when the PDF is produced, and never changed or deleted
(except together with the patient's whole record, like the snapshot it cites).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

PAPER_SIZE_CHOICES = [("A4", "A4"), ("Letter", "US Letter")]
COMMAND_LINE = "command line"


class AppendOnlyError(Exception):
    """A generated-report record was about to be changed or deleted."""


class GeneratedReport(models.Model):
    WEB = "web"
    COMMAND = "command"
    CHANNEL_CHOICES = [(WEB, "Patient page"), (COMMAND, "Command line")]
    STAGING_REPORT = "staging_report"
    ELIGIBILITY_PACKET = "eligibility_packet"
    KIND_CHOICES = [(STAGING_REPORT, "Staging report"), (ELIGIBILITY_PACKET, "Prior-authorisation packet")]

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="generated_reports")
    # RESTRICT: the snapshot a report cites cannot be removed on its own, only with the patient.
    snapshot = models.ForeignKey(
        "patients.StagingSnapshot", on_delete=models.RESTRICT, related_name="generated_reports"
    )
    generated_at = models.DateTimeField(default=timezone.now, db_index=True)
    generated_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who, in words, kept even if the user account is later removed: a username, the command's
    # --user, or "command line".
    generated_by = models.CharField(max_length=150)
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default=STAGING_REPORT)
    # The eligibility profile a packet was printed for (rules §12), "" for a staging report.
    profile = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField("SHA-256 of the PDF", max_length=64)
    paper_size = models.CharField(max_length=10, choices=PAPER_SIZE_CHOICES)
    page_count = models.PositiveSmallIntegerField()
    byte_size = models.PositiveIntegerField()

    class Meta:
        ordering = ["-generated_at", "-pk"]
        verbose_name = "generated staging report"
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="report_sha256_hex"),
            models.CheckConstraint(condition=Q(paper_size__in=["A4", "Letter"]), name="report_paper_size_valid"),
            models.CheckConstraint(condition=Q(channel__in=["web", "command"]), name="report_channel_valid"),
            models.CheckConstraint(condition=Q(page_count__gte=1), name="report_has_pages"),
            models.CheckConstraint(condition=~Q(generated_by=""), name="report_generated_by_not_empty"),
            models.CheckConstraint(
                condition=Q(kind="staging_report", profile="") | (Q(kind="eligibility_packet") & ~Q(profile="")),
                name="report_packet_names_its_profile",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-generated_at"], name="report_patient_latest")]

    def __str__(self):
        what = f"Prior-authorisation packet ({self.profile})" if self.profile else "Staging report"
        return f"{what} {self.pk} of {self.generated_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("A generated report record cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A generated report record cannot be deleted.")

    @classmethod
    def record(
        cls, patient, snapshot, rendered, *, user, generated_by, channel, paper_size, kind=STAGING_REPORT, profile=""
    ):
        """Record who produced which bytes (`rendered`: a staging.report.RenderedPdf)."""
        return cls.objects.create(
            patient=patient,
            snapshot=snapshot,
            generated_by_user=user,
            generated_by=generated_by or (user.get_username() if user is not None else COMMAND_LINE),
            channel=channel,
            kind=kind,
            profile=profile,
            sha256=rendered.sha256,
            paper_size=paper_size,
            page_count=rendered.page_count,
            byte_size=len(rendered.pdf),
        )
