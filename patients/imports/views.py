"""Import trials: upload a file (nothing saved), review the proposed rows, accept or discard."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render

from audit.decorators import audits_patient_read
from patients.access import get_visible_patient
from patients.imports.forms import UploadForm
from patients.imports.proposal import KINDS
from patients.imports.reading import MAX_ROWS, ImportFileError
from patients.imports.service import BatchAlreadyDecided, accept, build_review, create_batch, discard
from patients.models import ImportBatch
from staging.engine.text import plural

KIND_TITLES = {
    "trials": "Antidepressant trials",
    "ect_courses": "ECT courses",
    "other_courses": "Other courses",
    "scores": "Scale scores",
}


@audits_patient_read()
def import_upload(request, pk):
    patient = get_visible_patient(request.user, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = create_batch(form.cleaned_data["file"], patient, request.user)
        except ImportFileError as error:
            form.add_error("file", f"Nothing was imported. {error}")
        else:
            return redirect("patients:import_review", pk=patient.pk, batch=batch.pk)
    return render(request, "patients/imports/upload.html", {"patient": patient, "form": form, "max_rows": MAX_ROWS})


@audits_patient_read()
def import_review(request, pk, batch):
    patient = get_visible_patient(request.user, pk)
    batch = get_object_or_404(ImportBatch, pk=batch, patient=patient)
    if batch.status != ImportBatch.PENDING:
        return render(request, "patients/imports/decided.html", {"patient": patient, "batch": batch})
    if request.method == "POST" and "discard" in request.POST:
        try:
            discard(batch, request.user)
        except BatchAlreadyDecided as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The import was discarded; nothing from the file was saved.")
        return redirect(patient)
    review = build_review(batch, request.POST if request.method == "POST" else None)
    if request.method == "POST" and review.is_valid():
        try:
            summary = accept(review, request.user)
        except BatchAlreadyDecided as error:
            messages.error(request, str(error))
            return redirect(patient)
        except IntegrityError:
            # A row the forms let through but the database refused (a change made meanwhile):
            # the transaction rolled back, so nothing was saved.
            messages.error(
                request, "Nothing was saved: the records changed meanwhile. Review the rows and accept again."
            )
            return redirect("patients:import_review", pk=patient.pk, batch=batch.pk)
        accepted = sum(len(summary[kind]["accepted"]) for kind in KINDS)
        messages.success(request, f"Imported {plural(accepted, 'row')} from {batch.file_name}; staging updated.")
        return redirect(patient)
    sections = [(kind, KIND_TITLES[kind], review.formsets[kind], review.rows(kind)) for kind in KINDS]
    return render(
        request,
        "patients/imports/review.html",
        {"patient": patient, "batch": batch, "review": review, "sections": sections, "errors": review.errors},
    )
