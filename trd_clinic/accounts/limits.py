"""Failed log-ins per client address across user names (a password sprayed over many accounts).

django-axes locks a user name at one address after AXES_FAILURE_LIMIT failures; it cannot also
count an address over every name with a different limit. Its AccessAttempt rows already hold
each (name, address) pair's failures within the cool-off, so this sums them by address.
"""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils import timezone


def failures_from_address(request) -> int:
    address = get_client_ip_address(request)
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def address_is_blocked(request) -> bool:
    return failures_from_address(request) >= settings.TRD_FAILED_LOGINS_PER_ADDRESS


def known_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the typed user name only when it names an account, so what an
    anonymous visitor types (a password in the wrong box, a crafted string) is not stored; all
    unknown names from one address share one lock-out counter."""
    typed = (credentials or {}).get("username") if credentials else request.POST.get("username")
    if not typed:
        return None
    user_model = get_user_model()
    exists = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: typed}).exists()
    return typed if exists else ""
