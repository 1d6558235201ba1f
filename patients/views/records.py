"""Patient list (home page), patient page, patient create/edit and the timeline image."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from audit.decorators import audits_patient_read, audits_patient_set
from audit.log import record_patient_set
from audit.models import AuditEntry
from patients.access import clinic_of, get_visible_patient, is_clinic_admin, visible_patients
from patients.concurrency import EditConflict
from patients.filters import LIST_COLUMNS, PAGE_SIZE, SEARCH_FIELD, PatientListForm
from patients.forms.patient import PatientForm
from patients.pagination import CappedCountPaginator
from patients.patient_page import age_today, build_patient_page
from patients.services import current_episode, staging_as_of_today
from patients.timeline import render_timeline_svg

SEARCH_SESSION_KEY = "patient_list_search"


def _remember_search(request):
    """The search form was posted (or ?clear asked to forget it): keep the search in the session
    and send the browser back to the list with only the other filters in the address."""
    clearing = "clear" in request.GET or "clear" in request.POST
    request.session[SEARCH_SESSION_KEY] = "" if clearing else request.POST.get(SEARCH_FIELD, "").strip()[:200]
    kept = {
        name: request.POST[name]
        for name in PatientListForm.base_fields
        if name not in (SEARCH_FIELD, "page") and request.POST.get(name) and not clearing
    }
    url = reverse("patients:list")
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


@audits_patient_set
def patient_list(request):
    """The search is posted and remembered in the session, never put in a URL (proxies and
    gunicorn log URLs); the other filters, the sort and the page stay in the address."""
    if request.method == "POST" or "clear" in request.GET:
        return _remember_search(request)
    data = request.GET.copy()
    data[SEARCH_FIELD] = request.session.get(SEARCH_SESSION_KEY, "")
    filters = PatientListForm(data)
    patients = filters.apply(visible_patients(request.user).only(*LIST_COLUMNS))
    if request.user.is_superuser:
        patients = patients.select_related("clinic").only(*LIST_COLUMNS, "clinic__name")
    wanted_page = filters.value("page") or 1
    page = CappedCountPaginator(patients, PAGE_SIZE, wanted_page=wanted_page).get_page(wanted_page)
    record_patient_set(AuditEntry.LIST, [patient.pk for patient in page], request=request, what="patients:list")
    return render(
        request,
        "patients/patient_list.html",
        {
            "filters": filters,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "today": timezone.localdate(),
            "sort_links": filters.sort_links(),
            "page_query": filters.page_query(),
            "any_filter": bool(filters.active_filters()),
            "show_clinic": request.user.is_superuser,
            "has_clinic": request.user.is_superuser or clinic_of(request.user) is not None,
        },
    )


def _save_patient(request, form: PatientForm):
    """Save inside one transaction; a record number taken meanwhile becomes a form error."""
    try:
        with transaction.atomic():
            return form.save()
    except EditConflict as conflict:
        form.add_error(None, str(conflict))
        return None
    except IntegrityError:
        number = form.cleaned_data.get("record_number")
        form.add_error("record_number", f"Record number {number} is already used in this clinic.")
        return None


def patient_create(request):
    clinic = clinic_of(request.user)
    if clinic is None and not request.user.is_superuser:
        return render(request, "patients/patient_form.html", {"no_clinic": True}, status=403)
    form = PatientForm(request.POST or None, clinic=clinic, choose_clinic=request.user.is_superuser)
    if request.method == "POST" and form.is_valid():
        patient = _save_patient(request, form)
        if patient is not None:
            messages.success(request, "Patient created. Next, enter the current episode.")
            return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "creating": True})


@audits_patient_read()
def patient_edit(request, pk):
    patient = get_visible_patient(request.user, pk)
    form = PatientForm(request.POST or None, instance=patient, clinic=patient.clinic)
    if request.method == "POST" and form.is_valid() and _save_patient(request, form) is not None:
        messages.success(request, "Patient details saved.")
        return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient, "creating": False})


@audits_patient_read()
def patient_detail(request, pk):
    patient = get_visible_patient(request.user, pk)
    staging_as_of_today(patient)
    page = build_patient_page(patient)
    can_read_audit = request.user.is_superuser or is_clinic_admin(request.user)
    return render(
        request,
        "patients/patient_detail.html",
        {"page": page, "patient": patient, "age": age_today(patient), "can_read_audit": can_read_audit},
    )


@audits_patient_read()
def patient_timeline(request, pk):
    patient = get_visible_patient(request.user, pk)
    episode = current_episode(patient)
    if episode is None:
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" role="img" aria-label="No current episode"/>'
        )
    else:
        svg = render_timeline_svg(episode, list(episode.scale_scores.all()))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
