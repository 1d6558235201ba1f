"""Per-request audit context: code that writes audit entries (signals, audit.log) finds the request.

Which views record reads is declared on the views themselves (audit.decorators)."""

from __future__ import annotations

from audit.context import reset_current_request, set_current_request


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_current_request(request)
        try:
            return self.get_response(request)
        finally:
            reset_current_request(token)
