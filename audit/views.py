from django.http import Http404
from django.shortcuts import render

from audit.decorators import audits_patient_read
from audit.models import AuditEntry
from patients.access import get_visible_patient, is_clinic_admin

HISTORY_LIMIT = 500


@audits_patient_read()
def patient_history(request, pk):
    """A patient's audit history, for their clinic's admins (and superusers). Everyone else gets
    404, as for a patient they cannot see."""
    if not (request.user.is_superuser or is_clinic_admin(request.user)):
        raise Http404
    patient = get_visible_patient(request.user, pk)
    entries = AuditEntry.objects.for_patient(patient.pk).select_related(None).order_by("-pk")[:HISTORY_LIMIT]
    return render(
        request, "audit/patient_history.html", {"patient": patient, "entries": entries, "limit": HISTORY_LIMIT}
    )
