"""The printed staging report (a PDF to send with a referral): its content and its rendering.

Two halves, both free of Django so they stay testable on their own (staging/views.py loads the
records, renders the template and records what was produced):

- `build_report_context` takes the staging as staging.presentation words it — the object the
  patient page renders too, so the PDF says what the page and the JSON say (rules §7) — and the
  patient's details as plain values, for templates/staging/report.html.
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
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from staging.presentation import StagingView, day

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


@dataclass(frozen=True, slots=True)
class ReportPatient:
    """Who the report is about, as plain values (the view reads them from the database)."""

    name: str
    record_number: str
    date_of_birth: date
    age: int
    sex: str  # in words


def paper_heading(patient: ReportPatient, *, clinic_name: str, clinician_name: str, generated_on: date) -> dict:
    """Who a printed page is about, for whom and when: the staging report and the eligibility
    packet (staging/packet.py) head their pages alike."""
    return {
        "clinic_name": clinic_name,
        "clinician_name": clinician_name,
        "generated_on": day(generated_on),
        "patient": {
            "name": patient.name,
            "record_number": patient.record_number,
            "date_of_birth": day(patient.date_of_birth),
            "age": patient.age,
            "sex": patient.sex,
        },
    }


def svg_data_uri(svg: str) -> str:
    """An <img> source: the picture is drawn as an image, so its own styles stay inside it."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _rows_of_two(items) -> list[tuple]:
    """Items in reading order, two to a row (the last row padded with an empty cell)."""
    items = list(items)
    padded = items + [""] * (len(items) % 2)
    return list(zip(padded[0::2], padded[1::2]))


def build_report_context(
    staging: StagingView,
    *,
    patient: ReportPatient,
    clinic_name: str,
    clinician_name: str,
    generated_on: date,
    snapshot_id: int,
    computed_at: datetime | None,
    timeline_svg: str | None = None,
) -> dict:
    """Plain values for templates/staging/report.html: the staging as staging.presentation words
    it (the same object the patient page renders), and what only the paper needs."""
    return {
        "staging": staging,
        **paper_heading(patient, clinic_name=clinic_name, clinician_name=clinician_name, generated_on=generated_on),
        "episode_fact_rows": _rows_of_two(staging.episode),
        "complexity_factor_rows": _rows_of_two(staging.dtd.complexity_factors),
        "timeline_src": svg_data_uri(timeline_svg) if timeline_svg else "",
        "ruleset": staging.ruleset,
        "snapshot_id": snapshot_id,
        "computed_at": day(computed_at.date()) if computed_at else "—",
    }
