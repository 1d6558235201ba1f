"""Log-in in two steps (password, then a code) and the user's own second factor.

The password step never logs a user with a second factor in: it keeps who passed it in the
session (PENDING_KEY) and asks for a code; only a valid code calls django.contrib.auth.login.
A user who must use two factors (policy.two_factor_required) but has none is logged in with
ENROL_KEY set, and the middleware sends every request to enrolment until it is done.
"""

from __future__ import annotations

import time

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import log
from audit.models import AuditEntry
from trd_clinic.accounts import policy
from trd_clinic.accounts.forms import TOO_MANY_FROM_ADDRESS, CodeForm, EnrolForm, LoginForm, ResetForm

PENDING_KEY = "two_factor_pending"  # {"user": id, "backend": path, "next": url, "at": time}
ENROL_KEY = "two_factor_enrol_required"
PENDING_SECONDS = 5 * 60
ISSUER = "TRD Clinic"


class LoginView(auth_views.LoginView):
    form_class = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if policy.devices_for_log_in(user):
            self.request.session.cycle_key()
            self.request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": time.time(),
            }
            return redirect("accounts:two_factor_verify")
        response = super().form_valid(form)
        if policy.two_factor_required(user):
            self.request.session[ENROL_KEY] = True
            messages.info(self.request, "Your account needs a second factor: set up an authenticator app to continue.")
            return redirect("accounts:two_factor_enrol")
        return response

    def form_invalid(self, form):
        status = 429 if TOO_MANY_FROM_ADDRESS in form.non_field_errors() else 200
        return self.render_to_response(self.get_context_data(form=form), status=status)


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None, None
    user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@login_not_required
def verify(request):
    """The log-in's second step: a code from the authenticator app or a recovery code."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, "Please log in again.")
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next(
            (device for device in policy.devices_for_log_in(user) if device.verify_token(form.cleaned_data["code"])),
            None,
        )
        if device is not None:
            del request.session[PENDING_KEY]
            user.otp_device = device  # django_otp marks the session verified on log-in
            auth_login(request, user, backend=pending["backend"])
            if not isinstance(device, TOTPDevice):
                messages.warning(request, "You used a recovery code: it will not work again.")
            target = pending["next"]
            safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
            return redirect(target if safe else "/")
        log.record(AuditEntry.TWO_FACTOR_FAILED, user=user, request=request)
        form.add_error("code", "That code is not right (or has been used). Check your app's clock and try again.")
    return render(request, "accounts/two_factor_verify.html", {"form": form}, status=400 if form.errors else 200)


def _qr_data_uri(device: TOTPDevice) -> str:
    # Drawn here as SVG (no external service, no CDN); an img with a data: URI passes the CSP.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _secret_words(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enrol(request):
    """Enrol an authenticator app: scan the code, type what it shows; then the recovery codes."""
    if policy.authenticator(request.user) is not None:
        return redirect("accounts:two_factor")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
        user=request.user, name="authenticator app", confirmed=False
    )
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = policy.issue_recovery_codes(request.user)
            request.session.pop(ENROL_KEY, None)
            from django_otp import login as otp_login

            otp_login(request, device)
            log.record(AuditEntry.TWO_FACTOR_ENROL, request=request, changes={"device": "authenticator app"})
            return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})
        form.add_error("code", "That code does not match. Scan the code again, or check your phone's clock.")
    context = {
        "form": form,
        "qr_data_uri": _qr_data_uri(device),
        "secret": _secret_words(device),
        "required": policy.two_factor_required(request.user),
    }
    return render(request, "accounts/two_factor_enrol.html", context, status=400 if form.errors else 200)


def status(request):
    device = policy.authenticator(request.user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": device,
            "required": policy.two_factor_required(request.user),
            "recovery_left": policy.recovery_codes_left(request.user),
            "reset_form": ResetForm(user=request.user),
        },
    )


@require_POST
def reset(request):
    """Remove the user's own second factor (a lost phone, a new app), with their password."""
    form = ResetForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "accounts/two_factor.html",
            {"device": policy.authenticator(request.user), "reset_form": form, "required": True},
            status=400,
        )
    policy.remove_second_factor(request.user)
    if policy.two_factor_required(request.user):
        request.session[ENROL_KEY] = True
        return redirect("accounts:two_factor_enrol")
    messages.success(request, "Your second factor was removed.")
    return redirect("accounts:two_factor")


@require_POST
def new_recovery_codes(request):
    if policy.authenticator(request.user) is None:
        return redirect("accounts:two_factor_enrol")
    codes = policy.issue_recovery_codes(request.user)
    log.record(AuditEntry.TWO_FACTOR_ENROL, request=request, changes={"device": "recovery codes"})
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})


def enrolment_pending(request) -> bool:
    return bool(request.session.get(ENROL_KEY))


# For the middleware: the pages a user who must enrol may still open.
ENROL_ALLOWED_URL_NAMES = {"accounts:two_factor_enrol", "logout"}
