"""The treatment timeline SVG: valid XML, one labelled bar per trial, undated trials apart, scores."""

from datetime import date
from xml.etree import ElementTree

import pytest

from patients.models import ScaleScore
from patients.timeline import render_timeline_svg
from tests.factories import make_ect, make_episode, make_other_course, make_patient, make_trial

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2025, 6, 1)

pytestmark = pytest.mark.django_db


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def _texts(root) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def _trial_groups(root, *, undated: bool):
    return [
        group
        for group in root.iter(f"{SVG}g")
        if group.get("data-kind") == "trial" and (group.get("data-undated") == "true") == undated
    ]


@pytest.fixture
def episode(clinic):
    return make_episode(make_patient(clinic), onset=date(2024, 1, 10))


def test_dated_trials_have_one_bar_each_with_drug_dose_and_outcome(episode):
    make_trial(episode, "sertraline", 150, 8, improvement=10, started_on=date(2024, 2, 1))
    make_trial(
        episode,
        "venlafaxine",
        225,
        10,
        improvement=60,
        started_on=date(2024, 5, 1),
        ended_on=date(2024, 8, 1),
        augmentation=[("lithium", 800)],
    )

    root = _parse(render_timeline_svg(episode, today=TODAY))

    groups = _trial_groups(root, undated=False)
    assert len(groups) == 2
    assert [len(group.findall(f"{SVG}rect")) for group in groups] == [1, 1]
    labels = [" ".join(_texts(group)) for group in groups]
    # rules §3.1: 10 % improvement is no response, 60 % is a response
    assert "sertraline 150 mg/day, 8 wk — no response" in labels[0]
    assert "venlafaxine 225 mg/day, 10 wk + lithium — response" in labels[1]


def test_bar_length_follows_weeks_or_end_date(episode):
    make_trial(episode, "sertraline", 150, 8, started_on=date(2024, 2, 1))
    make_trial(episode, "venlafaxine", 225, 4, started_on=date(2024, 2, 1), ended_on=date(2024, 6, 1))

    root = _parse(render_timeline_svg(episode, today=TODAY))

    eight_weeks, to_june = (
        float(group.find(f"{SVG}rect").get("width")) for group in _trial_groups(root, undated=False)
    )
    # 8 weeks = 56 days; 1 Feb to 1 Jun = 121 days, so the second bar is about twice as long
    assert to_june / eight_weeks == pytest.approx(121 / 56, rel=0.05)


def test_undated_trials_are_listed_apart_with_a_note(episode):
    make_trial(episode, "sertraline", 150, 8, started_on=date(2024, 2, 1))
    make_trial(episode, "mirtazapine", 30, 6)

    svg = render_timeline_svg(episode, today=TODAY)
    root = _parse(svg)

    assert len(_trial_groups(root, undated=False)) == 1
    undated = _trial_groups(root, undated=True)
    assert len(undated) == 1
    assert "mirtazapine 30 mg/day" in " ".join(_texts(undated[0]))
    assert undated[0].find(f"{SVG}rect") is None  # not placed on the time axis
    assert any("not placed on the time axis" in text for text in _texts(root))
    assert "1 undated" in root.get("aria-label")


def test_only_undated_trials_still_renders(episode):
    make_trial(episode, "sertraline", 150, 8)

    root = _parse(render_timeline_svg(episode, today=TODAY))

    assert len(_trial_groups(root, undated=True)) == 1
    assert "No dated treatment in this episode." in _texts(root)


def test_scale_scores_are_one_polyline_per_scale_with_a_point_per_score(episode):
    scores = [
        ScaleScore.objects.create(episode=episode, scale="MADRS", score=score, rated_on=day)
        for score, day in ((34, date(2024, 2, 1)), (30, date(2024, 4, 1)), (18, date(2024, 7, 1)))
    ]
    scores.append(ScaleScore.objects.create(episode=episode, scale="PHQ-9", score=20, rated_on=date(2024, 3, 1)))

    root = _parse(render_timeline_svg(episode, today=TODAY))

    by_scale = {group.get("data-scale"): group for group in root.iter(f"{SVG}g") if group.get("data-scale")}
    assert set(by_scale) == {"MADRS", "PHQ-9"}
    madrs_points = by_scale["MADRS"].find(f"{SVG}polyline").get("points").split()
    assert len(madrs_points) == 3
    assert len(by_scale["MADRS"].findall(f"{SVG}circle")) == 3
    assert len(by_scale["PHQ-9"].find(f"{SVG}polyline").get("points").split()) == 1
    # normalised per scale: MADRS 30/60 and PHQ-9 20/27 share the axis; a higher share is higher up
    madrs_y = [float(point.split(",")[1]) for point in madrs_points]
    assert madrs_y[0] < madrs_y[1] < madrs_y[2]  # 34 → 30 → 18 goes down the picture
    assert "MADRS 18" in _texts(by_scale["MADRS"])


