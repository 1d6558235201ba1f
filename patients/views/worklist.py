"""The worklist (/worklist/) and its CSV export: who needs what, oldest first."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone

from audit import log
from audit.decorators import audits_patient_set
from audit.models import AuditEntry
from patients.csv_export import streaming_csv
from patients.views.dashboard import Scope, scoped_to_clinic
from patients.worklist import CSV_HEADER, PAGE_SIZE, WorklistForm, csv_rows, work_items, worklist_queryset

CSV_CHUNK = 2000


@audits_patient_set
@scoped_to_clinic("patients/worklist.html")
def worklist(request, scope: Scope):
    form = WorklistForm(request.GET)
    number = form.value("page") or 1
    now = timezone.now()  # one moment for "which patients" and "what each needs"
    queryset = worklist_queryset(scope.patients, scope.clinics, form, now=now)
    # No total: counting everyone who needs something means checking every patient of the
    # clinic. A page asks for one row more than it shows, to know whether a next page exists.
    start = (number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    items = work_items(rows[:PAGE_SIZE], scope.clinics, form.reasons(), now=now)
    log.record_patient_set(AuditEntry.LIST, [item.patient.pk for item in items], request=request, what="worklist")
    return render(
        request,
        "patients/worklist.html",
        {
            "scope": scope,
            "form": form,
            "items": items,
            "page_number": number,
            "first_row": start + 1,
            "last_row": start + len(items),
            "has_previous": number > 1,
            "has_next": len(rows) > PAGE_SIZE,
            "page_query": urlencode(
                form.query(**({"clinic": scope.clinic.pk} if scope.choices and scope.clinic else {}))
            ),
        },
    )


@audits_patient_set
@scoped_to_clinic("patients/worklist.html")
def worklist_csv(request, scope: Scope):
    """Every row of the (filtered) worklist, one line per patient and reason, formula-safe."""
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
