"""Who may see which patients: a clinician sees only their own clinic's."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from patients.models import Clinic, Membership, Patient


def clinic_of(user) -> Clinic | None:
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership.clinic if membership else None


def is_clinic_admin(user) -> bool:
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return bool(membership and membership.role == Membership.CLINIC_ADMIN)


def visible_patients(user):
    """Patients this user may see. Superusers see every clinic; a user with no clinic sees none."""
    if user.is_superuser:
        return Patient.objects.all()
    clinic = clinic_of(user)
    if clinic is None:
        return Patient.objects.none()
    return Patient.objects.filter(clinic=clinic)


def get_visible_patient(user, pk) -> Patient:
    """The patient, or 404 — also for another clinic's patient, so its existence is not revealed."""
    try:
        return get_object_or_404(visible_patients(user).select_related("clinic"), pk=pk)
    except (ValueError, TypeError):
        raise Http404 from None
