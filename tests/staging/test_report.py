"""The PDF staging report: content, pagination, paper size, pixels, and no network access.

Real PDFs from WeasyPrint, read back with pypdf and rendered by poppler's pdftoppm.
"""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from weasyprint import HTML

from patients.models import Patient
from patients.services import restage
from staging import report
from staging.engine.inputs import RULESET_ID
from staging.models import AppendOnlyError, GeneratedReport
from staging.report import RefusedURL, render_pdf, stylesheet
from staging.views import load_staged_episode, produce_report, report_html
from tests.factories import (
    make_ect,
    make_episode,
    make_other_course,
    make_patient,
    make_staged_trd_patient,
    make_trial,
    make_user,
)
from tests.staging.pdf_helpers import (
    A4_POINTS,
    LETTER_POINTS,
    all_page_pixels,
    first_page_pixels,
    flat,
    page_sizes,
    page_texts,
)

TRIAL_TABLE_HEADER = "Drug (class) and augmentation"


def staged_patient_with_history(clinic):
    """TRD on rules §4–§5 grounds plus one of everything the report lists."""
    patient = make_patient(clinic, name="Ada Referral")
    episode = make_episode(
        patient,
        onset=date(2024, 1, 10),
        severity="severe",
        functional_impairment="moderate",
        comorbidities=["anxiety"],
        bipolar_spectrum="positive",
        thyroid_function="screened_negative",
    )
    make_trial(
        episode,
        "sertraline",
        150,
        8,
        adherence=90,
        improvement=10,
        started_on=date(2024, 2, 1),
        augmentation=[("lithium", 800)],
    )
    make_trial(episode, "venlafaxine", 225, 10, adherence=None, improvement=15, started_on=date(2024, 5, 1))
    make_trial(episode, "mirtazapine", 7.5, 3, adherence=100, improvement=5, started_on=date(2024, 8, 1))
    make_trial(
        episode,
        "zuranolone",
        50,
        8,
        adherence=90,
        improvement=5,
        started_on=date(2024, 10, 1),
        drug_class="NaSSA",
        min_adequate_dose_mg=30,
    )
    make_ect(episode, placement="right_unilateral", outcome="non_response", sessions=9)
    make_other_course(episode, kind="rtms", weeks=6, outcome="partial_response")
    restage(patient)
    patient.refresh_from_db()
    return patient


@pytest.fixture
def doctor(clinic):
    return make_user(clinic, username="dr_ward")


def test_report_shows_the_stored_staging_and_every_trial(clinic, doctor):
    patient = make_staged_trd_patient(clinic, name="Bea Example", record_number="R-7781")
    result = patient.current_snapshot.result

    produced = produce_report(patient, user=doctor)
    text = flat(" ".join(page_texts(produced.rendered.pdf)))

    # rules §4.1: sertraline (SSRI) and venlafaxine (SNRI) fail adequately, mirtazapine is too low
    # and too short -> two classes, no TCA: Stage II; rules §5: two non-responses -> TRD.
    assert result["thase_rush"]["stage"] == 2
    assert re.search(r"THASE–RUSH Stage II(?![IV])", text)
    assert result["classification"]["label"] == "trd"
    assert "Treatment-resistant depression (TRD)" in text
    assert f"{result['maudsley']['total']} / 15" in text
    assert result["maudsley"]["category"].capitalize() in text
    assert str(result["mgh"]["score"]) in text
    for trial in result["trials"]:
        assert trial["drug"] in text
    assert patient.current_snapshot.ruleset == RULESET_ID
    assert RULESET_ID in text
    assert "Bea Example" in text and "R-7781" in text and "17 May 1970" in text
    assert clinic.name in text
    assert doctor.get_full_name() in text
    # Regulatory TRD met, citing the trials that meet it (rules §5)
    assert "sertraline (trial 1) and venlafaxine (trial 2)" in text
    # The same explanation texts as the page and the JSON (rules §7)
    assert flat(result["thase_rush"]["explanation"]) in text
    for note in result["thase_rush"]["interpretation_notes"]:
        assert flat(note) in text


