"""The eligibility panel's two forms (rules §12): answering an attestation criterion, and printing
a profile's prior-authorisation packet.

Both are POSTs: an answer changes the record, and the packet's reason for referral is patient
text, which must never travel in a URL. The patient is looked up first, so another clinic's
patient is a 404 whatever the method.
"""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from audit.decorators import audits_patient_read
from audit.models import AuditEntry
from patients.access import get_visible_patient
from patients.attestations import AttestationAnswerForm, NoCurrentEpisode, answer_attestation
from staging.packet import REASON_MAX_LENGTH, ReportUnavailable, UnknownProfile, produce_packet
from staging.site import configured_profiles


class PacketForm(forms.Form):
    profile = forms.CharField(max_length=100)
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        label="Reason for referral (optional, printed in the packet)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _panel_url(patient, profile_id: str = "") -> str:
    """Back to the panel, the profile open again (its id is configuration, not patient data)."""
    url = reverse("patients:detail", args=[patient.pk])
    if profile_id and configured_profiles().get(profile_id) is not None:
        return f"{url}?{urlencode({'eligibility': profile_id})}#eligibility-{profile_id.replace('.', '-')}"
    return url + "#eligibility-heading"


def _posted_for_a_visible_patient(view):
    """The view gets the patient, looked up first (another clinic's is a 404 whatever the
    method), and answers POST only."""

    @functools.wraps(view)
    def checked_view(request, pk):
        patient = get_visible_patient(request.user, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, patient)

    return checked_view


@_posted_for_a_visible_patient
def answer(request, patient):
    """Confirm an attestation criterion, record that it does not hold, or leave it open."""
    form = AttestationAnswerForm(request.POST)
    if not form.is_valid():
        problems = [message for messages_ in form.errors.values() for message in messages_]
        messages.error(request, "The answer was not saved: " + " ".join(problems))
        return redirect(_panel_url(patient))
    profile_id, criterion = form.cleaned_data["profile"], form.cleaned_data["criterion"]
    try:
        changed = answer_attestation(patient, profile_id, criterion, form.value, request.user)
    except NoCurrentEpisode:
        messages.error(request, "The answer was not saved: enter the current episode first.")
        return redirect(_panel_url(patient))
    if changed:
        messages.success(request, f"Answer saved ({criterion}); the eligibility was recomputed.")
    return redirect(_panel_url(patient, profile_id))


@audits_patient_read(AuditEntry.EXPORT_PDF)
@_posted_for_a_visible_patient
def packet(request, patient):
    """The prior-authorisation packet of one profile, as a PDF shown inline."""
    form = PacketForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The packet was not printed: the reason for referral is limited to 2,000 characters.")
        return redirect(_panel_url(patient, request.POST.get("profile", "")))
    try:
        produced = produce_packet(
            patient, form.cleaned_data["profile"], user=request.user, reason=form.cleaned_data["reason"]
        )
    except ReportUnavailable:
        return render(request, "staging/report_unavailable.html", {"patient": patient}, status=409)
    except UnknownProfile:
        messages.error(request, "The packet was not printed: that profile is not part of the current staging.")
        return redirect(_panel_url(patient))
    response = HttpResponse(produced.rendered.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{produced.filename}"'
    response["Cache-Control"] = "no-store"
    return response
