"""Personal API tokens: created and revoked by their user, stored as the SHA-256 of the secret.

A token is `trd_` followed by 256 random bits. Only its hash is kept, so a copy of the database
does not hold usable tokens; the secret is shown once, on the page that created it. Every
creation, revocation and use is audited (the use per request, by the authentication class).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit import log
from audit.models import AuditEntry
from patients.models import ApiToken

TOKEN_PREFIX = "trd_"
SHOWN_PREFIX_LENGTH = 12  # "trd_" and 8 characters of the secret: enough to tell tokens apart
LIFETIME_CHOICES = [(30, "30 days"), (90, "90 days"), (365, "1 year")]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(user, name: str, lifetime_days: int, *, request=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret (the only time the secret exists)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:SHOWN_PREFIX_LENGTH],
            secret_sha256=hash_secret(secret),
            expires_at=timezone.now() + timedelta(days=lifetime_days),
        )
        log.record(
            AuditEntry.CREATE,
            user=user,
            obj=token,
            changes={"expires_at": [None, token.expires_at.isoformat()]},
            request=request,
        )
    return token, secret


def revoke_token(token: ApiToken, *, request=None) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log.record(
            AuditEntry.UPDATE,
            user=token.user,
            obj=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
            request=request,
        )


def active_token(secret: str) -> ApiToken | None:
    """The unexpired, unrevoked token with this secret, with its user; None otherwise."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__membership")
        .filter(secret_sha256=hash_secret(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token
