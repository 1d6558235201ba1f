"""Pages with patient data carry Cache-Control: no-store (no copy in proxies or on disk)."""

from django.urls import reverse

from tests.factories import make_staged_trd_patient


def test_every_answer_to_a_logged_in_user_is_no_store(clinician_client, clinic):
    patient = make_staged_trd_patient(clinic)
    for url in (
        reverse("patients:list"),
        reverse("patients:detail", args=[patient.pk]),
        reverse("patients:trials", args=[patient.pk]),
        reverse("patients:timeline", args=[patient.pk]),
        reverse("staging:json", args=[patient.pk]),
    ):
        cache_control = clinician_client.get(url)["Cache-Control"]
        assert "no-store" in cache_control, url
