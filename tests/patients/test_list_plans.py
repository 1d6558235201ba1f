"""PostgreSQL only: every list sort walks an index in its own order, so a page's ids never need
a sort of the clinic's patients (patients.pagination, migration 0003). A change to
patients.filters.ordering_for that stops matching its index fails here, not at 100,000 patients.

The test tables are tiny, so the planner is told sequential scans and sorts are expensive; it
then still picks a plan with a Sort if no index delivers the ORDER BY.
"""

import re

import pytest
from django.db import connection

from patients.access import visible_patients
from patients.filters import PatientListForm
from patients.models import Patient
from tests.factories import make_patients
from tests.query_plans import plan_preferring_indexes

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")


def _plan_of_page_two_ids(user, params) -> str:
    return plan_preferring_indexes(
        PatientListForm(params).apply(visible_patients(user)).values_list("pk", flat=True)[25:50]
    )


@pytest.mark.parametrize(
    "params, indexes",
    [
        ({}, {"patient_clinic_name"}),
        ({"sort": "-name"}, {"patient_clinic_name"}),
        # a filter may walk its own index or the sort's, filtering: either way no sort
        ({"label": "trd"}, {"patient_clinic_label", "patient_clinic_name"}),
        ({"regulatory_trd": "yes"}, {"patient_clinic_regtrd", "patient_clinic_name"}),
        ({"stage": "2", "sort": "-msm"}, {"patient_clinic_stage_msm_desc", "patient_clinic_msm_total_desc"}),
        ({"sort": "stage"}, {"patient_clinic_stage"}),
        ({"sort": "-stage"}, {"patient_clinic_stage_desc"}),
        ({"sort": "msm"}, {"patient_clinic_msm_total"}),
        ({"sort": "-msm"}, {"patient_clinic_msm_total_desc"}),
        ({"sort": "mgh"}, {"patient_clinic_mgh"}),
        ({"sort": "-mgh"}, {"patient_clinic_mgh_desc"}),
        ({"sort": "assessed"}, {"patient_clinic_last_assessed"}),
        ({"sort": "-assessed"}, {"patient_clinic_last_assessed_desc"}),
        ({"sort": "record_number"}, {"patient_clinic_record_sort"}),
        ({"sort": "-record_number"}, {"patient_clinic_record_sort"}),
        ({"sort": "label"}, {"patient_clinic_label_sort"}),
        ({"sort": "-label"}, {"patient_clinic_label_sort_desc"}),
    ],
)
def test_page_ids_follow_an_index_without_sorting(clinician, clinic, other_clinic, params, indexes):
    patients = make_patients(clinic, 60) + make_patients(other_clinic, 240)  # the clinic is a real filter
    for number, patient in enumerate(patients):
        Patient.objects.filter(pk=patient.pk).update(
            thase_rush_stage=number % 6,
            msm_total=3 + number % 13,
            label="trd" if number % 3 else "prd",
            regulatory_trd=number % 2 == 0,
        )

    plan = _plan_of_page_two_ids(clinician, params)

    used = set(re.findall(r"using (\w+) on patients_patient", plan))
    assert used and used <= indexes, plan
    assert "Sort" not in plan, plan
