"""The worklist (/worklist/) and its CSV export: who needs what, oldest first."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone

from audit import log
from audit.decorators import audits_patient_set
from audit.models import AuditEntry
from patients.csv_export import streaming_csv
from patients.pagination import CappedCountPaginator
from patients.views.dashboard import clinic_scope
from patients.worklist import CSV_HEADER, PAGE_SIZE, WorklistForm, csv_rows, work_items, worklist_queryset

CSV_CHUNK = 2000


@audits_patient_set
def worklist(request):
    scope = clinic_scope(request)
    if scope.clinic is None and not request.user.is_superuser:
        return render(request, "patients/worklist.html", {"no_clinic": True}, status=403)
    form = WorklistForm(request.GET)
    wanted_page = form.value("page") or 1
    now = timezone.now()  # one moment for "which patients" and "what each needs"
    queryset = worklist_queryset(scope.patients, scope.clinics, form, now=now)
    page = CappedCountPaginator(queryset, PAGE_SIZE, wanted_page=wanted_page).get_page(wanted_page)
    items = work_items(page.object_list, scope.clinics, form.reasons(), now=now)
    log.record_patient_set(AuditEntry.LIST, [item.patient.pk for item in items], request=request, what="worklist")
    return render(
        request,
        "patients/worklist.html",
        {
            "scope": scope,
            "form": form,
            "page": page,
            "items": items,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "page_query": urlencode(
                form.query(**({"clinic": scope.clinic.pk} if scope.choices and scope.clinic else {}))
            ),
        },
    )


@audits_patient_set
def worklist_csv(request):
    """Every row of the (filtered) worklist, one line per patient and reason, formula-safe."""
    scope = clinic_scope(request)
    if scope.clinic is None and not request.user.is_superuser:
        return render(request, "patients/worklist.html", {"no_clinic": True}, status=403)
    form = WorklistForm(request.GET)
    clinics_by_id = {clinic.pk: clinic for clinic in scope.clinics}
    now = timezone.now()
    queryset = worklist_queryset(scope.patients, scope.clinics, form, now=now)
    # the set is recorded before the file is sent: what leaves is what the entry names
    ids = list(queryset.values_list("pk", flat=True))
    log.record_patient_set(AuditEntry.EXPORT_CSV, ids, request=request, what="worklist CSV export")

    def rows():
        for start in range(0, len(ids), CSV_CHUNK):
            chunk = ids[start : start + CSV_CHUNK]
            patients = {patient.pk: patient for patient in queryset.filter(pk__in=chunk)}
            found = [patients[pk] for pk in chunk if pk in patients]
            yield from csv_rows(work_items(found, scope.clinics, form.reasons(), now=now), clinics_by_id)

    return streaming_csv(CSV_HEADER, rows(), f"worklist-{timezone.localdate():%Y-%m-%d}.csv")
