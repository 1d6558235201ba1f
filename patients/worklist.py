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
later). Scale: whether a patient needs something is decided in the database (EXISTS subqueries
over the current episode, following the (clinic, last_assessed_at, name, id) index in the list's
order); a page loads its 25 patients and, for the words of each reason, their current episodes
and trials: a fixed number of queries at any clinic size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from patients.models import SCREENING_LABELS, EctCourse, Episode, OtherCourse, Patient, StagingSnapshot, Trial
from staging.engine.inputs import SCREENING_ITEMS
from staging.site import configured_profiles

PAGE_SIZE = 25

SCREENING, TRIALS, REASSESSMENT, REFERRAL = "screening", "trials", "reassessment", "referral"
ELIGIBILITY = "eligibility"
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
FLAGS = {reason: f"needs_{reason}" for reason in REASONS}
REFERRAL_KINDS = ("esketamine", "rtms", "vns")
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


def _current_episode_rows(model, **filters):
    """Rows of the outer patient's current episode, for an EXISTS checked row by row.

    The second, redundant comparison (>=) is deliberate: with an equality alone PostgreSQL may
    turn each EXISTS into a hash of the whole table (episodes, trials, courses of every patient),
    built on every page view; a page of 25 then costs as much as the whole clinic. Measured in
    bench/dashboard.py.
    """
    prefix = "episode__" if model is not Episode else ""
    return model.objects.filter(
        **{f"{prefix}patient": OuterRef("pk"), f"{prefix}patient__gte": OuterRef("pk")},
        **{f"{prefix}ended_on__isnull": True},
        **filters,
    )


def reason_conditions(clinics, now) -> dict[str, Q]:
    """Per reason, the condition on a Patient row. `clinics` are the clinics in view (each with
    its own reassessment period)."""
    not_screened = Q()
    for item in SCREENING_ITEMS:
        not_screened |= Q(**{item: "not_screened"})
    undocumented = Q(adherence_pct__isnull=True) | Q(outcome="", improvement_pct__isnull=True)
    due = Q(pk__in=[])
    for clinic in clinics:
        due |= Q(clinic_id=clinic.pk, last_assessed_at__lt=now - timedelta(days=clinic.reassessment_after_days))
    # rules §12.3 `incomplete`, in any of the site's profiles (the result lists them in order, §12.1)
    incomplete = Q(pk__in=[])
    for index in range(len(configured_profiles().profiles)):
        incomplete |= Q(**{f"current_snapshot__result__eligibility__{index}__status": "incomplete"})
    return {
        # rules §8, for stage II or more (rules §4.1)
        SCREENING: Q(thase_rush_stage__gte=2) & Q(Exists(_current_episode_rows(Episode).filter(not_screened))),
        # rules §3.1 (outcome not documented), §3.2 (adherence not documented)
        TRIALS: Q(Exists(_current_episode_rows(Trial).filter(undocumented))),
        REASSESSMENT: due,
        # rules §5 regulatory TRD, and no course of the treatments it opens
        REFERRAL: Q(regulatory_trd=True)
        & ~Q(Exists(_current_episode_rows(EctCourse)))
        & ~Q(Exists(_current_episode_rows(OtherCourse, kind__in=REFERRAL_KINDS))),
        ELIGIBILITY: incomplete,
    }


def worklist_queryset(patients, clinics, form: WorklistForm, *, now=None):
    """Visible patients needing any of the form's reasons, in waiting order.

    Only the condition is in this query: which reasons apply is asked for the page's patients
    alone (needs_of), where PostgreSQL checks each EXISTS per row instead of hashing whole tables.
    """
    conditions = reason_conditions(clinics, now or timezone.now())
    needed = Q(pk__in=[])
    for reason in form.reasons():
        needed |= conditions[reason]
    ordering = (
        ["last_assessed_at", "name", "pk"]
        if form.value("order") != "shortest"
        else ["-last_assessed_at", "-name", "-pk"]
    )
    return (
        patients.filter(needed).only("pk", "clinic_id", "name", "record_number", "last_assessed_at").order_by(*ordering)
    )


def needs_of(patient_ids, clinics, reasons, *, now=None) -> dict[int, set[str]]:
    """Per patient, which of `reasons` apply (one query)."""
    conditions = reason_conditions(clinics, now or timezone.now())
    flags = {FLAGS[reason]: ExpressionWrapper(conditions[reason], output_field=BooleanField()) for reason in reasons}
    rows = Patient.objects.filter(pk__in=patient_ids).annotate(**flags).values("pk", *flags)
    return {row["pk"]: {reason for reason in reasons if row[FLAGS[reason]]} for row in rows}


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


def _eligibility_details(patient_ids) -> dict[int, str]:
    """Per patient, the incomplete profiles and their criteria not documented (rules §12.2)."""
    current = Patient.objects.filter(pk__in=patient_ids).values("current_snapshot_id")
    # only the result's eligibility list leaves the database, not the whole result
    results = StagingSnapshot.objects.filter(pk__in=current).values_list("patient_id", "result__eligibility")
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
    """Rows for patients from worklist_queryset: what each needs, in words, with links (three queries)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    clinics_by_id = {clinic.pk: clinic for clinic in clinics}
    patients = list(patients)
    ids = [patient.pk for patient in patients]
    needs = needs_of(ids, clinics, reasons, now=now) if ids else {}
    screening = _screening_details(ids) if ids else {}
    trials = _trial_details(ids) if ids else {}
    eligibility = _eligibility_details(ids) if ids else {}
    items = []
    for patient in patients:
        assessed = timezone.localdate(patient.last_assessed_at) if patient.last_assessed_at else None
        item = WorkItem(patient, assessed, (today - assessed).days if assessed else None)
        for reason, (words, url_name, link_words) in REASONS.items():
            if reason not in needs.get(patient.pk, ()):
                continue
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
