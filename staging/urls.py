from django.urls import path

from staging import views

app_name = "staging"

# Addressed by the patient's database id only: URLs reach server logs (DEVELOPERS.md).
urlpatterns = [
    path("patients/<int:pk>/report.pdf", views.staging_report, name="report"),
    path("patients/<int:pk>/staging.json", views.staging_json, name="json"),
]
