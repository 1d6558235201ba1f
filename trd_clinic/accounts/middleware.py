"""Until a user who must use two factors has enrolled, every page sends them to enrolment."""

from __future__ import annotations

from django.shortcuts import redirect

from trd_clinic.accounts.views import ENROL_ALLOWED_URL_NAMES, enrolment_pending


class TwoFactorEnrolmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or not enrolment_pending(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ENROL_ALLOWED_URL_NAMES:
            return None
        return redirect("accounts:two_factor_enrol")
