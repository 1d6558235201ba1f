"""The audit trail: who did what to which patient's records, append-only and hash-chained.

Entries outlive what they describe: the patient and clinic are plain ids, not foreign keys, so
deleting a patient keeps its history, and the user reference never cascades or nulls (the user
name is copied). The table refuses changes three times over: save() of an existing row,
QuerySet.update()/delete(), and a database trigger (migration 0002) for everything else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property


class AuditTrailIsAppendOnly(Exception):
    """Raised by any attempt to change or remove an audit entry."""


class AppendOnly(models.Model):
    """Rows written once: save() of a stored row and delete() raise (and the database triggers
    refuse UPDATE and DELETE, migrations 0002 and 0005)."""

    rows_are_called = "Audit entries"  # in the messages: "<rows> cannot be changed."

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly(f"{self.rows_are_called} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly(f"{self.rows_are_called} cannot be deleted.")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")

    def delete(self):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")

    # bulk_create would bypass the hash chain (audit.log.record is the only writer).
    def bulk_create(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries are written one at a time by audit.log.record.")

    def bulk_update(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")

    def update_or_create(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")

    def for_patient(self, patient_id: int):
        """Entries about this patient: their own, and lists and exports that contained them."""
        in_a_set = AuditEntryPatient.objects.filter(patient_id=patient_id).values("entry_id")
        return self.filter(models.Q(patient_id=patient_id) | models.Q(pk__in=in_a_set))


class AuditEntry(AppendOnly):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT_PDF = "export_pdf"
    EXPORT_CSV = "export_csv"
    EXPORT_FHIR = "export_fhir"
    IMPORT = "import"
    LIST = "list"
    LOGIN = "login"
    LOGOUT = "logout"
    FAILED_LOGIN = "failed_login"
    TWO_FACTOR_ENROL = "2fa_enrol"
    TWO_FACTOR_FAILED = "2fa_failed"
    TWO_FACTOR_RESET = "2fa_reset"
    ACTION_CHOICES = [
        (VIEW, "View"),
        (CREATE, "Create"),
        (UPDATE, "Update"),
        (DELETE, "Delete"),
        (EXPORT_PDF, "Export PDF"),
        (EXPORT_CSV, "Export CSV"),
        (EXPORT_FHIR, "Export FHIR"),
        (IMPORT, "Import"),
        (LIST, "List of patients"),
        (LOGIN, "Log-in"),
        (LOGOUT, "Log-out"),
        (FAILED_LOGIN, "Failed log-in"),
        (TWO_FACTOR_ENROL, "Two-factor enrolment"),
        (TWO_FACTOR_FAILED, "Failed two-factor code"),
        (TWO_FACTOR_RESET, "Two-factor reset"),
    ]

    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True, help_text="As it was when the entry was written.")
    action = models.CharField(max_length=20, choices=ACTION_CHOICES)
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    clinic_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True, help_text="app_label.model of the object acted on.")
    object_id = models.CharField(max_length=40, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="{field: [old, new]}")
    # Text, not inet: the hash is computed over exactly these characters (PostgreSQL would
    # rewrite some IPv6 spellings).
    client_address = models.CharField(max_length=45, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["patient_id", "occurred_at"], name="audit_patient_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    action__in=[
                        "view",
                        "create",
                        "update",
                        "delete",
                        "export_pdf",
                        "export_csv",
                        "export_fhir",
                        "import",
                        "list",
                        "login",
                        "logout",
                        "failed_login",
                        "2fa_enrol",
                        "2fa_failed",
                        "2fa_reset",
                    ]
                ),
                name="audit_action_valid",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_action_display()} by {self.username or 'anonymous'} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if self._state.adding and not self.entry_hash:
            raise AuditTrailIsAppendOnly("Write audit entries through audit.log.record (it links the hash chain).")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    @cached_property
    def patient_set_ids(self) -> list[int]:
        """The patients a list or export contained (audit.log.record_patient_set), in id order;
        empty for every other entry. Set by audit.log before the entry is hashed."""
        if self.pk is None:
            return []
        return sorted(self.patient_rows.values_list("patient_id", flat=True))


class AuditEntryPatient(AppendOnly):
    """One patient of the set an entry records (a list page, a CSV export): indexed, so a
    patient's history finds every export that contained them. The ids are also in the entry's
    hash (audit.chain), so removing or adding a row here breaks the chain; the same triggers as
    for entries refuse UPDATE and DELETE (migration 0005)."""

    entry = models.ForeignKey(AuditEntry, on_delete=models.DO_NOTHING, related_name="patient_rows")
    patient_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "patient_id"], name="audit_set_patient_once")]

    def __str__(self):
        return f"patient {self.patient_id} in entry #{self.entry_id}"


class AuditCheckpoint(AppendOnly):
    """An HMAC, under a key kept outside the database (settings.TRD_AUDIT_HMAC_KEY), of an
    entry's id and hash: written with every entry (audit.checkpoints). Someone who can write to
    the database can rebuild a consistent hash chain, but not these; `verify_audit` reports an
    entry whose checkpoint does not match (edited and re-hashed) and a checkpoint whose entry
    is gone (the tail deleted)."""

    entry_id = models.BigIntegerField(unique=True)
    entry_hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)
    rows_are_called = "Audit checkpoints"

    class Meta:
        ordering = ["entry_id"]

    def __str__(self):
        return f"checkpoint of entry #{self.entry_id}"
