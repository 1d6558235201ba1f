"""The worklist: patients who need something, each with what and where to fix it.

Reasons (a patient may have several; the row lists each with its own link):
- `screening`: Thase–Rush stage II or more and a pseudo-resistance item of the current episode
  not screened (rules §8) — fixed on the episode page;
- `trials`: a trial of the current episode whose outcome (rules §3.1: no outcome and no
  improvement) or adherence (rules §3.2) is not documented — fixed on the trials page;
- `reassessment`: "last assessed" older than the clinic's `reassessment_after_days` — the
  episode page, where a clinician confirms the episode and the staging is redone;
- `referral`: regulatory TRD met (rules §5) and no ECT, esketamine, rTMS or VNS course recorded
  in the current episode — the courses page, where the referral's treatment is recorded;
- `eligibility`: a treatment eligibility profile of the current staging `incomplete` (rules
  §12.3: nothing rules the treatment out, but a criterion is not documented) — the patient
  page, whose eligibility panel names the criteria to document.

How long a row has waited is counted from the patient's last assessment (`last_assessed_at`): the need
has been visible at least since then (for a reassessment, it fell due `reassessment_after_days`
later). Scale: every reason but `reassessment` is stored on Patient by each restage
(`needs_<reason>`, decided by patients.needs from the staging input and result), and
`reassessment` is a date comparison on `last_assessed_at`; so whether a patient needs something
is a condition on one table's row, walked in the list's order on the (clinic, last_assessed_at,
name, id) index, and never a search through the clinic's episodes, trials and courses. A page
loads its 25 patients with their reasons, then the words of each reason only for the patients
it concerns: a fixed number of queries at any clinic size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone

from patients.models import SCREENING_LABELS, Episode, StagingSnapshot, Trial
from patients.needs import ELIGIBILITY, REFERRAL, SCREENING, STORED_REASONS, TRIALS
from staging.engine.inputs import SCREENING_ITEMS

PAGE_SIZE = 25

REASSESSMENT = "reassessment"
# reason -> (what it says, the URL name of the page that fixes it, the link's words)
REASONS = {
    SCREENING: ("Pseudo-resistance items not screened", "patients:episode", "Record the screening"),
    TRIALS: ("Trial outcome or adherence not documented", "patients:trials", "Complete the trials"),
    REASSESSMENT: ("Reassessment due", "patients:episode", "Review the episode"),
    REFERRAL: (
        "Regulatory TRD, no ECT, esketamine, rTMS or VNS: candidate for referral",
        "patients:courses",
        "Record a course",
    ),
    ELIGIBILITY: (
        "Treatment eligibility incomplete for want of documentation",
        "patients:detail",
        "Open the eligibility",
    ),
}
# reason -> the row's attribute that says it applies: a Patient column for the STORED_REASONS,
# an annotation of worklist_queryset for the reassessment (it moves with the clock)
FLAGS = {reason: f"needs_{reason}" for reason in REASONS}
ORDER_CHOICES = [("longest", "Longest waiting first"), ("shortest", "Most recently assessed first")]


class WorklistForm(forms.Form):
    """The worklist's GET parameters; a bad value is ignored, never a 500."""

    reason = forms.ChoiceField(
        required=False,
        label="Reason",
        choices=[("", "Any reason")] + [(key, words) for key, (words, *_) in REASONS.items()],
    )
    order = forms.ChoiceField(required=False, label="Order", choices=ORDER_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()

    def value(self, name):
        return self.cleaned_data.get(name)

    def reasons(self) -> list[str]:
        return [self.value("reason")] if self.value("reason") else list(REASONS)

    def query(self, **extra) -> dict:
        """The valid parameters (for page links and the CSV link)."""
        values = {
            name: self.data[name] for name in ("reason", "order") if name not in self.errors and self.data.get(name)
        }
        return {**values, **extra}


def reason_conditions(clinics, now) -> dict[str, Q]:
    """Per reason, the condition on a Patient row. `clinics` are the clinics in view (each with
    its own reassessment period)."""
    # rules §8 / §4.1, §3.1 / §3.2, §5, §12.3: decided at staging (patients.needs)
    conditions = {reason: Q(**{FLAGS[reason]: True}) for reason in STORED_REASONS}
    due = Q(pk__in=[])
    for clinic in clinics:
        due |= Q(clinic_id=clinic.pk, last_assessed_at__lt=now - timedelta(days=clinic.reassessment_after_days))
    return {**conditions, REASSESSMENT: due}


# What a row of the worklist reads: who, the clinic, the wait, the stored reasons and the
# current staging (whose eligibility names the criteria to document).
ROW_FIELDS = ("pk", "clinic_id", "name", "record_number", "last_assessed_at", "current_snapshot_id") + tuple(
    FLAGS[reason] for reason in STORED_REASONS
)


def worklist_queryset(patients, clinics, form: WorklistForm, *, now=None):
    """Visible patients needing any of the form's reasons, in waiting order, each row carrying
    its reasons (needs_of reads them without another query)."""
    conditions = reason_conditions(clinics, now or timezone.now())
    needed = Q(pk__in=[])
    for reason in form.reasons():
        needed |= conditions[reason]
    ordering = (
        ["last_assessed_at", "name", "pk"]
        if form.value("order") != "shortest"
        else ["-last_assessed_at", "-name", "-pk"]
    )
    due = ExpressionWrapper(conditions[REASSESSMENT], output_field=BooleanField())
    return patients.filter(needed).only(*ROW_FIELDS).annotate(**{FLAGS[REASSESSMENT]: due}).order_by(*ordering)


def needs_of(patient, reasons) -> list[str]:
    """Which of `reasons` apply to a row of worklist_queryset, in REASONS order."""
    return [reason for reason in REASONS if reason in reasons and getattr(patient, FLAGS[reason])]


@dataclass
class Need:
    reason: str
    words: str
    detail: str
    url: str
    link_words: str


@dataclass
class WorkItem:
    patient: object
    waiting_since: object  # a date
    days_waiting: int | None
    needs: list[Need] = field(default_factory=list)


def _screening_details(patient_ids) -> dict[int, str]:
    episodes = Episode.objects.filter(patient_id__in=patient_ids, ended_on__isnull=True).values(
        "patient_id", *SCREENING_ITEMS
    )
    return {
        row["patient_id"]: ", ".join(SCREENING_LABELS[item] for item in SCREENING_ITEMS if row[item] == "not_screened")
        for row in episodes
    }


def _eligibility_details(snapshot_ids) -> dict[int, str]:
    """Per patient, the incomplete profiles and their criteria not documented (rules §12.2)."""
    # only the result's eligibility list leaves the database, not the whole result
    results = StagingSnapshot.objects.filter(pk__in=snapshot_ids).values_list("patient_id", "result__eligibility")
    details = {}
    for patient_id, eligibility in results:
        profiles = []
        for profile in eligibility or ():
            if profile.get("status") != "incomplete":
                continue
            missing = [c.get("id", "") for c in profile.get("criteria") or () if c.get("state") == "not_documented"]
            profiles.append(f"{profile.get('title') or profile.get('profile')}: not documented: {', '.join(missing)}")
        details[patient_id] = "; ".join(profiles)
    return details


def _trial_details(patient_ids) -> dict[int, str]:
    """Per patient, "trial 2 (sertraline): adherence not documented; …", numbered as on the patient page."""
    trials = (
        Trial.objects.filter(episode__patient_id__in=patient_ids, episode__ended_on__isnull=True)
        .order_by("episode__patient_id", "position", "pk")
        .values_list("episode__patient_id", "drug", "adherence_pct", "outcome", "improvement_pct")
    )
    numbers: dict[int, int] = defaultdict(int)
    details: dict[int, list[str]] = defaultdict(list)
    for patient_id, drug, adherence, outcome, improvement in trials:
        numbers[patient_id] += 1
        missing = []
        if not outcome and improvement is None:
            missing.append("outcome")
        if adherence is None:
            missing.append("adherence")
        if missing:
            details[patient_id].append(f"trial {numbers[patient_id]} ({drug}): {' and '.join(missing)} not documented")
    return {patient_id: "; ".join(items) for patient_id, items in details.items()}


def work_items(patients, clinics, reasons, *, now=None) -> list[WorkItem]:
    """Rows for patients from worklist_queryset: what each needs, in words, with links.

    The words of a reason are looked up only for the patients it concerns: at most three
    queries, none when no patient of the rows needs that reason.
    """
    today = timezone.localdate(now or timezone.now())
    clinics_by_id = {clinic.pk: clinic for clinic in clinics}
    patients = list(patients)
    needs = {patient.pk: needs_of(patient, reasons) for patient in patients}

    def details(reason, lookup, key=lambda patient: patient.pk) -> dict[int, str]:
        keys = [key(patient) for patient in patients if reason in needs[patient.pk]]
        return lookup(keys) if keys else {}

    screening = details(SCREENING, _screening_details)
    trials = details(TRIALS, _trial_details)
    eligibility = details(ELIGIBILITY, _eligibility_details, lambda patient: patient.current_snapshot_id)
    items = []
    for patient in patients:
        assessed = timezone.localdate(patient.last_assessed_at) if patient.last_assessed_at else None
        item = WorkItem(patient, assessed, (today - assessed).days if assessed else None)
        for reason in needs[patient.pk]:
            words, url_name, link_words = REASONS[reason]
            if reason == SCREENING:
                detail = screening.get(patient.pk, "")
            elif reason == TRIALS:
                detail = trials.get(patient.pk, "")
            elif reason == REASSESSMENT:
                days = clinics_by_id[patient.clinic_id].reassessment_after_days
                detail = f"last assessed {assessed:%d %b %Y}; due after {days} days, on {assessed + timedelta(days=days):%d %b %Y}"
            elif reason == ELIGIBILITY:
                detail = eligibility.get(patient.pk, "")
            else:
                detail = "regulatory TRD met (rules §5)"
            item.needs.append(Need(reason, words, detail, reverse(url_name, args=[patient.pk]), link_words))
        items.append(item)
    return items


CSV_HEADER = ["Record number", "Name", "Clinic", "Reason", "Details", "Last assessed", "Days waiting"]


def csv_rows(items, clinics_by_id):
    """One CSV row per (patient, reason), as plain values (made formula-safe by the caller)."""
    for item in items:
        for need in item.needs:
            yield [
                item.patient.record_number,
                item.patient.name,
                clinics_by_id[item.patient.clinic_id].name,
                need.words,
                need.detail,
                item.waiting_since.isoformat() if item.waiting_since else "",
                "" if item.days_waiting is None else item.days_waiting,
            ]
