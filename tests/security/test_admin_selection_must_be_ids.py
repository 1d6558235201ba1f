"""Issue 10 §7: a selection that is not a list of row ids is a 400, not a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.models import Membership
from tests.factories import make_patient, make_user

CHANGELIST = reverse("admin:patients_patient_changelist")


@pytest.fixture
def admin_client(client, clinic):
    client.force_login(make_user(clinic, Membership.CLINIC_ADMIN, username="admin_north"))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("selected", ["abc", "1.5", "", "-3", "9" * 30, "١٢"])
def test_a_selection_that_is_not_an_id_is_a_bad_request(admin_client, clinic, selected):
    patient = make_patient(clinic)
    response = admin_client.post(
        CHANGELIST, {"action": "recompute_staging", "_selected_action": [str(patient.pk), selected]}
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_selection_of_ids_still_runs_the_action(admin_client, clinic):
    patient = make_patient(clinic)
    response = admin_client.post(
        CHANGELIST, {"action": "recompute_staging", "_selected_action": [str(patient.pk)]}, follow=True
    )
    assert response.status_code == 200
    assert "Recomputed 1 patient;" in " ".join(str(message) for message in response.context["messages"])
