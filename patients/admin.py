"""The clinic admin's review of the patient list: who is at which stage, who meets regulatory
TRD, whose staging is old — from 30 patients to 100,000.

Scope: a superuser sees every clinic; a clinic admin (staff with a clinic_admin membership and
the "Clinic admins" group, patients.permissions) sees and changes only their clinic's patients,
and another clinic's patient "doesn't exist" for them (patients.access). Staging columns are
never edited here: patients.services.restage writes them.

Scale: every filter and sort reads the denormalised staging columns of Patient and follows one
of its indexes; the changelist runs the same number of queries at any size (pinned in
tests/patients/test_admin.py).
"""

from __future__ import annotations

import csv
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import cached_property

from audit.admin_views import AuditedPatientAdminMixin
from audit.log import record_patient_set
from audit.models import AuditEntry
from patients.access import clinic_of, visible_patients
from patients.concurrency import EditConflict, check_version, claim_version
from patients.csv_export import Echo as _Echo
from patients.csv_export import csv_safe
from patients.forms.patient import check_date_of_birth
from patients.models import Clinic, EctCourse, Episode, Membership, OtherCourse, Patient, ScaleScore, Trial
from patients.pagination import IdsFirstPaginator
from patients.permissions import make_clinic_admin_user
from patients.services import restage, restage_many, stale_patients
from staging.engine.text import plural
from trd_clinic.admin_lookups import FilterLookupsOnlyMixin
from trd_clinic.admin_readonly import ReadOnlyAdminMixin

STAGING_FIELDS = Patient.STAGING_SUMMARY_FIELDS


# ---------------------------------------------------------------------------------------------
# Filters