def test_explicit_scale_scores_argument_is_used(episode):
    ScaleScore.objects.create(episode=episode, scale="MADRS", score=30, rated_on=date(2024, 2, 1))
    other = ScaleScore(episode=episode, scale="PHQ-9", score=12, rated_on=date(2024, 3, 1))

    root = _parse(render_timeline_svg(episode, [other], today=TODAY))

    assert [group.get("data-scale") for group in root.iter(f"{SVG}g") if group.get("data-scale")] == ["PHQ-9"]


def test_courses_title_aria_and_self_contained(episode):
    make_trial(episode, "sertraline", 150, 8, started_on=date(2024, 2, 1))
    ect = make_ect(episode, "bilateral", "non_response", 12)
    ect.started_on = date(2024, 6, 1)
    ect.save()
    make_other_course(episode, "psychotherapy", 12)

    svg = render_timeline_svg(episode, today=TODAY)
    root = _parse(svg)

    assert root.get("role") == "img"
    assert "1 antidepressant trial" in root.get("aria-label")
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    assert any(group.get("data-kind") == "ect" for group in root.iter(f"{SVG}g"))
    assert any("ECT bilateral, 12 sessions — no response" in text for text in _texts(root))
    assert any("Psychotherapy, 12 wk" in text for text in _texts(root))
    # CSP and WeasyPrint: presentation attributes only
    assert not any(element.get("style") or element.get("class") for element in root.iter())
    assert "<style" not in svg and "<script" not in svg


def test_text_is_escaped(episode):
    make_trial(episode, "<b>&drug", 10, 8, drug_class="SSRI", min_adequate_dose_mg=5, started_on=date(2024, 2, 1))

    svg = render_timeline_svg(episode, today=TODAY)

    assert "<b>" not in svg
    root = _parse(svg)  # still well-formed XML
    assert any("<b>&drug 10 mg/day" in text for text in _texts(root))


def test_outcome_legend_lists_every_outcome(episode):
    root = _parse(render_timeline_svg(episode, today=TODAY))
    texts = _texts(root)
    for words in (
        "remission",
        "response",
        "partial response",
        "no response",
        "stopped for adverse effects",
        "not documented",
    ):
        assert words in texts


def test_compact_print_version_labels_each_bar_with_its_row_name_and_legends_the_outcomes_drawn(episode):
    make_trial(episode, "sertraline", 150, 8, improvement=10, started_on=date(2024, 2, 1))
    make_trial(episode, "venlafaxine", 225, 10, improvement=60, started_on=date(2024, 5, 1))
    make_trial(episode, "mirtazapine", 30, 6, improvement=None)

    full = _parse(render_timeline_svg(episode, today=TODAY))
    root = _parse(render_timeline_svg(episode, today=TODAY, compact=True))

    groups = _trial_groups(root, undated=False)
    assert [_texts(group) for group in groups] == [["1. sertraline"], ["2. venlafaxine"]]
    assert [len(group.findall(f"{SVG}rect")) for group in groups] == [1, 1]
    # without colour: a different marker shape per outcome (rules §3.1: 10 % none, 60 % a response)
    assert groups[0].find(f"{SVG}path") is not None and groups[1].find(f"{SVG}polygon") is not None
    assert _texts(_trial_groups(root, undated=True)[0]) == ["3. mirtazapine"]
    texts = _texts(root)
    assert "no response" in texts and "response" in texts and "not documented" in texts
    assert "remission" not in texts and "partial response" not in texts
    assert "Episode onset" in texts
    # WeasyPrint lays SVG text out glyph by glyph: the printed version carries far less of it
    assert sum(map(len, texts)) < sum(map(len, _texts(full))) / 2
    # the report's embedded font, so the PDF embeds one family
    assert {element.get("font-family") for element in root.iter(f"{SVG}text")} == {
        "Report Sans, DejaVu Sans, sans-serif"
    }
