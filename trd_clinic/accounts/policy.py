"""Who must log in with a second factor, and what they have enrolled.

Required for superusers and clinic admins (they reach every patient of a clinic, and the
admin's export), and for everyone in a clinic whose admin switched `Clinic.two_factor_required`
on; offered to every other clinician. The requirement is enforced at log-in (views.LoginView):
a required user without a device is logged in only to enrol.
"""

from __future__ import annotations

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.access import clinic_of, is_clinic_admin

RECOVERY_CODE_COUNT = 10


def two_factor_required(user) -> bool:
    if user.is_superuser or is_clinic_admin(user):
        return True
    clinic = clinic_of(user)
    return clinic is not None and clinic.two_factor_required


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def devices_for_log_in(user) -> list:
    """The devices a code may come from: the authenticator app, then the recovery codes."""
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def issue_recovery_codes(user) -> list[str]:
    """New single-use recovery codes (the old ones stop working); shown once, stored as given
    (django-otp's static device deletes each one when it is used)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [
        device.token_set.create(token=device.token_set.model.random_token()).token for _ in range(RECOVERY_CODE_COUNT)
    ]
    return codes


def recovery_codes_left(user) -> int:
    return sum(device.token_set.count() for device in StaticDevice.objects.filter(user=user, confirmed=True))


def remove_second_factor(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
