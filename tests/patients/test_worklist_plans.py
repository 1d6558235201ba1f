"""PostgreSQL only: a worklist page, whatever its reason and order, walks the (clinic,
last_assessed_at, name, id) index in the page's order and reads only the patients table: the
reasons are columns of the row (patients.needs), not searches of episodes, trials or courses.

As in test_list_plans, the test tables are tiny, so the planner is told sequential scans and
sorts are expensive; it then still picks a plan with a Sort if no index delivers the ORDER BY.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from patients.access import visible_patients
from patients.models import Patient
from patients.worklist import PAGE_SIZE, REASONS, WorklistForm, worklist_queryset
from tests.factories import make_patients
from tests.query_plans import plan_preferring_indexes

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")


@pytest.mark.parametrize("order", ["longest", "shortest"])
@pytest.mark.parametrize("reason", ["", *REASONS])
def test_a_page_follows_the_last_assessed_index_without_sorting(clinician, clinic, other_clinic, reason, order):
    patients = make_patients(clinic, 60) + make_patients(other_clinic, 240)  # the clinic is a real filter
    now = timezone.now()
    for number, patient in enumerate(patients):
        Patient.objects.filter(pk=patient.pk).update(
            last_assessed_at=now - timedelta(days=number % 200),
            needs_screening=number % 2 == 0,
            needs_trials=number % 3 == 0,
            needs_referral=number % 5 == 0,
            needs_eligibility=number % 7 == 0,
        )
    form = WorklistForm({"reason": reason, "order": order})
    page = worklist_queryset(visible_patients(clinician), [clinic], form, now=now)[PAGE_SIZE : 2 * PAGE_SIZE + 1]

    plan = plan_preferring_indexes(page)

    assert set(re.findall(r"using (\w+) on (\w+)", plan)) == {("patient_clinic_last_assessed", "patients_patient")}, (
        plan
    )
    assert "Sort" not in plan and "SubPlan" not in plan, plan