def titled(filter_class, title: str):
    """A field filter with a clinician's title instead of the field's verbose name."""

    class TitledFilter(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    TitledFilter.__name__ = f"{filter_class.__name__}_{title}"
    return TitledFilter


class MsmTotalFilter(admin.SimpleListFilter):
    """Fixed choices 3–15 (rules §4.2): Django's default would run SELECT DISTINCT over the table."""

    title = "MSM total"
    parameter_name = "msm_total"

    def lookups(self, request, model_admin):
        return [(str(total), str(total)) for total in range(3, 16)] + [("none", "Not applicable")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(msm_total__isnull=True)
        if value and value.isdigit() and 3 <= int(value) <= 15:
            return queryset.filter(msm_total=int(value))
        return queryset


class LastAssessedFilter(admin.SimpleListFilter):
    """Whose staging is old: the question the clinic admin asks, in months rather than dates."""

    title = "last assessed"
    parameter_name = "assessed"
    AGES = {
        "30d": ("Within 30 days", 30),
        "6m": ("More than 6 months ago", 182),
        "12m": ("More than 12 months ago", 365),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.AGES.items()] + [("never", "Never staged")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "never":
            return queryset.filter(last_assessed_at__isnull=True)
        if value in self.AGES:
            cutoff = timezone.now() - timedelta(days=self.AGES[value][1])
            return (
                queryset.filter(last_assessed_at__gte=cutoff)
                if value == "30d"
                else queryset.filter(last_assessed_at__lt=cutoff)
            )
        return queryset


class PatientAdminForm(forms.ModelForm):
    """For a clinic admin the clinic is not a form field; check record-number uniqueness here,
    which Django skips for a constraint on a field outside the form.

    An edit carries the version the admin saw (`seen_version`, as the clinician's forms do,
    patients.concurrency): a patient saved by someone else meanwhile is refused with the same
    message, while the form is validated, so Django shows the form again with what was typed.
    """

    fixed_clinic: Clinic | None = None
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Patient
        fields = "__all__"  # noqa: DJ007

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.fixed_clinic is not None and not self.instance.pk:
            self.instance.clinic = self.fixed_clinic
        if self.instance.pk:
            self.fields["seen_version"].initial = self.instance.version

    @cached_property
    def changed_data(self):
        # The version seen is bookkeeping, not a change (the admin's history message lists changes).
        return [name for name in super().changed_data if name != "seen_version"]

    def clean_date_of_birth(self):
        return check_date_of_birth(self.cleaned_data["date_of_birth"])

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                # The admin validates and saves in one transaction: the row stays locked until saved.
                check_version(self.instance, cleaned.get("seen_version"), "This patient's record")
            except EditConflict as conflict:
                raise forms.ValidationError(str(conflict)) from None
        record_number = cleaned.get("record_number")
        if "clinic" not in self.fields and record_number and self.instance.clinic_id:
            duplicate = Patient.objects.filter(clinic_id=self.instance.clinic_id, record_number=record_number)
            if duplicate.exclude(pk=self.instance.pk).exists():
                self.add_error("record_number", "This clinic already has a patient with this record number.")
        return cleaned


CSV_HEADER = [
    "Record number",
    "Name",
    "Clinic",
    "Thase-Rush stage",
    "MSM total",
    "MSM category",
    "MGH-S",
    "Label",
    "Regulatory TRD",
    "DTD",
    "Last assessed",
    "Staging as of",
    "Ruleset",
]


def _yes_no(value, yes="yes", no="no") -> str:
    return "" if value is None else (yes if value else no)


def staging_csv_row(patient: Patient) -> list[str]:
    snapshot = patient.current_snapshot
    return [
        patient.record_number,
        patient.name,
        patient.clinic.name,
        patient.get_thase_rush_stage_display() if patient.thase_rush_stage is not None else "",
        patient.msm_total,
        patient.get_msm_category_display(),
        patient.mgh_score,
        patient.get_label_display(),
        _yes_no(patient.regulatory_trd),
        _yes_no(patient.dtd_met, "met", "not met"),
        timezone.localdate(patient.last_assessed_at).isoformat() if patient.last_assessed_at else "",
        patient.staged_on.isoformat() if patient.staged_on else "",
        snapshot.ruleset if snapshot else "",
    ]


def _is_row_id(value: str) -> bool:
    """A primary key the database can hold (a positive 64-bit integer)."""
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**63


class EpisodeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Episode
    fields = ("onset", "ended_on", "severity", "functional_impairment", "trial_count")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_trials=Count("trials"))

    @admin.display(description="Trials")
    def trial_count(self, episode):
        return episode.number_of_trials


class ClinicScopedAdmin(FilterLookupsOnlyMixin, admin.ModelAdmin):
    """Objects outside the user's clinic are refused like missing ones (never "forbidden").
    Only the lookups of the page's own filters are accepted from the URL (trd_clinic.admin_lookups)."""

    def changelist_view(self, request, extra_context=None):
        # Django filters the selection with pk__in=<the posted values>: a value that is not an id
        # would fail in the database (a 500); it can only come from a crafted post.
        if request.method == "POST" and not all(
            _is_row_id(value) for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        ):
            raise BadRequest("The selection holds a value that is not a row id.")
        return super().changelist_view(request, extra_context)

    def patient_clinic_id(self, obj) -> int:
        raise NotImplementedError

    def in_scope(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        clinic = clinic_of(request.user)
        return clinic is not None and self.patient_clinic_id(obj) == clinic.pk

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)


@admin.register(Patient)
class PatientAdmin(AuditedPatientAdminMixin, ClinicScopedAdmin):
    form = PatientAdminForm
    list_display = (
        "record_number",
        "name",
        "clinic_name",
        "stage",
        "msm_total_display",
        "msm_category_display",
        "label_display",
        "regulatory_trd_display",
        "dtd_display",
        "last_assessed",
    )
    list_display_links = ("record_number", "name")
    list_select_related = ("clinic",)
    search_fields = ("name", "record_number")
    search_help_text = "Part of a name or a record number."
    ordering = ("name", "id")
    # The clinician list's 25: rendering a row costs the admin more than finding it, and a full
    # page must stay well under 100 ms on a busy server (bench/patient_list.py).
    list_per_page = 25
    # Django would otherwise count the whole (unfiltered) table on every page, besides the
    # filtered count the pages need.
    show_full_result_count = False
    # A deep page skips index entries, not rows (patients.pagination).
    paginator = IdsFirstPaginator
    readonly_fields = STAGING_FIELDS + ("version", "created_at", "updated_at")
    inlines = [EpisodeInline]
    actions = ["export_staging_csv", "recompute_staging"]

    def patient_clinic_id(self, obj):
        return obj.clinic_id

    def get_queryset(self, request):
        # A sorted column's ties go by name, then pk: Django's changelist appends the
        # queryset's own ordering to the column's, as the clinician list orders them
        # (patients.filters.ordering_for) and as the (clinic, <column>, name, id) indexes do.
        # "id", not "pk": Django recognises a field name as the total order and adds no "-pk".
        return visible_patients(request.user).order_by("name", "id")

    def get_list_filter(self, request):
        filters = [
            ("thase_rush_stage", titled(admin.ChoicesFieldListFilter, "Thase–Rush stage")),
            MsmTotalFilter,
            ("msm_category", titled(admin.ChoicesFieldListFilter, "MSM category")),
            ("label", titled(admin.ChoicesFieldListFilter, "label")),
            ("regulatory_trd", titled(admin.BooleanFieldListFilter, "regulatory TRD")),
            ("dtd_met", titled(admin.BooleanFieldListFilter, "DTD")),
            LastAssessedFilter,
        ]
        if request.user.is_superuser:  # a clinic admin has one clinic: the filter would be noise
            filters.insert(0, "clinic")
        return filters

    def get_fieldsets(self, request, obj=None):
        patient_fields = ["record_number", "name", "date_of_birth", "sex"]
        if request.user.is_superuser or obj is not None:
            patient_fields.insert(0, "clinic")
        if obj is not None:
            patient_fields.append("seen_version")
        return [
            (None, {"fields": patient_fields}),
            (
                "Current staging (computed from the current episode; read-only)",
                {"fields": list(STAGING_FIELDS)},
            ),
            ("Record", {"fields": ["version", "created_at", "updated_at"], "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return self.readonly_fields
        return self.readonly_fields + ("clinic",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not request.user.is_superuser:
            form = type(form.__name__, (form,), {"fixed_clinic": clinic_of(request.user)})
        return form

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            request.user.is_superuser or clinic_of(request.user) is not None
        )

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.clinic = clinic_of(request.user)  # a clinic admin's patient is always their clinic's
        if change:
            # checked by the form (check_version) in this transaction; the clinicians' open forms
            # now see the change (patients.concurrency)
            claim_version(obj, form.cleaned_data.get("seen_version"), "This patient's record")
        super().save_model(request, obj, form, change)
        if change and "date_of_birth" in form.changed_data:
            restage(obj)  # age selects the 65+ minimum doses (rules §3.2, §9)

    # -- columns ----------------------------------------------------------------------------

    @admin.display(description="Clinic", ordering="clinic_id")
    def clinic_name(self, patient):
        return patient.clinic.name

    @admin.display(description="Thase–Rush stage", ordering="thase_rush_stage", empty_value="—")
    def stage(self, patient):
        return None if patient.thase_rush_stage is None else patient.get_thase_rush_stage_display()

    @admin.display(description="MSM total", ordering="msm_total", empty_value="—")
    def msm_total_display(self, patient):
        return patient.msm_total

    @admin.display(description="MSM category", ordering="msm_category", empty_value="—")
    def msm_category_display(self, patient):
        return patient.get_msm_category_display() or None

    @admin.display(description="Label", ordering="label", empty_value="—")
    def label_display(self, patient):
        return patient.get_label_display() or None

    @admin.display(description="Regulatory TRD", ordering="regulatory_trd", boolean=True)
    def regulatory_trd_display(self, patient):
        return patient.regulatory_trd

    @admin.display(description="DTD", ordering="dtd_met", boolean=True)
    def dtd_display(self, patient):
        return patient.dtd_met

    @admin.display(description="Last assessed", ordering="last_assessed_at", empty_value="never")
    def last_assessed(self, patient):
        return timezone.localdate(patient.last_assessed_at) if patient.last_assessed_at else None

    # -- actions ----------------------------------------------------------------------------

    @admin.action(description="Export the selected patients' staging as CSV", permissions=["view"])
    def export_staging_csv(self, request, queryset):
        # rules §1.1: an export is as of today; stagings dated another day are recomputed first.
        restage_many(stale_patients(queryset).order_by("pk").values_list("pk", flat=True))
        patients = (
            queryset.select_related("clinic", "current_snapshot")
            .only(
                "record_number",
                "name",
                "clinic__name",
                "current_snapshot__ruleset",
                *[field for field in STAGING_FIELDS if field != "current_snapshot"],
            )
            .order_by("name", "pk")
        )
        writer = csv.writer(_Echo())

        # Every patient the file contains, recorded before it is sent (issue 10 §2).
        record_patient_set(
            AuditEntry.EXPORT_CSV, patients.values_list("pk", flat=True), request=request, what="admin CSV export"
        )

        def rows():
            yield writer.writerow(CSV_HEADER)
            for patient in patients.iterator(chunk_size=2000):
                yield writer.writerow([csv_safe(cell) for cell in staging_csv_row(patient)])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        # No patient data in the file name: it reaches download histories and proxies.
        filename = f"patient-staging-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @admin.action(description="Recompute staging for the selected patients", permissions=["change"])
    def recompute_staging(self, request, queryset):
        staged, changed = restage_many(queryset.order_by("pk").values_list("pk", flat=True))
        self.message_user(
            request,
            f"Recomputed {plural(staged, 'patient')}; {plural(changed, 'result')} changed.",
            messages.SUCCESS,
        )


# ---------------------------------------------------------------------------------------------
# Episodes: read-only, reached from a patient's page


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name not in ("id", "episode", "trial")] + list(
            getattr(self, "extra_readonly", ())
        )


class TrialInline(ReadOnlyInline):
    model = Trial
    extra_readonly = ("augmentation_agents",)
    exclude = ("version",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("augmentations")

    @admin.display(description="Augmentation")
    def augmentation_agents(self, trial):
        return ", ".join(str(augmentation) for augmentation in trial.augmentations.all()) or "—"


class EctCourseInline(ReadOnlyInline):
    model = EctCourse


class OtherCourseInline(ReadOnlyInline):
    model = OtherCourse


class ScaleScoreInline(ReadOnlyInline):
    model = ScaleScore


@admin.register(Episode)
class EpisodeAdmin(AuditedPatientAdminMixin, ReadOnlyAdminMixin, ClinicScopedAdmin):
    audit_patient_path = "patient_id"
    list_display = ("patient", "onset", "ended_on", "severity")
    list_select_related = ("patient",)
    show_full_result_count = False
    inlines = [TrialInline, EctCourseInline, OtherCourseInline, ScaleScoreInline]
    exclude = ("version",)

    def patient_clinic_id(self, obj):
        return obj.patient.clinic_id

    def get_queryset(self, request):
        return super().get_queryset(request).filter(patient__in=visible_patients(request.user))

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Episode._meta.fields if field.name != "id"]

    def get_model_perms(self, request):
        return {}  # not on the admin index: episodes are opened from their patient's page


# ---------------------------------------------------------------------------------------------
# Clinics and memberships: superusers only


class SuperuserOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Clinic)
class ClinicAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Membership)
class MembershipAdmin(SuperuserOnlyAdmin):
    list_display = ("user", "clinic", "role")
    list_filter = ("role", "clinic")
    list_select_related = ("user", "clinic")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("clinic",)
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.role == Membership.CLINIC_ADMIN:
            make_clinic_admin_user(obj.user)  # staff + group, or the admin would stay closed to them
