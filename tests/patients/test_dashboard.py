"""The dashboard: figures from aggregate queries, scoped to the user's clinic, linked to the list."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.dashboard import dashboard_charts
from patients.models import Membership, Patient
from patients.services import restage
from tests.factories import (
    make_episode,
    make_patient,
    make_patients,
    make_staged_trd_patient,
    make_trial,
    make_user,
)

pytestmark = pytest.mark.django_db

NOW = "2026-11-15 10:00:00+00:00"
DASHBOARD = reverse("patients:dashboard")


def _charts(response) -> dict:
    data = json.loads(response.context["chart_data"] and json.dumps(response.context["chart_data"]))
    return {chart["key"]: {bar["label"]: bar for bar in chart["bars"]} for chart in data["charts"]}


def _dashboard_as(client, user):
    """The dashboard as `user` sees it: the response (200) and its charts."""
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response, _charts(response)


def _list_ids(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {patient.pk for patient in response.context["page"]}


@time_machine.travel(NOW, tick=False)
def test_each_bar_counts_the_patients_its_link_lists(clinic, client):
    trd = [make_staged_trd_patient(clinic) for _ in range(3)]
    unstaged = make_patient(clinic)
    single = make_patient(clinic)
    episode = make_episode(single, onset=date(2026, 1, 1))
    make_trial(episode, "sertraline", 150, 8, adherence=90, improvement=10)
    restage(single)

    response, charts = _dashboard_as(client, make_user(clinic, Membership.CLINIC_ADMIN))

    assert charts["label"]["TRD"]["count"] == 3
    assert charts["label"]["Single failure"]["count"] == 1
    assert charts["label"]["Never staged"]["count"] == 1
    assert charts["stage"]["Stage II"]["count"] == 3
    assert charts["regulatory_trd"]["Met"]["count"] == 3
    assert charts["regulatory_trd"]["Met"]["share"] == 60.0
    assert charts["assessed"]["Under 30 days"]["count"] == 4
    assert charts["assessed"]["Never staged"]["count"] == 1
    # every bar's link lists exactly the patients it counts
    assert _list_ids(client, charts["label"]["TRD"]["url"]) == {patient.pk for patient in trd}
    assert _list_ids(client, charts["stage"]["Stage I"]["url"]) == {single.pk}
    assert _list_ids(client, charts["assessed"]["Never staged"]["url"]) == {unstaged.pk}
    assert _list_ids(client, charts["regulatory_trd"]["Not met"]["url"]) == {single.pk}
    this_month = charts["new_trd"]["Nov 2026"]
    assert this_month["count"] == 3
    assert _list_ids(client, this_month["url"]) == {patient.pk for patient in trd}
    # the numbers are on the page as a table too, each linked to the list
    assert f'href="{charts["label"]["TRD"]["url"].replace("&", "&amp;")}">3</a>' in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_query_count_is_the_same_for_3_and_30_patients(clinic, client):
    admin = make_user(clinic, Membership.CLINIC_ADMIN)
    client.force_login(admin)
    for _ in range(3):
        make_staged_trd_patient(clinic)
    with CaptureQueriesContext(connection) as small:
        assert client.get(DASHBOARD).status_code == 200
    for _ in range(27):
        make_staged_trd_patient(clinic)
    make_patients(clinic, 10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(DASHBOARD)
    assert _charts(response)["label"]["TRD"]["count"] == 30
    assert len(small) == len(large), [query["sql"] for query in large]


def test_dashboard_figures_are_two_queries(clinic):
    make_staged_trd_patient(clinic)
    with CaptureQueriesContext(connection) as queries:
        dashboard_charts(Patient.objects.filter(clinic=clinic))
    assert len(queries) == 2


def test_a_clinician_of_another_clinic_sees_none_of_these_numbers(clinic, other_clinic, client):
    for _ in range(4):
        make_staged_trd_patient(clinic)

    response, charts = _dashboard_as(client, make_user(other_clinic, Membership.CLINICIAN))

    assert all(bar["count"] == 0 for bars in charts.values() for bar in bars.values())
    assert response.context["headline"]["patients"] == 0
    # asking for the other clinic by parameter changes nothing for a non-superuser
    response = client.get(DASHBOARD, {"clinic": clinic.pk})
    assert response.context["headline"]["patients"] == 0


def test_clinician_sees_own_clinic_and_superuser_picks_a_clinic(clinic, other_clinic, client, clinician):
    make_staged_trd_patient(clinic)
    make_staged_trd_patient(other_clinic)
    client.force_login(clinician)
    assert client.get(DASHBOARD).context["headline"]["patients"] == 1
    superuser = make_user(None, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    assert client.get(DASHBOARD).context["headline"]["patients"] == 2
    assert client.get(DASHBOARD, {"clinic": other_clinic.pk}).context["headline"]["patients"] == 1
    assert client.get(DASHBOARD, {"clinic": "nonsense"}).context["headline"]["patients"] == 2


def test_user_without_clinic_is_told_why(client):
    client.force_login(make_user(None))
    response = client.get(DASHBOARD)
    assert response.status_code == 403
    assert "not attached to a clinic" in response.content.decode()


def test_page_passes_data_as_json_script_and_loads_static_chart_code(clinic, client, clinician):
    client.force_login(clinician)
    html = client.get(DASHBOARD).content.decode()
    assert '<script id="dashboard-data" type="application/json">' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/dashboard.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_clinic_admin_sets_the_reassessment_period(clinic, client):
    admin = make_user(clinic, Membership.CLINIC_ADMIN)
    client.force_login(admin)
    response = client.post(reverse("patients:clinic_settings"), {"reassessment_after_days": "60"})
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.reassessment_after_days == 60

    response = client.post(reverse("patients:clinic_settings"), {"reassessment_after_days": "0"})
    assert response.status_code == 400
    assert "from 1 to 3650" in response.content.decode()
    assert 'value="0"' in response.content.decode()  # what was typed is kept
    clinic.refresh_from_db()
    assert clinic.reassessment_after_days == 60


def test_a_clinician_cannot_change_the_clinic_settings(clinic, client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("patients:clinic_settings"), {"reassessment_after_days": "5"})
    assert response.status_code == 403
    clinic.refresh_from_db()
    assert clinic.reassessment_after_days == 90
    assert "Clinic settings" not in client.get(DASHBOARD).content.decode()


def test_bar_links_use_only_list_filters(clinic):
    for chart in dashboard_charts(Patient.objects.filter(clinic=clinic)):
        for bar in chart.bars:
            parts = urlsplit(bar.url)
            assert parts.path == reverse("patients:list")
            assert set(parse_qs(parts.query)) <= {
                "stage",
                "label",
                "msm",
                "regulatory_trd",
                "dtd",
                "assessed",
                "became_trd",
            }
