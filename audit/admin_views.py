"""Audit entries for the admin's pages that show patient data, declared on the ModelAdmin.

    class PatientAdmin(AuditedPatientAdminMixin, ...):
        audit_patient_path = "pk"            # Episode: "patient_id"

A change, delete or history page that showed an object writes a `view` entry for its patient;
a change list writes one `list` entry with the patients of the rows it showed. Exports call
`audit.log.record_patient_set(AuditEntry.EXPORT_CSV, ...)` themselves with every id they wrote.
"""

from __future__ import annotations

from audit import log
from audit.decorators import showed_content
from audit.models import AuditEntry


class AuditedPatientAdminMixin:
    audit_patient_path = "pk"  # the attribute of a row that is its patient's id

    def _audit_object_view(self, request, object_id, response):
        if request.method == "GET" and showed_content(response):
            patient_id = (
                self.model._default_manager.filter(pk=object_id).values_list(self.audit_patient_path, flat=True).first()
            )
            if patient_id is not None:
                log.record(AuditEntry.VIEW, patient=patient_id, request=request)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._audit_object_view(request, object_id, response)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._audit_object_view(request, object_id, response)

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        return self._audit_object_view(request, object_id, response)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) and response.context_data.get("cl")
        if changelist is not None and showed_content(response):
            ids = [getattr(row, self.audit_patient_path) for row in changelist.result_list]
            what = f"admin:{self.model._meta.label_lower} list"
            log.record_patient_set(AuditEntry.LIST, ids, request=request, what=what)
        return response
