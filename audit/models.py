"""The audit trail: who did what to which patient's records, append-only and hash-chained.

Entries outlive what they describe: the patient and clinic are plain ids, not foreign keys, so
deleting a patient keeps its history, and the user reference never cascades or nulls (the user
name is copied). The table refuses changes three times over: save() of an existing row,
QuerySet.update()/delete(), and a database trigger (migration 0002) for everything else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditTrailIsAppendOnly(Exception):
    """Raised by any attempt to change or remove an audit entry."""


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
        return self.filter(patient_id=patient_id)


class AuditEntry(models.Model):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT_PDF = "export_pdf"
    EXPORT_FHIR = "export_fhir"
    IMPORT = "import"
    LOGIN = "login"
    FAILED_LOGIN = "failed_login"
    ACTION_CHOICES = [
        (VIEW, "View"),
        (CREATE, "Create"),
        (UPDATE, "Update"),
        (DELETE, "Delete"),
        (EXPORT_PDF, "Export PDF"),
        (EXPORT_FHIR, "Export FHIR"),
        (IMPORT, "Import"),
        (LOGIN, "Log-in"),
        (FAILED_LOGIN, "Failed log-in"),
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
                        "export_fhir",
                        "import",
                        "login",
                        "failed_login",
                    ]
                ),
                name="audit_action_valid",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_action_display()} by {self.username or 'anonymous'} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Audit entries cannot be changed.")
        if not self.entry_hash:
            raise AuditTrailIsAppendOnly("Write audit entries through audit.log.record (it links the hash chain).")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit entries cannot be deleted.")
