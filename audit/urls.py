from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("patients/<int:pk>/audit/", views.patient_history, name="patient_history"),
]
