"""The staging history (patients.history) on the patient page and in the PDF report."""

from __future__ import annotations

import base64

from django import template

from patients.history import episode_history, render_history_svg
from patients.models import Episode, StagingSnapshot

register = template.Library()


@register.inclusion_tag("patients/_history_panel.html")
def staging_history(episode):
    """The picture above the timeline, and the points with what changed at each."""
    points = episode_history(episode) if episode is not None else []
    svg = render_history_svg(points, episode) if points else ""
    return {"points": points, "svg": svg}


@register.inclusion_tag("patients/_history_report_panel.html")
def staging_history_report(snapshot_id):
    """The printed version: the report's snapshot's episode, drawn as the report's timeline is."""
    snapshot = StagingSnapshot.objects.filter(pk=snapshot_id).only("episode_id").first()
    episode = Episode.objects.filter(pk=snapshot.episode_id).first() if snapshot else None
    points = episode_history(episode) if episode is not None else []
    if not points:
        return {"points": []}
    svg = render_history_svg(points, episode, compact=True)
    # an <img>, like the report's timeline: the picture keeps its own styles
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {"points": points, "src": source}
