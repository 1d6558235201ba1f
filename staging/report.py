"""The printed staging report (a PDF to send with a referral): its content and its rendering.

Two halves, both free of Django so they stay testable on their own (staging/*.py keeps Django
out; staging/views.py loads the records, renders the template and records what was produced):

- `build_report_context` turns a patient, its stored staging snapshot and the snapshot's
  episode records into plain values for templates/staging/report.html. The staging texts come
  from `snapshot.result` unchanged, so the PDF says what the page and the JSON say (rules §7).
- `render_pdf` runs WeasyPrint with our own print stylesheet and fonts. The stylesheet is parsed
  once per process and paper size, the font configuration is shared, and the URL fetcher serves
  only files under static/report/ and data: URIs: a report never reaches the network.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from staging.engine.inputs import SCREENING_ITEMS
from staging.engine.vocabulary import ROMAN

PAPER_SIZES = ("A4", "Letter")
REPORT_STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "report"
STYLESHEET_PATH = REPORT_STATIC_DIR / "report.css"
USER_AGENT_STYLESHEET_PATH = REPORT_STATIC_DIR / "user-agent.css"


# --- Rendering -----------------------------------------------------------------------------


class RefusedURL(ValueError):
    """The report asked for something other than our own static files or a data: URI."""


class StaticOnlyFetcher(URLFetcher):
    """Serves files under one directory and data: URIs; refuses everything else.

    Patient data is in the HTML, so an <img src="http://..."> (from a clinician's text or a
    future template change) must not become a request that leaks it. WeasyPrint catches the
    refusal, logs a warning and renders without the resource.
    """

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path2url(str(path)), path.read_bytes(), {"Content-Type": content_type})
        raise RefusedURL(f"the staging report only loads its own static files, not {url[:80]}")


FETCHER = StaticOnlyFetcher(REPORT_STATIC_DIR)
FONT_CONFIG = FontConfiguration()
BASE_URL = path2url(str(REPORT_STATIC_DIR)) + "/"

_stylesheets: dict[str, CSS] = {}
_stylesheets_lock = threading.Lock()
USER_AGENT_STYLESHEET = CSS(filename=str(USER_AGENT_STYLESHEET_PATH), url_fetcher=FETCHER)


class ReportHTML(HTML):
    """A report document with our cut-down user-agent stylesheet instead of WeasyPrint's full one.

    `_ua_stylesheets` is the hook WeasyPrint's own test suite overrides for the same purpose.
    """

    def _ua_stylesheets(self, forms=False):
        return [USER_AGENT_STYLESHEET]


def stylesheet(paper_size: str) -> CSS:
    """report.css plus the page size, parsed once per process (fonts load into FONT_CONFIG then)."""
    if paper_size not in PAPER_SIZES:
        raise ValueError(f"paper size must be one of {', '.join(PAPER_SIZES)}, not {paper_size!r}")
    with _stylesheets_lock:
        if paper_size not in _stylesheets:
            text = STYLESHEET_PATH.read_text(encoding="utf-8") + f"\n@page {{ size: {paper_size}; }}\n"
            _stylesheets[paper_size] = CSS(string=text, base_url=BASE_URL, url_fetcher=FETCHER, font_config=FONT_CONFIG)
        return _stylesheets[paper_size]


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    pdf: bytes
    page_count: int
    paper_size: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


# The shared font configuration holds Pango/fontconfig state that WeasyPrint does not promise to
# be thread-safe; threaded servers (runserver, gunicorn --threads) render one report at a time
# per process. Sync workers never wait on it.
_render_lock = threading.Lock()


def render_pdf(html: str, paper_size: str) -> RenderedPdf:
    """The PDF of a finished report HTML string (also the benchmark's floor: nothing else runs)."""
    css = stylesheet(paper_size)
    with _render_lock:
        document = ReportHTML(string=html, base_url=BASE_URL, url_fetcher=FETCHER).render(
            font_config=FONT_CONFIG, stylesheets=[css]
        )
        pdf = document.write_pdf()
    return RenderedPdf(pdf=pdf, page_count=len(document.pages), paper_size=paper_size)


# --- Content -------------------------------------------------------------------------------

LABELS = {  # rules §5, in words a reader outside the clinic understands
    "remission": "Remission",
    "responding": "Responding to current treatment",
    "trd": "Treatment-resistant depression (TRD)",
    "prd": "Partially responsive depression (PRD)",
    "single_failure": "One failed adequate trial",
    "not_staged": "Not staged (no failed adequate trial)",
}
OUTCOMES = {
    "remission": "Remission",
    "response": "Response",
    "partial_response": "Partial response",
    "non_response": "No response",
    "intolerance": "Stopped: intolerance",
    "unknown": "Not documented",
}
INADEQUATE_REASONS = {  # rules §3.2, short forms for the table; the full sentences are in the flags
    "intolerance": "stopped for intolerance",
    "dose_below_minimum": "dose below minimum",
    "too_short": "under 6 weeks at dose",
    "low_adherence": "adherence under 80 %",
}
SEVERITIES = {
    "subsyndromal": "Subsyndromal",
    "mild": "Mild",
    "moderate": "Moderate",
    "severe": "Severe",
    "severe_psychotic": "Severe with psychotic features",
}
PLACEMENTS = {"bilateral": "Bilateral", "right_unilateral": "Right unilateral", "bifrontal": "Bifrontal"}
OTHER_KINDS = {
    "rtms": "rTMS",
    "esketamine": "Esketamine",
    "ketamine": "Ketamine",
    "psychotherapy": "Psychotherapy",
    "vns": "Vagus nerve stimulation",
}
COMORBIDITIES = {"adhd": "ADHD", "ptsd": "PTSD", "ocd": "OCD"}
SCREENING = {"adhd": "ADHD", "ptsd": "PTSD", "vitamin_b12": "Vitamin B12", "vitamin_d": "Vitamin D"}
SEX = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Not recorded"}
# rules §4.2: the range of each Maudsley item
MAUDSLEY_ITEMS = (
    ("duration", "Duration of episode", "1–3"),
    ("severity", "Severity of episode", "1–5"),
    ("antidepressants", "Antidepressant trials", "1–5"),
    ("augmentation", "Augmentation", "0–1"),
    ("ect", "ECT", "0–1"),
)


def words(value: str, known: dict[str, str] | None = None) -> str:
    if not value:
        return ""
    return (known or {}).get(value) or value.replace("_", " ").capitalize()


def day(value: date | None) -> str:
    """'22 Nov 2026': unambiguous in every country a referral may go to."""
    return f"{value.day} {value:%b %Y}" if value else "—"


def amount(value) -> str:
    """Decimal('150.00') -> '150', 7.5 -> '7.5'."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def duration_words(start: date, end: date) -> str:
    months = max(months_between(start, end), 0)
    years, rest = divmod(months, 12)
    parts = ([f"{years} year{'s' if years != 1 else ''}"] if years else []) + (
        [f"{rest} month{'s' if rest != 1 else ''}"] if rest or not years else []
    )
    return " ".join(parts)


def _augmentation_words(augmentation) -> str:
    text = augmentation.agent
    if augmentation.dose_mg_per_day is not None:
        text += f" {amount(augmentation.dose_mg_per_day)} mg/day"
    if augmentation.weeks is not None:
        text += f", {amount(augmentation.weeks)} weeks"
    return text


def _trial_rows(trials, result_trials: list[dict]) -> list[dict]:
    rows = []
    for index, trial in enumerate(trials):
        judged = result_trials[index] if index < len(result_trials) else {}
        reasons = [INADEQUATE_REASONS.get(code, words(code)) for code in judged.get("inadequate_reasons", [])]
        minimum = judged.get("min_adequate_dose_mg")
        rows.append(
            {
                "number": index + 1,
                "drug": trial.drug,
                "drug_class": judged.get("drug_class") or trial.drug_class or "",
                "clinician_defined": judged.get("clinician_defined", bool(trial.drug_class)),
                "dose": amount(trial.dose_mg_per_day),
                "min_dose": amount(minimum) if minimum is not None else "",
                "weeks": amount(trial.weeks_at_dose),
                "started_on": day(trial.started_on) if trial.started_on else "",
                "adherence": f"{amount(trial.adherence_pct)} %"
                if trial.adherence_pct is not None
                else "not documented",
                "improvement": f"{amount(trial.improvement_pct)} %" if trial.improvement_pct is not None else "—",
                "outcome": words(judged.get("outcome") or trial.outcome or "unknown", OUTCOMES),
                "adequate": judged.get("adequate"),
                "inadequate_reasons": reasons,
                "counted": judged.get("counted", False),
                "augmentation": [_augmentation_words(item) for item in trial.augmentations.all()],
                "explanation": judged.get("explanation", ""),
            }
        )
    return rows


def _trial_names(indices, rows: list[dict]) -> list[str]:
    return [f"{rows[i]['drug']} (trial {i + 1})" if i < len(rows) else f"trial {i + 1}" for i in indices or ()]


def _svg_data_uri(svg: str) -> str:
    """An <img> source: the picture is drawn as an image, so its own styles stay inside it."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _rows_of_two(items: list[str]) -> list[tuple[str, str]]:
    """Items in reading order, two to a row (the last row padded with an empty cell)."""
    padded = items + [""] * (len(items) % 2)
    return list(zip(padded[0::2], padded[1::2]))


def _interpretation_notes(result: dict) -> list[str]:
    """Every instrument's notes (rules §7), each once, in the order of the report."""
    notes: list[str] = []
    for section in ("thase_rush", "maudsley", "mgh", "classification", "dtd"):
        for note in (result.get(section) or {}).get("interpretation_notes") or ():
            if note not in notes:
                notes.append(note)
    return notes


def build_report_context(
    patient,
    snapshot,
    episode,
    *,
    clinician_name: str,
    generated_on: date,
    timeline_svg: str | None = None,
) -> dict:
    """Plain values for templates/staging/report.html.

    `episode` is the snapshot's episode with trials (and their augmentations), ECT and other
    courses prefetched; the i-th trial pairs with `result["trials"][i]` (both in input order,
    rules §10).
    """
    result = snapshot.result
    trials = list(episode.trials.all())
    rows = _trial_rows(trials, result.get("trials") or [])
    thase_rush = result.get("thase_rush") or {}
    maudsley = result.get("maudsley") or {}
    mgh = result.get("mgh") or {}
    classification = result.get("classification") or {}
    dtd = result.get("dtd") or {}
    screening = {item: getattr(episode, item, "not_screened") for item in SCREENING_ITEMS}
    stage = thase_rush.get("stage")
    return {
        "clinic_name": patient.clinic.name,
        "clinician_name": clinician_name,
        "generated_on": day(generated_on),
        "patient": {
            "name": patient.name,
            "date_of_birth": day(patient.date_of_birth),
            "age": patient.age_on(generated_on),
            "sex": words(patient.sex, SEX),
            "record_number": patient.record_number,
        },
        "episode": {
            "onset": day(episode.onset),
            "duration": duration_words(episode.onset, snapshot.assessed_on),
            "assessed_on": day(snapshot.assessed_on),
            "chronic": classification.get("chronic"),
            "severity": words(episode.severity, SEVERITIES),
            "functional_impairment": words(episode.functional_impairment) or "Not recorded",
            "comorbidities": [words(item, COMORBIDITIES) for item in episode.comorbidities or ()],
            "psychosocial_stressors": episode.psychosocial_stressors,
        },
        "trials": rows,
        "ect_courses": [
            {
                "number": number,
                "placement": words(course.electrode_placement, PLACEMENTS),
                "sessions": course.sessions or "—",
                "started_on": day(course.started_on) if course.started_on else "—",
                "outcome": words(course.outcome, OUTCOMES),
            }
            for number, course in enumerate(episode.ect_courses.all(), start=1)
        ],
        "other_courses": [
            {
                "number": number,
                "kind": words(course.kind, OTHER_KINDS),
                "weeks": amount(course.weeks) or "—",
                "started_on": day(course.started_on) if course.started_on else "—",
                "outcome": words(course.outcome, OUTCOMES) or "Not documented",
            }
            for number, course in enumerate(episode.other_courses.all(), start=1)
        ],
        "thase_rush": {
            "stage": ROMAN[stage] if isinstance(stage, int) and 0 <= stage < len(ROMAN) else "—",
            "explanation": thase_rush.get("explanation", ""),
        },
        "maudsley": {
            "applicable": maudsley.get("applicable", False),
            "total": maudsley.get("total"),
            "category": words(maudsley.get("category") or ""),
            "items": [
                {"name": name, "range": points, "score": (maudsley.get("items") or {}).get(key)}
                for key, name, points in MAUDSLEY_ITEMS
            ],
            "explanation": maudsley.get("explanation", ""),
        },
        "mgh": {"score": mgh.get("score"), "explanation": mgh.get("explanation", "")},
        "classification": {
            "label": LABELS.get(classification.get("label"), words(classification.get("label") or "")),
            "regulatory_trd": classification.get("regulatory_trd"),
            "regulatory_trd_trials": _trial_names(classification.get("regulatory_trd_trials"), rows),
            "chronic": classification.get("chronic"),
            "explanation": classification.get("explanation", ""),
        },
        "dtd": {
            "met": dtd.get("met"),
            "reasons": list(dtd.get("reasons") or ()),
            "complexity_factors": list(dtd.get("complexity_factors") or ()),
            "complexity_factor_rows": _rows_of_two(list(dtd.get("complexity_factors") or ())),
        },
        "flags": [flag.get("message", "") for flag in result.get("flags") or ()],
        "screened_negative": [
            words(item, SCREENING) for item, status in screening.items() if status == "screened_negative"
        ],
        "interpretation_notes": _interpretation_notes(result),
        "timeline_src": _svg_data_uri(timeline_svg) if timeline_svg else "",
        "ruleset": snapshot.ruleset or result.get("ruleset", ""),
        "snapshot_id": snapshot.pk,
        "computed_at": day(snapshot.computed_at.date()) if snapshot.computed_at else "—",
    }
