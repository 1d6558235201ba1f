"""Issue 10 §6: a page number past any list is the last page (clinician list) or Django's own
answer for a page that does not exist (admin), never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.models import Membership
from tests.factories import make_patients, make_user

HUGE = "99999999999999999999999"


@pytest.mark.django_db
@pytest.mark.parametrize("page", [HUGE, "9" * 40, "1000000", "-5", "1e400"])
def test_the_patient_list_shows_its_last_page_for_a_huge_page_number(clinician_client, clinic, page):
    make_patients(clinic, 30, name_prefix="Listed")

    response = clinician_client.get(reverse("patients:list"), {"page": page})

    assert response.status_code == 200
    shown = [patient.name for patient in response.context["page"].object_list]
    if page.lstrip("-").isdigit() and int(page) > 1:
        assert shown == [f"Listed {index:04d}" for index in range(25, 30)]  # the last page
    else:
        assert shown[0] == "Listed 0000"  # not understood: the first page, with a note


@pytest.mark.django_db
@pytest.mark.parametrize("page", [HUGE, "9" * 40, "1000"])
def test_the_admin_answers_a_huge_page_number_without_an_error(client, clinic, page):
    make_patients(clinic, 30)
    client.force_login(make_user(clinic, Membership.CLINIC_ADMIN, username="admin_north"))

    response = client.get(reverse("admin:patients_patient_changelist"), {"p": page}, follow=True)

    assert response.status_code == 200  # Django's "no such page" answer (?e=1), not a 500
    assert response.redirect_chain and "e=1" in response.redirect_chain[-1][0]
