"""The dashboard and the worklist in Chromium: charts drawn under the CSP, a bar opens the list
filtered to its patients, and axe-core finds no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from patients.models import Membership
from tests.browser.test_accessibility import assert_accessible
from tests.factories import make_episode, make_patient, make_staged_trd_patient, make_trial, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clinic_data(clinic):
    trd = [make_staged_trd_patient(clinic, name=f"Trd Patient {index}") for index in range(3)]
    from patients.services import restage

    other = make_patient(clinic, name="Single Failure")
    episode = make_episode(other)
    make_trial(episode, "sertraline", 150, 8, adherence=None, improvement=10)
    restage(other)
    make_patient(clinic, name="Not Yet Staged")
    return trd


def logged_in(browser_page, user):
    """The browser carries a session of `user` (the log-in form is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    browser_page.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": browser_page.base_url,
            }
        ]
    )
    return browser_page


def bar_position(page, chart_key: str, index: int) -> tuple[float, float]:
    """Where bar `index` of a chart is on the page, from Chart.js's own layout."""
    return page.evaluate(
        """([key, index]) => {
            const canvas = document.getElementById("chart-" + key);
            const bar = Chart.getChart(canvas).getDatasetMeta(0).data[index];
            const box = canvas.getBoundingClientRect();
            const centre = bar.getCenterPoint();
            return [box.left + centre.x, box.top + centre.y];
        }""",
        [chart_key, index],
    )


@pytest.mark.parametrize("role", [Membership.CLINIC_ADMIN, Membership.CLINICIAN])
def test_dashboard_draws_its_charts_and_is_accessible(browser_page, clinic, clinic_data, role):
    logged_in(browser_page, make_user(clinic, role))
    browser_page.open("/dashboard/")
    page = browser_page.page
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-new_trd')) !== undefined")
    keys = page.eval_on_selector_all("canvas[data-chart]", "nodes => nodes.map(n => n.dataset.chart)")
    assert keys == ["stage", "label", "msm", "regulatory_trd", "dtd", "assessed", "new_trd"]
    drawn = page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
    assert drawn
    assert (page.locator("#settings-heading").count() == 1) == (role == Membership.CLINIC_ADMIN)
    assert_accessible(page, f"dashboard ({role})")
    browser_page.screenshot(f"dashboard_{role}")
    assert not browser_page.errors, browser_page.errors  # no CSP violation, no script error


def test_a_bar_opens_the_list_of_its_patients(browser_page, clinic, clinic_data):
    logged_in(browser_page, make_user(clinic, Membership.CLINIC_ADMIN))
    browser_page.open("/dashboard/")
    page = browser_page.page
    page.wait_for_function("() => Chart.getChart(document.getElementById('chart-label')) !== undefined")
    page.locator("#chart-label").scroll_into_view_if_needed()
    x, y = bar_position(page, "label", 2)  # LABEL_CHOICES order: remission, responding, trd, ...
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r"/\?label=trd$"))
    names = page.locator("table.patient-table tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(names) == ["Trd Patient 0", "Trd Patient 1", "Trd Patient 2"]
    assert not browser_page.errors, browser_page.errors


def test_the_table_alternative_is_one_click_away_and_links_too(browser_page, clinic, clinic_data):
    logged_in(browser_page, make_user(clinic, Membership.CLINICIAN))
    browser_page.open("/dashboard/")
    page = browser_page.page
    numbers = page.locator("#chart-regulatory_trd-numbers")
    numbers.locator("summary").click()
    row = numbers.get_by_role("row", name=re.compile("^Met"))
    assert row.get_by_role("cell").nth(0).inner_text() == "3"
    row.get_by_role("link", name="3").click()
    page.wait_for_url(re.compile(r"regulatory_trd=yes"))
    assert page.locator("table.patient-table tbody tr").count() == 3


@pytest.mark.parametrize("role", [Membership.CLINIC_ADMIN, Membership.CLINICIAN])
def test_worklist_is_accessible_and_links_to_the_fix(browser_page, clinic, clinic_data, role):
    logged_in(browser_page, make_user(clinic, role))
    browser_page.open("/worklist/")
    page = browser_page.page
    rows = page.locator("table.worklist-table tbody tr")
    assert rows.count() == 4
    assert_accessible(page, f"worklist ({role})")
    browser_page.screenshot(f"worklist_{role}")
    page.get_by_role("link", name="Complete the trials for Single Failure").click()
    page.wait_for_url(re.compile(r"/patients/\d+/trials/$"))
    assert not browser_page.errors, browser_page.errors


def test_another_clinics_clinician_sees_none_of_the_numbers(browser_page, clinic, other_clinic, clinic_data):
    logged_in(browser_page, make_user(other_clinic, Membership.CLINICIAN))
    browser_page.open("/dashboard/")
    page = browser_page.page
    page.locator("#chart-label-numbers summary").click()
    counts = page.locator("#chart-label-numbers tbody td.text-end a").all_inner_texts()
    assert counts and set(counts) == {"0"}
    browser_page.open("/worklist/")
    assert page.locator("table.worklist-table").count() == 0
    assert "Trd Patient" not in page.content()
