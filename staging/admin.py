"""Generated staging reports in the admin: a read-only register (append-only, rules of the issue)."""

from django.contrib import admin

from patients.access import clinic_of
from staging.models import GeneratedReport
from trd_clinic.admin_lookups import FilterLookupsOnlyMixin
from trd_clinic.admin_readonly import ReadOnlyAdminMixin


@admin.register(GeneratedReport)
class GeneratedReportAdmin(FilterLookupsOnlyMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "generated_at",
        "patient_id_link",
        "snapshot_id",
        "generated_by",
        "kind",
        "profile",
        "channel",
        "paper_size",
        "page_count",
        "short_sha256",
    )
    list_filter = ("kind", "channel", "paper_size", "generated_at")
    # Matching a referral to what was sent: search by the hash printed from the file, or by id.
    search_fields = ("=sha256", "=patient__id")
    date_hierarchy = "generated_at"
    ordering = ("-generated_at", "-pk")
    list_select_related = ("patient",)
    fields = (
        "generated_at",
        "patient",
        "snapshot",
        "generated_by",
        "generated_by_user",
        "kind",
        "profile",
        "channel",
        "paper_size",
        "page_count",
        "byte_size",
        "sha256",
    )
    readonly_fields = fields

    @admin.display(description="Patient id", ordering="patient_id")
    def patient_id_link(self, obj):
        return obj.patient_id

    @admin.display(description="SHA-256")
    def short_sha256(self, obj):
        return f"{obj.sha256[:16]}…"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        clinic = clinic_of(request.user)
        return queryset.filter(patient__clinic=clinic) if clinic else queryset.none()
