"""How a patient's staging developed: the stored snapshots of the current episode as points.

Each point is a stored result (StagingSnapshot), dated with the day it was assessed, and says in
words what changed since the point before ("trial 3 (amitriptyline) counted"), found by
comparing the two results. Snapshots that differ only in when they were computed (or in
explanation wording) are not points: only the facts compared below make a point.

The picture is drawn on the treatment timeline's own time axis (patients.timeline.time_axis),
so it lines up with the timeline drawn under it on the patient page and in the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.safestring import SafeString

from patients.models import LABEL_CHOICES, THASE_RUSH_CHOICES, StagingSnapshot
from patients.timeline import time_axis
from staging.engine.outcome import OUTCOME_WORDS
from staging.engine.text import plural

LABEL_WORDS = dict(LABEL_CHOICES)
ROMAN = dict(THASE_RUSH_CHOICES)


@dataclass(frozen=True)
class HistoryPoint:
    number: int
    assessed_on: date
    stage: int | None
    msm_total: int | None
    msm_category: str
    mgh_score: float | None
    label: str
    changes: tuple[str, ...]

    @property
    def stage_roman(self) -> str:
        return ROMAN.get(self.stage, "—")

    @property
    def label_words(self) -> str:
        return LABEL_WORDS.get(self.label, self.label or "—")


def _facts(result: dict) -> dict:
    """What a point is made of: the figures drawn and every fact a change is explained by."""
    maudsley = result.get("maudsley") or {}
    classification = result.get("classification") or {}
    return {
        "stage": (result.get("thase_rush") or {}).get("stage"),
        "msm_total": maudsley.get("total"),
        "msm_category": maudsley.get("category") or "",
        "msm_items": maudsley.get("items") or {},
        "mgh": (result.get("mgh") or {}).get("score"),
        "label": classification.get("label") or "",
        "regulatory_trd": classification.get("regulatory_trd"),
        "chronic": classification.get("chronic"),
        "dtd": (result.get("dtd") or {}).get("met"),
        "trials": [
            (
                trial.get("drug"),
                trial.get("counted"),
                trial.get("adequate"),
                trial.get("outcome"),
                tuple(trial.get("inadequate_reasons") or ()),
            )
            for trial in result.get("trials") or ()
        ],
        "eligibility": [
            (item.get("title") or item.get("profile"), item.get("status")) for item in result.get("eligibility") or ()
        ],
    }


def _words(code) -> str:
    return OUTCOME_WORDS.get(code, str(code).replace("_", " "))


def _trial_changes(before: list, after: list) -> list[str]:
    changes = []
    for index, (drug, counted, adequate, outcome, reasons) in enumerate(after):
        name = f"trial {index + 1} ({drug})"
        if index >= len(before):
            state = (
                "counted"
                if counted
                else ("inadequate: " + ", ".join(map(_words, reasons)) if reasons else "not counted")
            )
            changes.append(f"{name} entered, {state}")
            continue
        old_drug, old_counted, old_adequate, old_outcome, _ = before[index]
        if old_drug != drug:
            changes.append(f"trial {index + 1} is now {drug} (was {old_drug})")
        if counted != old_counted:
            changes.append(f"{name} {'counted' if counted else 'no longer counted'}")
        if outcome != old_outcome:
            changes.append(f"{name}: outcome {_words(old_outcome)} → {_words(outcome)}")
        if adequate != old_adequate:
            changes.append(
                f"{name} now adequate"
                if adequate
                else f"{name} now inadequate ({', '.join(map(_words, reasons)) or 'see the trial'})"
            )
    for index in range(len(after), len(before)):
        changes.append(f"trial {index + 1} ({before[index][0]}) removed")
    return changes


def explain_change(before: dict | None, after: dict) -> list[str]:
    """The differences between two points' facts, in words; the first point describes itself."""
    if before is None:
        counted = [f"trial {i + 1} ({trial[0]})" for i, trial in enumerate(after["trials"]) if trial[1]]
        return ["First staging of this episode" + (": " + ", ".join(counted) + " counted" if counted else "")]
    changes = _trial_changes(before["trials"], after["trials"])
    if after["stage"] != before["stage"]:
        changes.append(f"Thase–Rush stage {ROMAN.get(before['stage'], '—')} → {ROMAN.get(after['stage'], '—')}")
    if after["msm_total"] != before["msm_total"]:
        items = [
            f"{item} {before['msm_items'].get(item)} → {points}"
            for item, points in after["msm_items"].items()
            if before["msm_items"].get(item) != points
        ]
        changes.append(
            f"MSM total {before['msm_total'] or '—'} → {after['msm_total'] or '—'}"
            + (f" ({', '.join(items)})" if items else "")
        )
    if after["mgh"] != before["mgh"]:
        changes.append(f"MGH-S {before['mgh']} → {after['mgh']}")
    if after["label"] != before["label"]:
        changes.append(f"label {LABEL_WORDS.get(before['label'], '—')} → {LABEL_WORDS.get(after['label'], '—')}")
    if after["regulatory_trd"] != before["regulatory_trd"]:
        changes.append("regulatory TRD " + ("met" if after["regulatory_trd"] else "no longer met"))
    if after["chronic"] != before["chronic"]:
        changes.append("episode " + ("chronic (over 24 months)" if after["chronic"] else "no longer chronic"))
    if after["dtd"] != before["dtd"]:
        changes.append("DTD " + ("met" if after["dtd"] else "no longer met"))
    old_eligibility = dict(before["eligibility"])
    for title, status in after["eligibility"]:
        if old_eligibility.get(title) != status:
            changes.append(f"{title}: {_words(status)}")
    return changes


