"""Security headers that Django 5.2 does not set by itself."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.utils.cache import patch_cache_control

# No inline script and no third-party origin: clinics run offline, behind this policy.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except in the admin: every admin view already checks for
    an active staff user and sends everyone else to the admin's own log-in page (which says why
    a logged-in clinician is refused), so it is left to do that."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is not None and match.app_name == "admin":
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class NoStoreForUsersMiddleware:
    """`Cache-Control: private, no-store` on every answer to a logged-in user: pages, PDFs, CSV
    and JSON hold patient data, which must not stay in a shared proxy or on the browser's disk
    after log-out. Static files (served before this by WhiteNoise) keep their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response
