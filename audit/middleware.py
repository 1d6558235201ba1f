"""Per-request audit context, and "view" / "export PDF" entries for pages that show a patient."""

from __future__ import annotations

from audit import log
from audit.context import reset_current_request, set_current_request
from audit.models import AuditEntry

# URL name → (action, content type the response must have). Only successful responses count:
# a 404 for another clinic's patient is not a view of it.
AUDITED_READS = {
    "patients:detail": (AuditEntry.VIEW, "text/html"),
    "staging:report": (AuditEntry.EXPORT_PDF, "application/pdf"),
    "staging:json": (AuditEntry.VIEW, "application/json"),
}


class AuditRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_current_request(request)
        try:
            response = self.get_response(request)
            self._record_read(request, response)
            return response
        finally:
            reset_current_request(token)

    @staticmethod
    def _record_read(request, response) -> None:
        match = getattr(request, "resolver_match", None)
        if match is None or response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return
        audited = AUDITED_READS.get(match.view_name)
        if audited is None:
            return
        action, content_type = audited
        if not response.get("Content-Type", "").startswith(content_type):
            return
        patient_id = match.kwargs.get("pk")
        log.record(action, patient=int(patient_id) if patient_id is not None else None, request=request)
