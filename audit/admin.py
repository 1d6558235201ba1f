"""Read-only audit trail in the admin: no add, change or delete, for anyone."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEntry
from patients.access import clinic_of, is_clinic_admin
from trd_clinic.admin_lookups import FilterLookupsOnlyMixin
from trd_clinic.admin_readonly import ReadOnlyAdminMixin


def _may_read_audit(user) -> bool:
    return user.is_active and (user.is_superuser or (user.is_staff and is_clinic_admin(user)))


@admin.register(AuditEntry)
class AuditEntryAdmin(FilterLookupsOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "pk",
        "occurred_at",
        "username",
        "action",
        "patient_id",
        "object_type",
        "object_id",
        "client_address",
    )
    list_filter = ("action", "occurred_at")
    search_fields = ("username",)
    date_hierarchy = "occurred_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields] + ["patients_shown"]
    actions = None
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        clinic = clinic_of(request.user)
        return queryset.filter(clinic_id=clinic.pk) if clinic else queryset.none()

    @admin.display(description="Patients in the list or export")
    def patients_shown(self, entry):
        return ", ".join(str(patient_id) for patient_id in entry.patient_set_ids) or "—"

    def has_module_permission(self, request):
        return _may_read_audit(request.user)

    def has_view_permission(self, request, obj=None):
        return _may_read_audit(request.user)