def test_report_lists_augmentation_courses_flags_and_dtd(clinic, doctor):
    patient = staged_patient_with_history(clinic)
    result = patient.current_snapshot.result

    text = flat(" ".join(page_texts(produce_report(patient, user=doctor).rendered.pdf)))

    assert "+ lithium 800 mg/day" in text
    # The treatment timeline picture (patients.timeline), drawn from our own fonts only
    assert "Treatment timeline" in text and "Episode onset" in text
    assert "clinician-defined" in text
    assert "Right unilateral" in text and "rTMS" in text
    # "Before concluding resistance" (rules §8): every flag of the snapshot, word for word
    assert "Before concluding resistance" in text
    assert result["flags"], "the fixture has unscreened items and an inadequate trial"
    for flag in result["flags"]:
        assert flat(flag["message"]) in text
    assert "Screened negative: Thyroid function" in text
    for reason in result["dtd"]["reasons"] + result["dtd"]["complexity_factors"]:
        assert flat(reason) in text
    # rules §3.2: mirtazapine 7.5 mg/day < 15 and 3 weeks < 6
    assert "dose below minimum" in text and "under 6 weeks at dose" in text


def test_forty_trials_paginate_with_repeated_table_header_and_page_numbers(clinic, doctor):
    patient = make_patient(clinic)
    episode = make_episode(patient, onset=date(2020, 1, 1), severity="severe")
    drugs = [
        "sertraline",
        "citalopram",
        "venlafaxine",
        "duloxetine",
        "mirtazapine",
        "bupropion",
        "vortioxetine",
        "nortriptyline",
    ]
    for number in range(40):
        make_trial(
            episode, drugs[number % len(drugs)], 300, 8, adherence=90, improvement=10, started_on=date(2020, 2, 1)
        )
    restage(patient)
    patient.refresh_from_db()

    produced = produce_report(patient, user=doctor)
    pages = page_texts(produced.rendered.pdf)

    count = len(pages)
    assert count >= 3 and produced.rendered.page_count == count
    assert sum(TRIAL_TABLE_HEADER in flat(page) for page in pages) >= 2
    assert f"Page 1 of {count}" in pages[0]
    assert f"Page {count} of {count}" in pages[-1]
    assert all(f"Page {number} of {count}" in page for number, page in enumerate(pages, start=1))
    # Later pages name the patient in the running header.
    assert patient.record_number in flat(pages[1])


def test_first_page_is_not_blank(clinic, doctor, tmp_path):
    patient = make_staged_trd_patient(clinic)

    width, height, pixels = first_page_pixels(produce_report(patient, user=doctor).rendered.pdf, tmp_path)

    # A4 at 50 dpi is about 413 x 585 pixels.
    assert width == pytest.approx(A4_POINTS[0] / 72 * 50, abs=1)
    assert height == pytest.approx(A4_POINTS[1] / 72 * 50, abs=1)
    ink = sum(1 for value in pixels if value < 200)
    assert ink > 0.03 * width * height, f"only {ink} dark pixels of {width * height}"


@pytest.mark.parametrize(("paper", "points"), [("A4", A4_POINTS), ("Letter", LETTER_POINTS)])
def test_paper_size_follows_the_setting(clinic, doctor, paper, points):
    patient = make_staged_trd_patient(clinic)

    with override_settings(TRD_PAPER_SIZE=paper):
        produced = produce_report(patient, user=doctor)

    for width, height in page_sizes(produced.rendered.pdf):
        assert width == pytest.approx(points[0], abs=0.5) and height == pytest.approx(points[1], abs=0.5)
    assert produced.record.paper_size == paper


def test_every_report_is_recorded_with_the_hash_of_its_bytes(clinic, doctor, django_assert_max_num_queries):
    patient = Patient.objects.select_related("clinic").get(pk=staged_patient_with_history(clinic).pk)

    # the patient's snapshot, the episode, trials, augmentations, ECT, other courses, scale scores,
    # attestation answers, the episode's snapshots (staging history) and the record insert: a
    # fixed number, whatever the number of trials
    with django_assert_max_num_queries(10):
        produced = produce_report(patient, user=doctor)

    record = GeneratedReport.objects.get()
    assert record == produced.record
    assert record.sha256 == hashlib.sha256(produced.rendered.pdf).hexdigest()
    assert record.snapshot_id == patient.current_snapshot_id
    assert (record.patient, record.generated_by_user, record.generated_by) == (patient, doctor, doctor.username)
    assert record.page_count == produced.rendered.page_count and record.byte_size == len(produced.rendered.pdf)


