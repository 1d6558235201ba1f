"""Who is calling: a personal token (`Authorization: Bearer <token>`) or the browser's session.

A token acts as its user: same clinic, same role, same 404s, because every view scopes its
records through patients.access with `request.user`. A token is read from the Authorization
header only (the browser's session is DRF's SessionAuthentication, with Django's CSRF check on
every unsafe method): a token in a URL would reach server logs and browser histories, so one offered
there is refused outright (401) rather than ignored.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from audit import log
from audit.models import AuditEntry
from patients.api.tokens import active_token
from patients.models import ApiToken

TOKENS_IN_URL = ("token", "access_token", "api_key", "bearer")


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        if any(name in request.query_params for name in TOKENS_IN_URL):
            raise exceptions.AuthenticationFailed(
                "A token in the URL is never accepted (URLs are logged): send it as 'Authorization: Bearer <token>'. "
                "Revoke this token on your API tokens page and create a new one."
            )
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>', with no spaces in it."
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        token = active_token(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This token is unknown, expired or revoked: create a new one on your API tokens page."
            )
        # The use is audited per request, like a log-in: who, which token, from where.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        log.record(AuditEntry.LOGIN, user=token.user, obj=token, request=request._request)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema names the token scheme (drf-spectacular finds it by subclassing)."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API token (Account → API tokens)."}
