from django.urls import path

from patients.fhir import views as fhir_views
from patients.imports import views as import_views
from patients.views import dashboard, entry, records, worklist

app_name = "patients"

# Patients are addressed by their database id, never by name or record number: URLs reach
# server logs, and identifiable data must not.
urlpatterns = [
    path("", records.patient_list, name="list"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/settings/", dashboard.clinic_settings, name="clinic_settings"),
    path("worklist/", worklist.worklist, name="worklist"),
    path("worklist/export.csv", worklist.worklist_csv, name="worklist_csv"),
    path("patients/new/", records.patient_create, name="create"),
    path("patients/<int:pk>/", records.patient_detail, name="detail"),
    path("patients/<int:pk>/edit/", records.patient_edit, name="edit"),
    path("patients/<int:pk>/timeline.svg", records.patient_timeline, name="timeline"),
    path("patients/<int:pk>/episode/", entry.episode_edit, name="episode"),
    path("patients/<int:pk>/episode/new/", entry.episode_new, name="episode_new"),
    path("patients/<int:pk>/trials/", entry.trials_edit, name="trials"),
    path("patients/<int:pk>/courses/", entry.courses_edit, name="courses"),
    path("patients/<int:pk>/scores/", entry.scores_edit, name="scores"),
    path("api/v1/patients/<int:pk>/fhir", fhir_views.patient_fhir, name="fhir"),
    path("patients/<int:pk>/import/", import_views.import_upload, name="import"),
    path("patients/<int:pk>/import/<int:batch>/", import_views.import_review, name="import_review"),
]