def history_points(snapshots) -> list[HistoryPoint]:
    """Points from snapshots in the order they were computed; equal facts make no new point."""
    points: list[HistoryPoint] = []
    previous = None
    for snapshot in snapshots:
        facts = _facts(snapshot.result)
        if facts == previous:
            continue
        points.append(
            HistoryPoint(
                number=len(points) + 1,
                assessed_on=snapshot.assessed_on,
                stage=facts["stage"],
                msm_total=facts["msm_total"],
                msm_category=facts["msm_category"],
                mgh_score=facts["mgh"],
                label=facts["label"],
                changes=tuple(explain_change(previous, facts)),
            )
        )
        previous = facts
    return points


def episode_history(episode) -> list[HistoryPoint]:
    """The points of one episode's stored stagings (one query)."""
    snapshots = StagingSnapshot.objects.filter(episode=episode).only("result", "assessed_on", "computed_at")
    return history_points(snapshots.order_by("computed_at", "pk"))


def history_panel(episode, *, compact: bool = False) -> dict:
    """What the staging history panel shows: its points and, when there are any, the picture on
    the timeline's time axis. The episode's rows should be prefetched (the axis reads them)."""
    points = episode_history(episode)
    if not points:
        return {"points": []}
    return {"points": points, "svg": render_history_svg(points, episode, compact=compact)}


