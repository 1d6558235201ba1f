"""Patient list, patient page and patient create/edit (stubs, being built)."""

from django.http import HttpResponse
from django.shortcuts import render

from patients.access import get_visible_patient


def patient_list(request):
    return render(request, "patients/patient_list.html", {})


def patient_create(request):
    return HttpResponse("todo")


def patient_detail(request, pk):
    get_visible_patient(request.user, pk)
    return HttpResponse("todo")


def patient_edit(request, pk):
    get_visible_patient(request.user, pk)
    return HttpResponse("todo")


def patient_timeline(request, pk):
    get_visible_patient(request.user, pk)
    return HttpResponse("<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/svg+xml")