def test_report_records_are_append_only(clinic, doctor):
    patient = make_staged_trd_patient(clinic)
    record = produce_report(patient, user=doctor).record

    record.page_count = 99
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    assert GeneratedReport.objects.get().page_count != 99


class _CountingHandler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_http_server():
    _CountingHandler.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _CountingHandler.requests
    server.shutdown()
    server.server_close()


def test_rendering_never_fetches_from_the_network(local_http_server, caplog):
    base, requests = local_http_server
    html = f'<html><body><p>Staging</p><img src="{base}/tracker.png" alt="x"><link rel="stylesheet" href="{base}/x.css"></body></html>'

    # Control: WeasyPrint's own fetcher does reach this server...
    HTML(string=html).write_pdf()
    assert requests, "the control render should have requested the image"
    requests.clear()

    # ...the report's renderer does not, and still produces the PDF.
    rendered = render_pdf(html, "A4")

    assert requests == []
    assert rendered.pdf.startswith(b"%PDF") and rendered.page_count == 1
    assert "Staging" in page_texts(rendered.pdf)[0]
    assert any("RefusedURL" in record.getMessage() for record in caplog.records)


def test_fetcher_serves_only_report_static_files_and_data_uris(tmp_path):
    font = report.REPORT_STATIC_DIR / "fonts" / "DejaVuSans.ttf"

    served = report.FETCHER.fetch(font.as_uri())
    assert served.read() == font.read_bytes()
    assert report.FETCHER.fetch("data:text/plain;base64,b2s=").read() == b"ok"

    outside = tmp_path / "secret.txt"
    outside.write_text("patient list")
    for url in (
        outside.as_uri(),
        (report.REPORT_STATIC_DIR / ".." / ".." / "manage.py").resolve().as_uri(),
        "https://example.org/font.ttf",
        "ftp://example.org/x",
    ):
        with pytest.raises(RefusedURL):
            report.FETCHER.fetch(url)


def test_stylesheet_is_parsed_once_per_paper_size():
    assert stylesheet("A4") is stylesheet("A4")
    assert stylesheet("Letter") is stylesheet("Letter")
    assert stylesheet("A4") is not stylesheet("Letter")
    with pytest.raises(ValueError):
        stylesheet("Legal")


def test_episode_without_counted_trials_reports_maudsley_not_applicable(clinic, doctor):
    patient = make_patient(clinic, name="<b>Eve</b> & Co")
    make_episode(patient, onset=date(2025, 1, 5), severity="mild")
    restage(patient)
    patient.refresh_from_db()
    result = patient.current_snapshot.result

    text = flat(" ".join(page_texts(produce_report(patient, user=doctor).rendered.pdf)))

    # rules §4.1: no counted trial -> Stage 0; §4.2: the MSM is not applicable; §5: not staged
    assert result["thase_rush"]["stage"] == 0 and result["maudsley"]["applicable"] is False
    assert re.search(r"THASE–RUSH Stage 0", text)
    assert "MAUDSLEY (MSM) Not applicable" in text
    assert "Not staged (no failed adequate trial)" in text
    assert "No antidepressant trial is recorded for this episode." in text
    assert "<b>Eve</b> & Co" in text  # shown as typed, never interpreted as markup


def test_the_cut_down_user_agent_stylesheet_renders_like_weasyprints_own(clinic, doctor, tmp_path):
    # static/report/user-agent.css replaces WeasyPrint's HTML5 defaults for speed; the pages must
    # not change, so a template change that needs a dropped default shows up here.
    patient = staged_patient_with_history(clinic)
    snapshot, episode = load_staged_episode(patient)
    html = report_html(patient, snapshot, episode, clinician_name="Dr Ward")

    ours = render_pdf(html, "A4")
    weasyprints = (
        HTML(string=html, base_url=report.BASE_URL, url_fetcher=report.FETCHER)
        .render(font_config=report.FONT_CONFIG, stylesheets=[stylesheet("A4")])
        .write_pdf()
    )

    assert ours.page_count >= 2
    assert all_page_pixels(ours.pdf, tmp_path) == all_page_pixels(weasyprints, tmp_path)