def recent_months(today: date, count: int = 24) -> list[date]:
    """The first days of the `count` months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


# ---------------------------------------------------------------------------------------------
# The picture: three panels (Thase–Rush stage, MSM total, MGH-S) over the timeline's time axis.

PANEL_HEIGHT = 70
PANEL_GAP = 18
TOP = 16
# (title, attribute, lowest, highest, how a value is written)
PANELS = (
    ("Thase–Rush stage", "stage", 0, 5, lambda value: ROMAN.get(value, "—")),
    ("MSM total", "msm_total", 3, 15, lambda value: str(value)),
    ("MGH-S", "mgh_score", 0, 15, lambda value: f"{value:g}"),
)
# Black lines with a distinct dash and marker per panel: nothing depends on colour.
PANEL_STYLE = {"stage": ("", "square"), "msm_total": ("6 3", "circle"), "mgh_score": ("2 2", "triangle")}


def _marker(shape: str, x: float, y: float) -> str:
    if shape == "square":
        return f'<rect x="{x - 4}" y="{y - 4}" width="8" height="8" fill="#000000"/>'
    if shape == "circle":
        return f'<circle cx="{x}" cy="{y}" r="4" fill="#FFFFFF" stroke="#000000" stroke-width="1.5"/>'
    return f'<polygon points="{x},{y - 5} {x + 5},{y + 4} {x - 5},{y + 4}" fill="#000000"/>'


def render_history_svg(
    points: list[HistoryPoint],
    episode,
    scale_scores=None,
    *,
    width: int = 900,
    today: date | None = None,
    compact: bool = False,
) -> SafeString:
    """The points as step lines, one panel per figure, numbered like the list of changes."""
    width = max(int(width), 480)  # as the timeline's
    canvas = time_axis(episode, scale_scores, width=width, today=today, compact=compact)
    end = canvas.x(canvas.last)
    for index, (title, attribute, low, high, write) in enumerate(PANELS):
        top = TOP + index * (PANEL_HEIGHT + PANEL_GAP)
        bottom = top + PANEL_HEIGHT
        high = max([high] + [getattr(point, attribute) or 0 for point in points])
        dash, shape = PANEL_STYLE[attribute]
        canvas.text(8, top + 12, title, size=11, weight="bold")
        canvas.add(
            f'<line x1="{canvas.left}" y1="{bottom}" x2="{canvas.right}" y2="{bottom}" stroke="#8C8C8C" stroke-width="1"/>'
        )

        def y_of(value, top=top, low=low, high=high):
            return round(top + 6 + (1 - (value - low) / ((high - low) or 1)) * (PANEL_HEIGHT - 12), 1)

        valued = [point for point in points if getattr(point, attribute) is not None]
        if not valued:
            canvas.text(canvas.left, top + PANEL_HEIGHT / 2, "Not applicable", size=10, fill="#404040")
        for position, point in enumerate(valued):
            value = getattr(point, attribute)
            x, y = canvas.x(point.assessed_on), y_of(value)
            next_x = canvas.x(valued[position + 1].assessed_on) if position + 1 < len(valued) else end
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            canvas.add(f'<line x1="{x}" y1="{y}" x2="{next_x}" y2="{y}" stroke="#000000" stroke-width="2"{dashes}/>')
            if position + 1 < len(valued):
                next_y = y_of(getattr(valued[position + 1], attribute))
                canvas.add(
                    f'<line x1="{next_x}" y1="{y}" x2="{next_x}" y2="{next_y}" stroke="#000000" stroke-width="1"/>'
                )
            canvas.add(_marker(shape, x, y))
            near_end = x > canvas.right - 40  # written to the left of the point, inside the picture
            canvas.text(
                x - 6 if near_end else x + 6, y - 6, write(value), size=10, anchor="end" if near_end else "start"
            )
    axis_y = TOP + len(PANELS) * (PANEL_HEIGHT + PANEL_GAP)
    for point in points:  # each point's number, at its assessment date, as in the list below
        x = canvas.x(point.assessed_on)
        canvas.add(
            f'<line x1="{x}" y1="{TOP}" x2="{x}" y2="{axis_y - 10}" stroke="#BFBFBF" stroke-width="1" stroke-dasharray="2 3"/>'
        )
        canvas.text(x, axis_y, str(point.number), size=10, anchor="middle", weight="bold")
    height = axis_y + 8
    description = (
        f"Staging history of the episode from {episode.onset:%d %b %Y}: "
        f"{plural(len(points), 'point')}"
        + (
            f"; now Thase–Rush stage {points[-1].stage_roman}, MSM total {points[-1].msm_total or 'not applicable'}, "
            f"MGH-S {points[-1].mgh_score}"
            if points
            else ""
        )
        + ". Each change is listed below the picture."
    )
    return canvas.picture(height, description)
