"""Two-factor log-in: required for clinic admins and superusers (and a clinic that asks for it),
offered to clinicians; TOTP with a QR code drawn here, single-use recovery codes; enrolment,
use and reset audited; the demo admin works as seed_demo prints."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from patients.models import Membership
from tests.factories import PASSWORD, make_user
from trd_clinic.accounts.demo import current_totp, enrol_demo_authenticator
from trd_clinic.accounts.policy import issue_recovery_codes

KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _password_step(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


@pytest.fixture
def clinic_admin(clinic):
    return make_user(clinic, role=Membership.CLINIC_ADMIN, username="admin_2fa")


def test_an_enrolled_user_is_not_logged_in_by_the_password_alone(client, clinician):
    enrol_demo_authenticator(clinician, KEY)
    response = _password_step(client, clinician.username)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor_verify")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("patients:list")).status_code == 302  # still anonymous

    wrong = client.post(reverse("accounts:two_factor_verify"), {"code": "000000"})
    assert wrong.status_code == 400 and "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=AuditEntry.TWO_FACTOR_FAILED, user=clinician).exists()

    # django-otp makes each failure wait longer before the next try (1 s after the first)
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        right = client.post(reverse("accounts:two_factor_verify"), {"code": current_totp(clinician)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(clinician.pk)
    login = AuditEntry.objects.filter(action=AuditEntry.LOGIN, user=clinician).get()
    assert login.changes == {"second_factor": "otp_totp.totpdevice"}


def test_a_recovery_code_works_once(client, clinician):
    enrol_demo_authenticator(clinician, KEY)
    code = issue_recovery_codes(clinician)[0]
    _password_step(client, clinician.username)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 302
    client.logout()
    _password_step(client, clinician.username)
    assert client.post(reverse("accounts:two_factor_verify"), {"code": code}).status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_clinic_admin_without_a_second_factor_can_only_enrol(client, clinic_admin):
    response = _password_step(client, clinic_admin.username)
    assert response["Location"] == reverse("accounts:two_factor_enrol")
    assert client.get(reverse("patients:list"))["Location"] == reverse("accounts:two_factor_enrol")
    assert client.get("/admin/patients/patient/")["Location"] == reverse("accounts:two_factor_enrol")

    page = client.get(reverse("accounts:two_factor_enrol"))
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, drawn here: no external image
    device = TOTPDevice.objects.get(user=clinic_admin, confirmed=False)
    done = client.post(reverse("accounts:two_factor_enrol"), {"code": current_totp_of(device)})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert AuditEntry.objects.filter(action=AuditEntry.TWO_FACTOR_ENROL, user=clinic_admin).exists()
    assert client.get(reverse("patients:list")).status_code == 200


def current_totp_of(device) -> str:
    device.confirmed = True  # current_totp reads the confirmed device; not saved
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_a_clinician_is_offered_but_not_required(client, clinician):
    response = _password_step(client, clinician.username)
    assert response["Location"] == "/"
    assert client.get(reverse("patients:list")).status_code == 200
    assert b"Set up an authenticator app" in client.get(reverse("accounts:two_factor")).content


def test_a_clinic_can_require_it_for_every_member(client, clinic, clinician):
    clinic.two_factor_required = True
    clinic.save()
    assert _password_step(client, clinician.username)["Location"] == reverse("accounts:two_factor_enrol")


def test_the_admins_log_in_page_is_the_two_factor_one(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/admin/"


def test_a_reset_needs_the_password_and_is_audited(client, clinician):
    enrol_demo_authenticator(clinician, KEY)
    client.force_login(clinician)
    refused = client.post(reverse("accounts:two_factor_reset"), {"password": "not-it"})
    assert refused.status_code == 400 and TOTPDevice.objects.filter(user=clinician).exists()
    client.post(reverse("accounts:two_factor_reset"), {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=clinician).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.TWO_FACTOR_RESET, user=clinician).exists()


def test_the_demo_admin_logs_in_with_the_key_seed_demo_prints(client, capsys, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    printed = capsys.readouterr().out
    from patients.management.commands.seed_demo import ADMIN_PASSWORD, ADMIN_TOTP_KEY

    assert f"add the key {ADMIN_TOTP_KEY} to an authenticator app" in printed
    client.post(reverse("login"), {"username": "admin", "password": ADMIN_PASSWORD})
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    assert client.post(reverse("accounts:two_factor_verify"), {"code": current_totp(admin)}).status_code == 302
    assert client.get("/admin/patients/patient/").status_code == 200


def test_a_clinic_admin_requires_it_for_the_clinic_on_the_dashboard(client, clinic, clinic_admin):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("patients:clinic_settings"), {"reassessment_after_days": "90", "two_factor_required": "on"}
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.two_factor_required
