"""The prior-authorisation packet (rules §12): one eligibility profile's criteria, their states and
their evidence, printed for a payer or a referral, and recorded like the staging report.

It shows what the patient page's panel and the staging report's "Eligibility" section show
(patients.patient_page.eligibility_of), so the three cannot disagree. `produce_packet` is shared
by the panel's print form and `manage.py staging_report --profile`.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.template.loader import render_to_string

from patients.patient_page import eligibility_of, staging_view
from staging.eligibility_presentation import find_profile
from staging.models import GeneratedReport
from staging.report import RenderedPdf, paper_heading
from staging.views import ReportUnavailable, render_and_record, report_patient

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 2000


class UnknownProfile(Exception):
    """The staging has no result for this profile (not configured when it was staged)."""


@dataclass(frozen=True)
class ProducedPacket:
    rendered: RenderedPdf
    record: GeneratedReport
    filename: str


def packet_html(patient, snapshot, episode, profile_id: str, *, clinician_name: str, reason: str, generated_on) -> str:
    staging = staging_view(patient, snapshot, episode)
    profile = find_profile(eligibility_of(patient, snapshot, episode, staging), profile_id)
    if profile is None:
        raise UnknownProfile(profile_id)
    return render_to_string(
        "staging/eligibility_packet.html",
        {
            "profile": profile,
            "staging": staging,
            **paper_heading(
                report_patient(patient, generated_on),
                clinic_name=patient.clinic.name,
                clinician_name=clinician_name,
                generated_on=generated_on,
            ),
            "reason": reason,
            "snapshot_id": snapshot.pk,
        },
    )


def produce_packet(
    patient,
    profile_id: str,
    *,
    user=None,
    generated_by: str | None = None,
    channel: str = GeneratedReport.WEB,
    paper_size: str | None = None,
    reason: str = "",
) -> ProducedPacket:
    """Render one profile's packet as of today and record who produced which bytes.

    Raises ReportUnavailable (no current staging) or UnknownProfile.
    """
    rendered, record, today = render_and_record(
        patient,
        functools.partial(packet_html, patient, profile_id=profile_id, reason=reason.strip()),
        user=user,
        generated_by=generated_by,
        channel=channel,
        paper_size=paper_size,
        kind=GeneratedReport.ELIGIBILITY_PACKET,
        profile=profile_id,
    )
    logger.info("eligibility packet %s (%s) produced for patient %s", record.pk, profile_id, patient.pk)
    # Ids, the profile and a date: never the patient's name (download folders, mail attachments).
    filename = f"eligibility-{profile_id}-{patient.pk}-{today:%Y-%m-%d}.pdf"
    return ProducedPacket(rendered=rendered, record=record, filename=filename)


__all__ = ["ProducedPacket", "ReportUnavailable", "UnknownProfile", "produce_packet"]
