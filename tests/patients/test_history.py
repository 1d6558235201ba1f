"""Staging history: points from stored snapshots, each change explained, drawn on the timeline's axis."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from patients.history import episode_history, render_history_svg
from patients.models import Episode, StagingSnapshot
from patients.services import restage
from patients.timeline import time_axis
from tests.factories import make_episode, make_patient, make_trial
from tests.staging.pdf_helpers import flat, page_texts

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def developing(clinic):
    """A patient staged three times as trials were added: stage I, then II, then III."""
    patient = make_patient(clinic)
    with time_machine.travel("2026-02-01 09:00:00+00:00", tick=False):
        episode = make_episode(patient, onset=date(2025, 12, 1), severity="severe")
        make_trial(episode, "sertraline", 150, 8, adherence=90, improvement=10, started_on=date(2025, 12, 5))
        restage(patient)
    with time_machine.travel("2026-05-01 09:00:00+00:00", tick=False):
        make_trial(episode, "venlafaxine", 225, 8, adherence=90, improvement=10, started_on=date(2026, 2, 5))
        restage(patient)
    with time_machine.travel("2026-09-01 09:00:00+00:00", tick=False):
        make_trial(episode, "amitriptyline", 150, 8, adherence=90, improvement=10, started_on=date(2026, 5, 5))
        restage(patient)
    return patient


def test_each_point_is_dated_with_its_assessment_and_explained(developing):
    points = episode_history(Episode.objects.get(patient=developing))

    assert [point.assessed_on for point in points] == [date(2026, 2, 1), date(2026, 5, 1), date(2026, 9, 1)]
    assert [point.stage for point in points] == [1, 2, 3]
    assert points[0].changes[0] == "First staging of this episode: trial 1 (sertraline) counted"
    assert "trial 2 (venlafaxine) entered, counted" in points[1].changes
    assert "Thase–Rush stage I → II" in points[1].changes
    assert "label Single failure → TRD" in points[1].changes
    assert "regulatory TRD met" in points[1].changes
    assert "trial 3 (amitriptyline) entered, counted" in points[2].changes
    assert "Thase–Rush stage II → III" in points[2].changes
    assert [point.mgh_score for point in points] == [1.5, 3.0, 4.0]  # doses above the minimum: +0.5 (rules §4.3)


def test_a_snapshot_that_differs_only_by_when_it_was_computed_is_not_a_point(developing):
    last = StagingSnapshot.objects.filter(patient=developing).order_by("-computed_at").first()
    result = {**last.result, "classification": {**last.result["classification"], "explanation": "Reworded."}}
    StagingSnapshot.objects.create(
        patient=developing,
        episode=last.episode,
        computed_at=last.computed_at + timedelta(days=3),
        assessed_on=last.assessed_on + timedelta(days=3),
        ruleset=last.ruleset,
        input=last.input,
        result=result,
    )
    assert len(episode_history(last.episode)) == 3


def test_a_trial_no_longer_counted_is_explained(developing):
    episode = Episode.objects.get(patient=developing)
    with time_machine.travel("2026-10-01 09:00:00+00:00", tick=False):
        episode.trials.filter(drug="venlafaxine").update(weeks_at_dose=3)
        restage(developing)
    points = episode_history(episode)
    assert "trial 2 (venlafaxine) no longer counted" in points[-1].changes
    assert "trial 2 (venlafaxine) now inadequate (too short)" in points[-1].changes


@time_machine.travel("2026-11-15 10:00:00+00:00", tick=False)
def test_points_lie_on_the_timelines_axis(developing):
    episode = Episode.objects.get(patient=developing)
    points = episode_history(episode)
    root = ET.fromstring(str(render_history_svg(points, episode)))
    axis = time_axis(episode)
    numbers = {
        text.text: float(text.get("x"))
        for text in root.iter(f"{SVG}text")
        if text.text in {"1", "2", "3"} and text.get("text-anchor") == "middle"
    }
    assert numbers == {str(point.number): axis.x(point.assessed_on) for point in points}
    # readable without colour: every stroke and fill is black, white or grey
    colours = {element.get(attribute) for element in root.iter() for attribute in ("stroke", "fill")} - {None}
    assert all(
        colour.upper() in {"#000000", "#FFFFFF", "#1A1A1A", "#404040", "#8C8C8C", "#BFBFBF"} for colour in colours
    )
    assert "now Thase–Rush stage III" in root.get("aria-label")


def test_patient_page_shows_the_history_above_the_timeline(developing, clinician_client):
    html = clinician_client.get(reverse("patients:detail", args=[developing.pk])).content.decode()
    assert 'id="history-heading"' in html
    assert html.index('id="history-heading"') < html.index('id="timeline-heading"')
    assert "trial 3 (amitriptyline) entered, counted" in html


def test_the_pdf_report_carries_the_history(developing, clinician_client):
    response = clinician_client.get(reverse("staging:report", args=[developing.pk]))
    assert response.status_code == 200
    text = flat(" ".join(page_texts(b"".join(response.streaming_content) if response.streaming else response.content)))
    assert "Staging history" in text
    assert "trial 3 (amitriptyline) entered, counted" in text


def test_no_history_without_snapshots(clinic, clinician_client):
    patient = make_patient(clinic)
    assert episode_history(make_episode(make_patient(clinic))) == []
    html = clinician_client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert 'id="history-heading"' not in html  # no episode: nothing staged, no history
