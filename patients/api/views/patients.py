"""/api/v1/patients: the list (the list page's filters, search and sort), one patient with its
staging as of today, creating and editing a patient."""

from __future__ import annotations

from django.core.paginator import InvalidPage
from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from audit import log
from audit.decorators import audits_patient_set
from audit.models import AuditEntry
from patients.access import clinic_of, get_visible_patient, visible_patients
from patients.api.forms import PatientForm, bind, require_valid
from patients.api.limits import MAX_LIST_RECORDS
from patients.api.preconditions import seen_version, stale
from patients.api.problems import InvalidInput
from patients.api.serializers import PatientDetailSerializer, PatientPageSerializer, PatientSerializer
from patients.api.views.base import ApiView, audit_read, edit_schema, responses, with_etag
from patients.concurrency import EditConflict
from patients.filters import LIST_COLUMNS, PAGE_SIZE, PatientListForm
from patients.pagination import CappedCountPaginator
from patients.services import restage, staging_as_of_today

_FILTERS = PatientListForm()
LIST_PARAMETERS = [
    OpenApiParameter(
        name,
        str if name != "page" else int,
        description=str(_FILTERS.fields[name].label or name),
        enum=[value for value, _ in getattr(_FILTERS.fields[name], "choices", []) if value != ""] or None,
    )
    for name in ("q", "stage", "msm", "label", "regulatory_trd", "dtd", "sort", "page")
] + [
    OpenApiParameter(
        "page_size", int, description=f"Patients per page, 1 to {MAX_LIST_RECORDS:,} (default {PAGE_SIZE})."
    )
]


def _page_size(request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:
        return PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_LIST_RECORDS:
        raise InvalidInput([("page_size", f"Enter a whole number from 1 to {MAX_LIST_RECORDS:,}.")])
    return size


def _patient_response(request, patient, status_code=status.HTTP_200_OK):
    snapshot = staging_as_of_today(patient)
    data = PatientDetailSerializer(patient, context={"snapshot": snapshot}).data
    return with_etag(Response(data, status=status_code), patient)


def _save(form: PatientForm):
    """The page's save, then a restage in the same transaction (the date of birth sets the age,
    rules §9); a record number taken meanwhile is the form's own error."""
    try:
        with transaction.atomic():
            patient = form.save()
            restage(patient)
            return patient
    except EditConflict:
        raise stale("This patient's record") from None
    except IntegrityError:
        number = form.cleaned_data.get("record_number")
        raise InvalidInput([("record_number", f"Record number {number} is already used in this clinic.")]) from None


@audits_patient_set
class PatientListView(ApiView):
    @extend_schema(
        summary="List patients",
        operation_id="patients_list",
        parameters=LIST_PARAMETERS,
        responses=responses({200: PatientPageSerializer}),
    )
    def get(self, request):
        filters = PatientListForm(request.query_params)
        require_valid(("", filters))
        page_size = _page_size(request)
        # the list page's columns, and the sex the API also shows: no per-row query for a deferred field
        patients = filters.apply(visible_patients(request.user).only(*LIST_COLUMNS, "sex"))
        wanted = filters.value("page") or 1
        paginator = CappedCountPaginator(patients, page_size, wanted_page=wanted)
        try:
            page = paginator.page(wanted)
        except InvalidPage:
            raise exceptions.NotFound(f"There is no page {wanted}: the list has {paginator.num_pages}.") from None
        rows = list(page.object_list)
        log.record_patient_set(AuditEntry.LIST, [row.pk for row in rows], request=request._request, what="api:patients")
        return Response(
            {
                "count": paginator.count,
                "count_is_capped": paginator.count_is_capped,
                "page": page.number,
                "page_size": page_size,
                "next_page": page.next_page_number() if page.has_next() else None,
                "previous_page": page.previous_page_number() if page.has_previous() else None,
                "results": PatientSerializer(rows, many=True).data,
            }
        )

    @extend_schema(
        summary="Create a patient",
        request=PatientSerializer,
        responses=responses({201: PatientDetailSerializer}),
    )
    def post(self, request):
        clinic = clinic_of(request.user)
        if clinic is None and not request.user.is_superuser:
            raise exceptions.PermissionDenied(
                "Your account is not attached to a clinic, so you cannot add patients. "
                "Ask your clinic administrator to add you to your clinic."
            )
        form = bind(PatientForm, request.data, clinic=clinic, choose_clinic=request.user.is_superuser)
        require_valid(("", form))
        patient = _save(form)
        response = _patient_response(request, patient, status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/patients/{patient.pk}"
        return response


class PatientDetailView(ApiView):
    @extend_schema(
        summary="A patient and their staging as of today", responses=responses({200: PatientDetailSerializer})
    )
    def get(self, request, pk):
        patient = get_visible_patient(request.user, pk)
        response = _patient_response(request, patient)
        audit_read(request, patient)
        return response

    @edit_schema("Replace a patient's details", PatientSerializer, PatientDetailSerializer)
    def put(self, request, pk):
        return self._edit(request, pk, partial=False)

    @edit_schema("Change some of a patient's details", PatientSerializer, PatientDetailSerializer)
    def patch(self, request, pk):
        return self._edit(request, pk, partial=True)

    def _edit(self, request, pk, *, partial: bool):
        patient = get_visible_patient(request.user, pk)
        seen = seen_version(request, patient, "This patient's record")
        form = bind(
            PatientForm,
            request.data,
            partial=partial,
            instance=patient,
            clinic=patient.clinic,
            extra={"seen_version": seen},
        )
        require_valid(("", form))
        return _patient_response(request, _save(form))
