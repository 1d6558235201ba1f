"""Issue 10 §3: a mistyped year cannot make a patient unusable.

The forms refuse such dates (test_date_bounds); rows already in the database, or written by an
import or by hand, may still hold any date Python can represent. The timeline draws them all,
and the patient page, its timeline image and the PDF answer 200 for them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from patients.models import EctCourse, Episode, OtherCourse, ScaleScore, Trial
from patients.timeline import render_timeline_svg
from tests.factories import make_clinic, make_patient

any_date = st.dates(min_value=date.min, max_value=date.max)


def _store(onset, trial_dates, course_dates, score_dates, weeks, today) -> Episode:
    """Rows inserted through the ORM, bypassing the forms; the database's constraints still hold
    (an end is never before its start)."""
    patient = make_patient(make_clinic())
    episode = Episode.objects.create(patient=patient, onset=onset, severity="moderate")
    for position, (start, end) in enumerate(trial_dates):
        if start is not None and end is not None and end < start:
            start, end = end, start
        Trial.objects.create(
            episode=episode,
            position=position,
            drug="sertraline",
            dose_mg_per_day=Decimal("100"),
            weeks_at_dose=weeks,
            started_on=start,
            ended_on=end,
            improvement_pct=Decimal("10"),
        )
    for start in course_dates:
        EctCourse.objects.create(episode=episode, electrode_placement="bilateral", outcome="response", started_on=start)
        OtherCourse.objects.create(episode=episode, kind="rtms", weeks=weeks, started_on=start)
    for day in score_dates:
        ScaleScore.objects.create(episode=episode, scale="MADRS", score=20, rated_on=day)
    return episode


class TimelineOverAnyStoredDate(TestCase):
    @settings(max_examples=150, deadline=None)
    @given(
        onset=any_date,
        trial_dates=st.lists(st.tuples(st.none() | any_date, st.none() | any_date), max_size=3),
        course_dates=st.lists(st.none() | any_date, max_size=2),
        score_dates=st.lists(any_date, max_size=3),
        weeks=st.decimals(min_value=Decimal("0.1"), max_value=Decimal("9999.9"), places=1),
        today=any_date,
        compact=st.booleans(),
    )
    def test_the_timeline_draws_any_stored_dates(
        self, onset, trial_dates, course_dates, score_dates, weeks, today, compact
    ):
        episode = _store(onset, trial_dates, course_dates, score_dates, weeks, today)

        svg = render_timeline_svg(episode, today=today, compact=compact)

        root = ElementTree.fromstring(svg)  # well-formed, whatever the dates
        ticks = [text for text in root.iter("{http://www.w3.org/2000/svg}text") if text.get("text-anchor") == "middle"]
        assert len(ticks) <= 14


MISTYPED_YEARS = [
    pytest.param({"onset": date(1965, 3, 1), "trial_start": date(2205, 1, 1)}, id="onset 1965, trial 2205"),
    pytest.param({"onset": date(2024, 3, 1), "score_day": date(1925, 6, 1)}, id="score rated 1925"),
    pytest.param({"onset": date(2024, 3, 1), "ect_start": date(9999, 12, 31)}, id="ECT in 9999"),
    pytest.param({"onset": date(1, 1, 1), "trial_start": date(9999, 12, 31)}, id="date.min to date.max"),
    pytest.param({"onset": date(2205, 1, 1)}, id="onset 2205"),
    pytest.param({"onset": date(9999, 12, 31)}, id="onset 9999"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("dates", MISTYPED_YEARS)
def test_the_patient_page_its_timeline_and_the_pdf_open_for_mistyped_years(clinician_client, clinic, dates):
    patient = make_patient(clinic)
    episode = Episode.objects.create(patient=patient, onset=dates["onset"], severity="severe")
    Trial.objects.create(
        episode=episode,
        drug="sertraline",
        dose_mg_per_day=Decimal("150"),
        weeks_at_dose=Decimal("8"),
        started_on=dates.get("trial_start"),
        improvement_pct=Decimal("10"),
    )
    if "score_day" in dates:
        ScaleScore.objects.create(episode=episode, scale="MADRS", score=30, rated_on=dates["score_day"])
    if "ect_start" in dates:
        EctCourse.objects.create(
            episode=episode, electrode_placement="bilateral", outcome="non_response", started_on=dates["ect_start"]
        )

    for url in (
        reverse("patients:detail", args=[patient.pk]),
        reverse("patients:timeline", args=[patient.pk]),
        reverse("staging:report", args=[patient.pk]),
    ):
        response = clinician_client.get(url)
        assert response.status_code == 200, url
