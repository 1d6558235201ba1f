from django.urls import path

from staging import eligibility_views, views

app_name = "staging"

# Addressed by the patient's database id only: URLs reach server logs.
urlpatterns = [
    path("patients/<int:pk>/report.pdf", views.staging_report, name="report"),
    path("patients/<int:pk>/staging.json", views.staging_json, name="json"),
    # rules §12: POST only (the packet's reason for referral must not travel in a URL)
    path("patients/<int:pk>/eligibility/answer", eligibility_views.answer, name="eligibility_answer"),
    path("patients/<int:pk>/eligibility/packet.pdf", eligibility_views.packet, name="eligibility_packet"),
]
