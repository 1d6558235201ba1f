"""Declaring, where a view is defined, that it shows patient data and must be audited.

    @audits_patient_read()                      # the patient named by the URL's `pk`
    def patient_detail(request, pk): ...

    @audits_patient_read(AuditEntry.EXPORT_PDF)
    def staging_report(request, pk): ...

A response that showed the patient (2xx, or a form sent back with its errors: 400, 409, 422)
writes one entry: who (the request's user), what (the action), which patient, and from where
(the client address). A 404 for another clinic's patient, a 403, or a redirect after a save
writes none: it showed nothing. Views that show
many patients (lists, exports) call `audit.log.record_patient_set` themselves with the ids
they showed, and are marked with `@audits_patient_set` so the URL walk knows they audit.
"""

from __future__ import annotations

from functools import wraps

from audit import log
from audit.models import AuditEntry

# Answers that carry the patient's data back: a page, or a form re-shown with what was typed.
_FORM_SENT_BACK = {400, 409, 422}


def showed_content(response) -> bool:
    return 200 <= response.status_code < 300 or response.status_code in _FORM_SENT_BACK


def audits_patient_read(action: str = AuditEntry.VIEW):
    def decorator(view):
        @wraps(view)
        def audited_view(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if showed_content(response) and "pk" in kwargs:
                log.record(action, patient=int(kwargs["pk"]), request=request)
            return response

        audited_view.audit_action = action
        return audited_view

    return decorator


def audits_patient_set(view):
    """The view records the set of patients it showed itself (see module docstring)."""
    view.audit_action = "patient_set"
    return view
