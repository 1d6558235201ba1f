"""The treatment timeline of one episode as a self-contained SVG string.

Drawn on the server so it needs no JavaScript, and with presentation attributes only (no CSS
classes, no style attributes): the same string is embedded in the patient page (which has a
strict CSP) and in the PDF report (WeasyPrint renders inline SVG). Every bar carries a text label
and an outcome marker shape, so outcomes can be told apart without colour.

The PDF report asks for `compact=True`: WeasyPrint lays out SVG text one glyph at a time (a
Pango layout per character), so the printed picture keeps one short label per bar (its row
name), the outcome shapes with a legend of the outcomes drawn, and no sentence the report's
tables already say; the dose, weeks and outcome of each trial are in the trial table beside it.
It uses the report's own embedded font, so the PDF carries one font family, not two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from staging.engine.outcome import OUTCOME_WORDS, UNKNOWN, derive_outcome
from staging.engine.severity import SCALE_RANGES
from staging.engine.text import number, plural

FONT = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"'
PRINT_FONT = 'font-family="Report Sans, DejaVu Sans, sans-serif"'  # static/report/report.css @font-face
LABEL_GUTTER = 170
RIGHT_MARGIN = 20
TOP_MARGIN = 28
SCORE_PANEL_HEIGHT = 110
ROW_HEIGHT = 34
BAR_HEIGHT = 12
AXIS_HEIGHT = 36
LEGEND_ROW_HEIGHT = 20

# Okabe–Ito palette (safe for the common colour-vision deficiencies); shape and words carry the
# same information for readers who cannot tell the colours apart, and for greyscale printing.
OUTCOME_STYLE = {
    "remission": ("#009E73", "circle"),
    "response": ("#56B4E9", "square"),
    "partial_response": ("#E69F00", "triangle"),
    "non_response": ("#D55E00", "cross"),
    "intolerance": ("#CC79A7", "diamond"),
    UNKNOWN: ("#8C8C8C", "ring"),
}
SCALE_COLOURS = {"MADRS": "#0072B2", "HAM-D17": "#000000", "PHQ-9": "#882255", "QIDS-SR16": "#44AA99"}
SCALE_DASHES = {"MADRS": "", "HAM-D17": "6 3", "PHQ-9": "2 2", "QIDS-SR16": "8 3 2 3"}


@dataclass(frozen=True)
class _Row:
    name: str  # left-hand row name
    label: str  # the words next to the bar: dose, weeks, outcome
    outcome: str
    start: date | None
    end: date | None  # None: a single day (a marker, not a bar)
    kind: str  # "trial", "ect" or "course"


def _weeks_later(day: date, weeks) -> date:
    """The end of a course of `weeks` from `day`; the last representable day at most, so that a
    mistyped year (9999) still draws (issue 10 §3: the timeline is total over any stored date)."""
    try:
        return day + timedelta(days=round(float(weeks) * 7))
    except OverflowError:
        return date.max


def _outcome_words(outcome: str) -> str:
    return OUTCOME_WORDS.get(outcome, outcome.replace("_", " "))


def _trial_rows(episode) -> list[_Row]:
    rows = []
    for position, trial in enumerate(episode.trials.all(), start=1):
        outcome = derive_outcome(
            trial.outcome or None, None if trial.improvement_pct is None else float(trial.improvement_pct)
        )
        if trial.ended_on is not None:
            end = trial.ended_on
        elif trial.started_on is not None:
            end = _weeks_later(trial.started_on, trial.weeks_at_dose)
        else:
            end = None
        agents = [augmentation.agent for augmentation in trial.augmentations.all()]
        label = f"{trial.drug} {number(float(trial.dose_mg_per_day))} mg/day, {number(float(trial.weeks_at_dose))} wk"
        if agents:
            label += " + " + ", ".join(agents)
        label += f" — {_outcome_words(outcome)}"
        rows.append(_Row(f"{position}. {trial.drug}", label, outcome, trial.started_on, end, "trial"))
    return rows


def _course_rows(episode) -> list[_Row]:
    rows = []
    for course in episode.ect_courses.all():
        sessions = f", {course.sessions} sessions" if course.sessions else ""
        label = f"ECT {course.get_electrode_placement_display().lower()}{sessions} — {_outcome_words(course.outcome)}"
        rows.append(_Row("ECT", label, course.outcome, course.started_on, None, "ect"))
    for course in episode.other_courses.all():
        outcome = course.outcome or UNKNOWN
        weeks = f", {number(float(course.weeks))} wk" if course.weeks else ""
        end = None
        if course.started_on is not None and course.weeks:
            end = _weeks_later(course.started_on, course.weeks)
        label = f"{course.get_kind_display()}{weeks} — {_outcome_words(outcome)}"
        rows.append(_Row(course.get_kind_display(), label, outcome, course.started_on, end, "course"))
    return rows


class _Canvas:
    """Maps dates to x and collects SVG elements."""

    def __init__(self, first: date, last: date, width: int, *, compact: bool = False):
        # at least four weeks wide, so that a single day is not the whole axis (widened to the
        # left only at the very end of the calendar)
        minimum = timedelta(days=28)
        if last - first < minimum:
            first, last = (first, first + minimum) if first <= date.max - minimum else (date.max - minimum, date.max)
        self.first, self.last = first, last
        self.width = width
        self.left, self.right = LABEL_GUTTER, width - RIGHT_MARGIN
        self.parts: list[str] = []
        self.compact = compact
        self.font = PRINT_FONT if compact else FONT

    def x(self, day: date) -> float:
        span = (self.last - self.first).days
        return round(self.left + (day - self.first).days / span * (self.right - self.left), 1)

    def add(self, element: str) -> None:
        self.parts.append(element)

    def text(self, x, y, words, *, size=11, anchor="start", weight="normal", fill="#1A1A1A") -> None:
        bold = ' font-weight="bold"' if weight == "bold" else ""
        self.add(
            f'<text x="{x}" y="{y}" {self.font} font-size="{size}" text-anchor="{anchor}" fill="{fill}"{bold}>'
            f"{escape(words)}</text>"
        )

    def picture(self, height: float, description: str) -> SafeString:
        """The SVG: the elements on a white ground, named and titled by `description`.

        Safe to embed only because every piece of text on the canvas went through escape(): text()
        escapes, and so must whoever add()s an element with words in it.
        """
        width = self.width
        return mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(description)}">'
            f"<title>{escape(description)}</title>"
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#FFFFFF"/>' + "".join(self.parts) + "</svg>"
        )


def _marker(shape: str, x: float, y: float, colour: str, *, size: float = 5) -> str:
    """An outcome marker: a distinct shape per outcome (outlined in black so it shows in greyscale)."""
    s = size
    edge = 'stroke="#000000" stroke-width="1"'
    if shape == "circle":
        return f'<circle cx="{x}" cy="{y}" r="{s}" fill="{colour}" {edge}/>'
    if shape == "ring":
        return f'<circle cx="{x}" cy="{y}" r="{s}" fill="#FFFFFF" {edge}/>'
    if shape == "square":  # a polygon, so that the only <rect> of a row is its bar
        return f'<polygon points="{x - s},{y - s} {x + s},{y - s} {x + s},{y + s} {x - s},{y + s}" fill="{colour}" {edge}/>'
    if shape == "triangle":
        return f'<polygon points="{x},{y - s} {x + s},{y + s} {x - s},{y + s}" fill="{colour}" {edge}/>'
    if shape == "diamond":
        return f'<polygon points="{x},{y - s} {x + s},{y} {x},{y + s} {x - s},{y}" fill="{colour}" {edge}/>'
    # cross
    return (
        f'<path d="M{x - s},{y - s} L{x + s},{y + s} M{x - s},{y + s} L{x + s},{y - s}" '
        f'stroke="{colour}" stroke-width="3"/>'
        f'<path d="M{x - s},{y - s} L{x + s},{y + s} M{x - s},{y + s} L{x + s},{y - s}" '
        f'stroke="#000000" stroke-width="1"/>'
    )


# Tick steps in months a reader counts in, about a dozen ticks over the axis; past 100 years,
# whole centuries (a mistyped year can stretch the axis to any stored date).
TICK_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200)


def _month_ticks(first: date, last: date) -> list[date]:
    """First days of months between `first` and `last`, every `step` months counted from
    January of year 0, so ticks fall on round dates (each quarter, each January, every fifth
    year). Month numbers, not dates, are stepped: nothing overflows near date.max."""
    first_month = first.year * 12 + first.month - 1 + (first.day > 1)  # the first 1st on or after `first`
    last_month = last.year * 12 + last.month - 1
    span = last_month - first_month + 1
    step = next((step for step in TICK_STEPS if span / step <= 12), 1200 * -(-span // (12 * 1200)))
    first_tick = -(-first_month // step) * step
    return [date(month // 12, month % 12 + 1, 1) for month in range(first_tick, last_month + 1, step)]


def _draw_axis(canvas: _Canvas, top: float, bottom: float, onset: date, ended_on: date | None) -> None:
    for tick in _month_ticks(canvas.first, canvas.last):
        x = canvas.x(tick)
        canvas.add(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="#D9D9D9" stroke-width="1"/>')
        canvas.text(x, bottom + 14, tick.strftime("%b %Y"), size=10, anchor="middle", fill="#404040")
    canvas.add(
        f'<line x1="{canvas.left}" y1="{bottom}" x2="{canvas.right}" y2="{bottom}" stroke="#404040" stroke-width="1"/>'
    )
    if not canvas.compact:  # the tick labels are dates already
        canvas.text(
            (canvas.left + canvas.right) / 2, bottom + 30, "Time (months)", size=10, anchor="middle", fill="#404040"
        )
    for day, words in ((onset, "Episode onset"), (ended_on, "Episode ended")):
        if day is None:
            continue
        x = canvas.x(day)
        canvas.add(
            f'<line x1="{x}" y1="{top - 8}" x2="{x}" y2="{bottom}" stroke="#000000" stroke-width="1.5" '
            'stroke-dasharray="4 3"/>'
        )
        canvas.text(x + 3, top - 10, words, size=10, fill="#000000")


def _draw_scores(canvas: _Canvas, scores, top: float) -> list[str]:
    """Scale scores on their own axis: each scale as a % of its maximum, so scales share one axis."""
    bottom = top + SCORE_PANEL_HEIGHT - 20
    canvas.text(12, top + 4, "Scale scores", size=11, weight="bold")
    canvas.text(12, top + 18, "(% of maximum)" if canvas.compact else "(% of scale maximum)", size=10, fill="#404040")
    for percent in (0, 50, 100):
        y = round(bottom - percent / 100 * (bottom - top), 1)
        canvas.add(
            f'<line x1="{canvas.left}" y1="{y}" x2="{canvas.right}" y2="{y}" stroke="#EBEBEB" stroke-width="1"/>'
        )
        if not (canvas.compact and percent == 50):  # the middle grid line speaks for itself
            canvas.text(canvas.left - 6, y + 4, f"{percent} %", size=9, anchor="end", fill="#404040")
    by_scale: dict[str, list] = {}
    for score in sorted(scores, key=lambda score: (score.rated_on, score.pk or 0)):
        by_scale.setdefault(score.scale, []).append(score)
    for scale, points in by_scale.items():
        colour = SCALE_COLOURS.get(scale, "#000000")
        maximum = SCALE_RANGES.get(scale, (0, max(point.score for point in points) or 1))[1]
        coordinates = [
            (canvas.x(point.rated_on), round(bottom - point.score / maximum * (bottom - top), 1)) for point in points
        ]
        dash = f' stroke-dasharray="{SCALE_DASHES[scale]}"' if SCALE_DASHES.get(scale) else ""
        canvas.add(f'<g data-scale="{escape(scale)}">')
        canvas.add(
            f'<polyline points="{" ".join(f"{x},{y}" for x, y in coordinates)}" fill="none" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
        for (x, y), point in zip(coordinates, points):
            canvas.add(
                f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"><title>'
                f"{escape(f'{scale} {point.score} on {point.rated_on:%d %b %Y}')}</title></circle>"
            )
        last_x, last_y = coordinates[-1]
        # near the right edge the label goes to the left of the last point, so it is never cut off
        near_edge = last_x > canvas.right - 70
        canvas.text(
            last_x - 6 if near_edge else last_x + 6,
            last_y - 6,
            f"{scale} {points[-1].score}",
            size=10,
            fill=colour,
            weight="bold",
            anchor="end" if near_edge else "start",
        )
        canvas.add("</g>")
    return list(by_scale)


def _draw_row(canvas: _Canvas, row: _Row, y: float) -> None:
    colour, shape = OUTCOME_STYLE.get(row.outcome, OUTCOME_STYLE[UNKNOWN])
    bar_y = y - BAR_HEIGHT / 2
    start_x = canvas.x(row.start)
    canvas.add(f'<g data-kind="{row.kind}">')
    canvas.text(12, y + 4, row.name, size=11)  # in the row's group: the bar's label in the compact version
    if row.end is not None:
        end_x = max(canvas.x(row.end), start_x + 3)
        canvas.add(
            f'<rect x="{start_x}" y="{bar_y}" width="{round(end_x - start_x, 1)}" height="{BAR_HEIGHT}" '
            f'fill="{colour}" fill-opacity="0.85" stroke="#000000" stroke-width="0.75"/>'
        )
    canvas.add(_marker(shape, start_x, y, colour))
    if canvas.compact:  # the row name labels the bar; the marker shape and the legend give the outcome
        canvas.add("</g>")
        return
    # late bars get their words to the left, so the text never runs off the right edge
    anchor_right = start_x > (canvas.left + canvas.right) / 2
    canvas.text(
        round(start_x - 8 if anchor_right else start_x + 8, 1),
        round(bar_y - 3, 1),
        row.label,
        size=10,
        anchor="end" if anchor_right else "start",
    )
    canvas.add("</g>")


def _draw_undated(canvas: _Canvas, rows: list[_Row], top: float) -> None:
    canvas.text(12, top, "Undated", size=11, weight="bold")
    note = (
        "No start date: not on the time axis."
        if canvas.compact
        else ("No start date recorded: listed here, not placed on the time axis.")
    )
    canvas.text(canvas.left, top, note, size=10, fill="#404040")
    for index, row in enumerate(rows, start=1):
        y = top + index * ROW_HEIGHT * 0.7
        colour, shape = OUTCOME_STYLE.get(row.outcome, OUTCOME_STYLE[UNKNOWN])
        canvas.add(f'<g data-kind="{row.kind}" data-undated="true">')
        canvas.text(12, y + 4, row.name, size=11)
        canvas.add(_marker(shape, canvas.left + 6, y, colour))
        if not canvas.compact:
            canvas.text(canvas.left + 18, y + 4, row.label, size=10)
        canvas.add("</g>")


def _draw_legend(canvas: _Canvas, top: float, outcomes: set[str] | None = None) -> None:
    """Every outcome's shape and words; only the `outcomes` drawn, when given."""
    canvas.text(12, top + 4, "Outcome", size=11, weight="bold")
    x = canvas.left
    for outcome, (colour, shape) in OUTCOME_STYLE.items():
        if outcomes is not None and outcome not in outcomes:
            continue
        canvas.add(_marker(shape, x + 6, top, colour))
        words = _outcome_words(outcome)
        canvas.text(x + 16, top + 4, words, size=10)
        x += 26 + len(words) * 6


