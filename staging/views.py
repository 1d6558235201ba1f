"""The PDF staging report: produced from the stored staging, served inline, recorded.

`produce_report` is shared with `manage.py staging_report`; staging/report.py holds the
Django-free content and rendering.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.decorators import audits_patient_read
from audit.models import AuditEntry
from patients.access import get_visible_patient
from patients.history import history_panel
from patients.models import Episode
from patients.patient_page import eligibility_of, staging_view
from patients.services import staging_as_of_today
from patients.timeline import render_timeline_svg
from staging.models import GeneratedReport
from staging.report import RenderedPdf, ReportPatient, build_report_context, render_pdf, svg_data_uri

logger = logging.getLogger(__name__)


class ReportUnavailable(Exception):
    """The patient has no current staging: the episode must be entered first."""


@dataclass(frozen=True)
class ProducedReport:
    rendered: RenderedPdf
    record: GeneratedReport
    filename: str


def load_staged_episode(patient):
    """The staging as of today and its episode with every record the report shows."""
    snapshot = staging_as_of_today(patient)
    if snapshot is None or snapshot.episode_id is None:
        raise ReportUnavailable
    episode = (
        Episode.objects.filter(pk=snapshot.episode_id)
        .prefetch_related(
            "trials__augmentations",
            "ect_courses",
            "other_courses",
            "scale_scores",
            "attestations",  # the eligibility answers (rules §12)
        )
        .first()
    )
    if episode is None:
        raise ReportUnavailable
    return snapshot, episode


def printed_history(episode) -> dict:
    """The staging history for the PDF: its picture as an <img>, like the report's timeline, so
    the picture keeps its own styles."""
    history = history_panel(episode, compact=True)
    if history["points"]:
        history["src"] = svg_data_uri(history["svg"])
    return history


def report_patient(patient, on: date) -> ReportPatient:
    """The patient's details as a page printed that day gives them."""
    return ReportPatient(
        name=patient.name,
        record_number=patient.record_number,
        date_of_birth=patient.date_of_birth,
        age=patient.age_on(on),
        sex=patient.get_sex_display(),
    )


def report_html(patient, snapshot, episode, *, clinician_name: str, generated_on=None) -> str:
    generated_on = generated_on or timezone.localdate()
    staging = staging_view(patient, snapshot, episode)
    context = build_report_context(
        staging,
        patient=report_patient(patient, generated_on),
        clinic_name=patient.clinic.name,
        clinician_name=clinician_name,
        generated_on=generated_on,
        snapshot_id=snapshot.pk,
        computed_at=snapshot.computed_at,
        timeline_svg=render_timeline_svg(episode, list(episode.scale_scores.all()), compact=True),
    )
    context["eligibility"] = eligibility_of(patient, snapshot, episode, staging)  # rules §12
    context["history"] = printed_history(episode)
    return render_to_string("staging/report.html", context)


def render_and_record(
    patient, write_html, *, user, generated_by: str | None, channel: str, paper_size: str | None, **kind
) -> tuple[RenderedPdf, GeneratedReport, date]:
    """The staging as of today written by `write_html(snapshot, episode, clinician_name=,
    generated_on=)`, rendered to PDF and recorded with who produced which bytes (`kind`: the
    record's kind and profile); returns the PDF, its record and the day it is dated.

    Shared by the staging report and the eligibility packet (staging/packet.py).
    """
    paper_size = paper_size or settings.TRD_PAPER_SIZE
    snapshot, episode = load_staged_episode(patient)  # restaged first when dated another day
    clinician_name = (user.get_full_name() or user.get_username()) if user is not None else ""
    today = timezone.localdate()
    html = write_html(snapshot, episode, clinician_name=clinician_name, generated_on=today)
    rendered = render_pdf(html, paper_size)
    record = GeneratedReport.record(
        patient,
        snapshot,
        rendered,
        user=user,
        generated_by=generated_by,
        channel=channel,
        paper_size=paper_size,
        **kind,
    )
    return rendered, record, today


def produce_report(
    patient,
    *,
    user=None,
    generated_by: str | None = None,
    channel: str = GeneratedReport.WEB,
    paper_size: str | None = None,
) -> ProducedReport:
    """Render the patient's current staging to PDF and record who produced which bytes."""
    rendered, record, today = render_and_record(
        patient,
        functools.partial(report_html, patient),
        user=user,
        generated_by=generated_by,
        channel=channel,
        paper_size=paper_size,
    )
    logger.info("staging report %s produced for patient %s (%s pages)", record.pk, patient.pk, rendered.page_count)
    # The file name reaches download folders and mail attachments: ids and a date, no name.
    filename = f"staging-report-{patient.pk}-{today:%Y-%m-%d}.pdf"
    return ProducedReport(rendered=rendered, record=record, filename=filename)


@require_GET
@audits_patient_read(AuditEntry.EXPORT_PDF)
def staging_report(request, pk):
    patient = get_visible_patient(request.user, pk)
    try:
        produced = produce_report(patient, user=request.user)
    except ReportUnavailable:
        return render(request, "staging/report_unavailable.html", {"patient": patient}, status=409)
    response = HttpResponse(produced.rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{produced.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@audits_patient_read()
def staging_json(request, pk):
    """The stored staging as rules §10 JSON: the same explanations as the page and the PDF."""
    patient = get_visible_patient(request.user, pk)
    snapshot = staging_as_of_today(patient)
    if snapshot is None:
        return JsonResponse(
            {"error": "This patient has no current staging: record the current episode first."}, status=409
        )
    response = JsonResponse(
        {
            "patient": patient.pk,
            "as_of": patient.staged_on.isoformat(),
            "computed_at": snapshot.computed_at.isoformat(),
            "assessed_on": snapshot.assessed_on.isoformat(),
            "input": snapshot.input,
            "result": snapshot.result,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-store"
    return response
