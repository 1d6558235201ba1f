"""Audit entries for record changes and log-ins, from Django's signals.

Model signals run inside the caller's transaction, so the entry commits or rolls back with the
change. Old values are read from the database just before the save: the trail says what was
really replaced, not what the form happened to load.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from audit import log
from audit.models import AuditEntry

AUDITED_MODELS = (
    "Patient",
    "Episode",
    "Trial",
    "Augmentation",
    "EctCourse",
    "OtherCourse",
    "ScaleScore",
    "Attestation",  # eligibility answers (rules §12): given, changed and withdrawn like any record
)

# Bookkeeping, not clinical content: a save that changes only these is not worth an entry.
_IGNORED_FIELDS = {"created_at", "updated_at", "version", "current_snapshot", "last_assessed_at"}


def _json_safe(value):
    if isinstance(value, Decimal):
        # 150, 150.0 and 150.00 are the same dose: compare and show them one way.
        return format(value.normalize(), "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    return value


def _audited_fields(model):
    return [
        field for field in model._meta.concrete_fields if not field.primary_key and field.name not in _IGNORED_FIELDS
    ]


def _values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in _audited_fields(type(instance))}


def _patient_of(instance):
    """(patient_id, clinic_id) through the relations, from loaded objects when they are cached."""
    from patients.models import Augmentation, Episode, Patient, Trial

    cached = instance._state.fields_cache
    if isinstance(instance, Patient):
        return instance.pk, instance.clinic_id
    if isinstance(instance, Episode):
        if "patient" in cached and cached["patient"] is not None:
            return instance.patient_id, cached["patient"].clinic_id
        rows = Patient.objects.filter(pk=instance.patient_id).values_list("pk", "clinic_id")
    elif isinstance(instance, Augmentation):
        rows = Trial.objects.filter(pk=instance.trial_id).values_list(
            "episode__patient_id", "episode__patient__clinic_id"
        )
    else:
        episode = cached.get("episode")
        if episode is not None and "patient" in episode._state.fields_cache:
            return episode.patient_id, episode.patient.clinic_id
        rows = Episode.objects.filter(pk=instance.episode_id).values_list("patient_id", "patient__clinic_id")
    return rows.first() or (None, None)


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_old_values = None
        return
    fields = [field.attname for field in _audited_fields(sender)]
    instance._audit_old_values = sender._base_manager.filter(pk=instance.pk).values(*fields).first()


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    new_values = _values(instance)
    old_values = getattr(instance, "_audit_old_values", None)
    if created or old_values is None:
        changes = {name: [None, _json_safe(value)] for name, value in new_values.items() if value not in (None, "", [])}
        action = AuditEntry.CREATE
    else:
        changes = {
            name: [_json_safe(old_values[name]), _json_safe(value)]
            for name, value in new_values.items()
            if name in old_values and _json_safe(old_values[name]) != _json_safe(value)
        }
        if not changes:
            return
        action = AuditEntry.UPDATE
    instance._audit_old_values = None
    patient_id, clinic_id = _patient_of(instance)
    log.record(action, patient=patient_id, clinic_id=clinic_id, obj=instance, changes=changes)


def _before_delete(sender, instance, **kwargs):
    # Resolved now: in a cascade the parent rows are gone by the time post_delete runs.
    instance._audit_patient = _patient_of(instance)


def _after_delete(sender, instance, **kwargs):
    patient_id, clinic_id = getattr(instance, "_audit_patient", (None, None))
    changes = {
        name: [_json_safe(value), None] for name, value in _values(instance).items() if value not in (None, "", [])
    }
    log.record(AuditEntry.DELETE, patient=patient_id, clinic_id=clinic_id, obj=instance, changes=changes)


def _logged_in(sender, request, user, **kwargs):
    # The second factor used, when there was one (trd_clinic.accounts sets it before logging in).
    device = getattr(user, "otp_device", None)
    changes = {"second_factor": device._meta.label_lower} if device is not None else None
    log.record(AuditEntry.LOGIN, user=user, request=request, changes=changes)


def _login_failed(sender, credentials, request=None, **kwargs):
    # The typed user name only when it names an account: people type passwords into the user
    # name box, and whatever an anonymous visitor types must not be kept for ever. Django has
    # already masked the password in `credentials`.
    typed = str(credentials.get("username") or "")[:150]
    user_model = get_user_model()
    exists = bool(typed) and user_model._default_manager.filter(**{user_model.USERNAME_FIELD: typed}).exists()
    log.record(AuditEntry.FAILED_LOGIN, username=typed if exists else "", request=request)


def _second_factor_removed(sender, instance, **kwargs):
    """Whoever removes an authenticator (the user on their page, an admin in the admin)."""
    if instance.confirmed:
        log.record(AuditEntry.TWO_FACTOR_RESET, obj=instance, changes={"account": instance.user.get_username()})


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log.record(AuditEntry.LOGOUT, user=user, request=request)


def connect():
    from django.apps import apps

    for name in AUDITED_MODELS:
        model = apps.get_model("patients", name)
        uid = f"audit-{name}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre-save")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post-save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-post-delete")
    user_logged_in.connect(_logged_in, dispatch_uid="audit-logged-in")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logged-out")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    post_delete.connect(_second_factor_removed, sender=TOTPDevice, dispatch_uid="audit-2fa-reset")