def _axis_canvas(episode, scores, rows, *, width, today, compact) -> _Canvas:
    width = max(int(width), 480)
    dated = [row for row in rows if row.start is not None]
    end_of_axis = episode.ended_on or today or timezone.localdate()
    days = [episode.onset, end_of_axis] + [row.start for row in dated] + [score.rated_on for score in scores]
    days += [row.end for row in dated if row.end is not None]
    return _Canvas(min(days), max(days), width, compact=compact)


def time_axis(episode, scale_scores=None, *, width: int = 900, today: date | None = None, compact: bool = False):
    """The canvas (dates to x) this episode's timeline is drawn on, for a picture drawn above it
    on the same time axis (patients.history). Its `x(day)`, `text()`, `add()` and `parts` are
    the timeline's own."""
    scores = list(episode.scale_scores.all() if scale_scores is None else scale_scores)
    rows = _trial_rows(episode) + _course_rows(episode)
    return _axis_canvas(episode, scores, rows, width=width, today=today, compact=compact)


def render_timeline_svg(
    episode, scale_scores=None, *, width: int = 900, today: date | None = None, compact: bool = False
) -> SafeString:
    """The episode's trials, ECT and other courses, and scale scores on one time axis.

    `scale_scores` defaults to the episode's own. Undated trials and courses are listed in a
    separate group below the axis. Text is escaped; the result is safe to embed as HTML.
    `compact` is the printed version (see the module docstring): row names as the bars' labels,
    a legend of the outcomes drawn, the report's font.
    """
    width = max(int(width), 480)
    scores = list(episode.scale_scores.all() if scale_scores is None else scale_scores)
    rows = _trial_rows(episode) + _course_rows(episode)
    dated = [row for row in rows if row.start is not None]
    undated = [row for row in rows if row.start is None]
    canvas = _axis_canvas(episode, scores, rows, width=width, today=today, compact=compact)

    y = TOP_MARGIN
    scales = []
    if scores:
        scales = _draw_scores(canvas, scores, y)
        y += SCORE_PANEL_HEIGHT
    rows_top = y + 10
    for index, row in enumerate(dated):
        _draw_row(canvas, row, rows_top + 12 + index * ROW_HEIGHT + BAR_HEIGHT)
    axis_bottom = rows_top + max(len(dated), 1) * ROW_HEIGHT + 10
    if not dated:
        canvas.text(canvas.left, rows_top + 24, "No dated treatment in this episode.", size=11, fill="#404040")
    _draw_axis(canvas, TOP_MARGIN if scores else rows_top, axis_bottom, episode.onset, episode.ended_on)
    y = axis_bottom + AXIS_HEIGHT
    if undated:
        y += 10
        _draw_undated(canvas, undated, y)
        y += len(undated) * ROW_HEIGHT * 0.7 + 16
    y += 10
    drawn = {row.outcome if row.outcome in OUTCOME_STYLE else UNKNOWN for row in rows}
    if drawn or not compact:
        _draw_legend(canvas, y, drawn if compact else None)
    height = round(y + LEGEND_ROW_HEIGHT, 1)

    trials = sum(1 for row in rows if row.kind == "trial")
    courses = len(rows) - trials
    description = (
        f"Treatment timeline of the episode from {episode.onset:%d %b %Y}: "
        f"{plural(trials, 'antidepressant trial')}, {plural(courses, 'ECT or other course')}, "
        f"{plural(len(scores), 'scale score')}"
        + (f" ({', '.join(scales)})" if scales else "")
        + (f"; {len(undated)} undated, listed separately" if undated else "")
        + "."
    )
    return canvas.picture(height, description)
