"""Clinics, patients, their depressive episodes and every treatment given in them.

Ranges and invariants live in the database (CheckConstraint / UniqueConstraint) as well as in
the forms: a bulk import, the admin or a bug in a view cannot store a trial the staging rules
would reject. Rule numbers refer to ../shared/clinical-rules.md.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from staging.engine import vocabulary
from staging.engine.calendar import age_on
from staging.engine.severity import SCALE_RANGES
from staging.engine.text import augmentation_text


def _choices(table):
    """(code, words) pairs in the rules' order: every code's words come from the vocabulary."""
    return [(code, term.label) for code, term in table.items()]


SEVERITY_CHOICES = _choices(vocabulary.SEVERITIES)
IMPAIRMENT_CHOICES = _choices(vocabulary.FUNCTIONAL_IMPAIRMENTS)
COMORBIDITY_CHOICES = _choices(vocabulary.COMORBIDITIES)
OUTCOME_CHOICES = [(code, vocabulary.OUTCOMES[code].label) for code in vocabulary.ENTERED_OUTCOMES]
PLACEMENT_CHOICES = _choices(vocabulary.ELECTRODE_PLACEMENTS)
OTHER_COURSE_CHOICES = _choices(vocabulary.OTHER_COURSE_KINDS)
DRUG_CLASS_CHOICES = _choices(vocabulary.DRUG_CLASSES)
SCREENING_STATUS_CHOICES = _choices(vocabulary.SCREENING_STATUSES)
SCREENING_LABELS = {item: term.label for item, term in vocabulary.SCREENING_ITEMS.items()}
SCALE_CHOICES = _choices(vocabulary.SCALES)
LABEL_CHOICES = _choices(vocabulary.LABELS)
MSM_CATEGORY_CHOICES = _choices(vocabulary.MSM_CATEGORIES)
THASE_RUSH_CHOICES = list(enumerate(vocabulary.ROMAN))


def _in(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _ in choices]})


def _scale_range_condition(scale_field: str = "scale", *score_fields: str) -> Q:
    """Each score field lies in the range of the scale named by `scale_field` (rules §1.1)."""
    score_fields = score_fields or ("score",)
    condition = Q()
    for scale, (low, high) in SCALE_RANGES.items():
        in_range = Q(**{scale_field: scale})
        for field in score_fields:
            in_range &= Q(**{f"{field}__gte": low, f"{field}__lte": high})
        condition |= in_range
    return condition


class Clinic(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True, help_text="Short name used on the command line.")
    # The worklist's "reassessment due": a staging older than this many days (set by the clinic admin).
    reassessment_after_days = models.PositiveSmallIntegerField(
        default=90, help_text="A patient's staging older than this many days is listed as due for reassessment."
    )
    # Set by the clinic admin: every member logs in with a second factor (trd_clinic.accounts.policy).
    two_factor_required = models.BooleanField(
        default=False, help_text="Every member of the clinic must log in with an authenticator app."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reassessment_after_days__gte=1, reassessment_after_days__lte=3650),
                name="clinic_reassessment_days_1_to_3650",
            )
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's place in one clinic: what they may see and do there."""

    CLINICIAN = "clinician"
    CLINIC_ADMIN = "clinic_admin"
    ROLE_CHOICES = [(CLINICIAN, "Clinician"), (CLINIC_ADMIN, "Clinic admin")]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES, default=CLINICIAN)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=["clinician", "clinic_admin"]), name="membership_role_valid")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"


class Patient(models.Model):
    # The stored staging summary: written only by patients.services, read by lists and the admin.
    STAGING_SUMMARY_FIELDS = (
        "current_snapshot",
        "thase_rush_stage",
        "msm_total",
        "msm_category",
        "mgh_score",
        "label",
        "regulatory_trd",
        "dtd_met",
        "last_assessed_at",
        "staged_on",
    )
    # What the current episode still needs (the worklist's stored reasons, patients.needs):
    # written with the summary by patients.services on every restage, result changed or not.
    NEEDS_FIELDS = ("needs_screening", "needs_trials", "needs_referral", "needs_eligibility")

    SEX_CHOICES = [("female", "Female"), ("male", "Male"), ("other", "Other"), ("unknown", "Not recorded")]

    # No index of its own (db_index=False): every query by clinic is served by a (clinic, ...)
    # index of Meta.indexes or by the record-number constraint's; this one served none.
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients", db_index=False)
    record_number = models.CharField(max_length=40, help_text="The clinic's own record number.")
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=SEX_CHOICES, default="unknown")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # The current staging, copied from `current_snapshot` so that lists filter and sort on one
    # table and never recompute per row. Written only by patients.services.restage.
    # Its index (Django's, for a foreign key) serves SET_NULL when a patient's snapshots are
    # deleted with the patient: "patients whose current_snapshot is one of these".
    current_snapshot = models.ForeignKey(
        "StagingSnapshot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    thase_rush_stage = models.PositiveSmallIntegerField(null=True, blank=True, choices=THASE_RUSH_CHOICES)
    msm_total = models.PositiveSmallIntegerField(null=True, blank=True)
    msm_category = models.CharField(max_length=10, blank=True, choices=MSM_CATEGORY_CHOICES)
    mgh_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    label = models.CharField(max_length=20, blank=True, choices=LABEL_CHOICES)
    regulatory_trd = models.BooleanField(null=True, blank=True)
    dtd_met = models.BooleanField(null=True, blank=True)
    # When a clinician last changed the record and it was staged ("Last assessed" in the lists).
    # Restaging because the calendar moved (rules §1.1) does not change it.
    last_assessed_at = models.DateTimeField(null=True, blank=True)
    # The day the stored staging is as of (rules §1.1 `assessed_on`). A staging dated before today
    # is recomputed before it is shown, printed or exported (patients.services.staging_as_of_today).
    staged_on = models.DateField(null=True, blank=True)
    # The worklist's reasons that edits, not the calendar, change (patients.needs decides them
    # from the staging input and result; all False without a current episode). Stored so the
    # worklist filters on columns instead of searching every episode of the clinic per page.
    # rules §8, from Thase–Rush stage II (§4.1): a pseudo-resistance item not screened
    needs_screening = models.BooleanField(default=False)
    # rules §3.1 / §3.2: a trial whose outcome (no outcome, no improvement) or adherence is not documented
    needs_trials = models.BooleanField(default=False)
    # rules §5 regulatory TRD, and no ECT, esketamine, rTMS or VNS course in the current episode
    needs_referral = models.BooleanField(default=False)
    # rules §12.3: a treatment eligibility profile `incomplete`
    needs_eligibility = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            # its index also serves the forms' "record number already used in this clinic" check
            models.UniqueConstraint(fields=["clinic", "record_number"], name="patient_record_number_unique_in_clinic"),
            models.CheckConstraint(condition=~Q(record_number=""), name="patient_record_number_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="patient_name_not_empty"),
            models.CheckConstraint(
                condition=Q(thase_rush_stage__isnull=True) | Q(thase_rush_stage__lte=5), name="patient_stage_0_to_5"
            ),
            models.CheckConstraint(
                condition=Q(msm_total__isnull=True) | Q(msm_total__gte=3, msm_total__lte=15), name="patient_msm_3_to_15"
            ),
        ]
        # Each index names the query it serves (measured with EXPLAIN on 100,000 patients). The
        # list (patients.filters) and a clinic admin's changelist filter within one clinic and
        # sort by a column, ties by (name, id): every clinic index ends on (name, id), so an
        # ORDER BY walks it without sorting and a page's ids come from an index-only scan
        # (patients.pagination). Descending sorts keep NULLs last: their indexes are
        # PostgreSQL-only (migrations 0003, 0004), as are the trigram indexes of the search
        # (migration 0002). The clinic's own foreign-key index is not kept: every query by
        # clinic is served by one of these (migration 0014).
        indexes = [
            # the list's and the changelist's default order (by name), and Clinic's PROTECT check
            models.Index(fields=["clinic", "name", "id"], name="patient_clinic_name"),
            # filter ?stage= / thase_rush_stage__exact, and the stage sort (ascending)
            models.Index(fields=["clinic", "thase_rush_stage", "name", "id"], name="patient_clinic_stage"),
            # filter ?msm= / msm_category__exact
            models.Index(fields=["clinic", "msm_category", "name", "id"], name="patient_clinic_msm"),
            # filter ?label= / label__exact (the label sort has its own, migration 0004)
            models.Index(fields=["clinic", "label", "name", "id"], name="patient_clinic_label"),
            # filter ?regulatory_trd= / regulatory_trd__exact
            models.Index(fields=["clinic", "regulatory_trd", "name", "id"], name="patient_clinic_regtrd"),
            # filter ?dtd= / dtd_met__exact
            models.Index(fields=["clinic", "dtd_met", "name", "id"], name="patient_clinic_dtd"),
            # sort by last assessed (ascending); the changelist's "last assessed" filter
            models.Index(fields=["clinic", "last_assessed_at", "name", "id"], name="patient_clinic_last_assessed"),
            # sort by MSM total (ascending); the changelist's MSM total filter
            models.Index(fields=["clinic", "msm_total", "name", "id"], name="patient_clinic_msm_total"),
            # sort by MGH-S (ascending)
            models.Index(fields=["clinic", "mgh_score", "name", "id"], name="patient_clinic_mgh"),
            # sort by record number, both directions (ids of a deep page by an index-only scan)
            models.Index(fields=["clinic", "record_number", "id"], name="patient_clinic_record_sort"),
            # A superuser's changelist spans every clinic: the same filters and sorts without clinic.
            # default order (by name)
            models.Index(fields=["name", "id"], name="patient_name"),
            # sort by record number
            models.Index(fields=["record_number"], name="patient_record_number"),
            # filter thase_rush_stage__exact / __isnull, sort by stage
            models.Index(fields=["thase_rush_stage", "name"], name="patient_stage"),
            # MSM total filter and sort
            models.Index(fields=["msm_total", "name"], name="patient_msm_total"),
            # filter msm_category__exact, sort by MSM category
            models.Index(fields=["msm_category", "name"], name="patient_msm"),
            # filter label__exact, sort by label
            models.Index(fields=["label", "name"], name="patient_label"),
            # filter regulatory_trd__exact / __isnull, sort by regulatory TRD
            models.Index(fields=["regulatory_trd", "name"], name="patient_regtrd"),
            # filter dtd_met__exact / __isnull, sort by DTD
            models.Index(fields=["dtd_met", "name"], name="patient_dtd"),
            # "last assessed" filter (last_assessed_at before a cut-off, or never) and sort
            models.Index(fields=["last_assessed_at"], name="patient_last_assessed"),
            # recompute_staging --stale: the patients whose staging is dated before today.
            models.Index(fields=["staged_on"], name="patient_staged_on"),
        ]

    def __str__(self):
        return f"{self.name} ({self.record_number})"

    def get_absolute_url(self):
        return reverse("patients:detail", args=[self.pk])

    def age_on(self, day: date) -> int:
        return age_on(self.date_of_birth, day)  # rules §1.1: whole years

    @property
    def thase_rush_roman(self) -> str:
        return dict(THASE_RUSH_CHOICES).get(self.thase_rush_stage, "—")


def _screening_field():
    return models.CharField(max_length=20, choices=SCREENING_STATUS_CHOICES, default="not_screened")


class Episode(models.Model):
    """A major depressive episode. Only the current one (no end date) is staged (rules §1.1)."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="episodes")
    onset = models.DateField(help_text="Date the episode began.")
    ended_on = models.DateField(null=True, blank=True, help_text="Leave empty for the current episode.")
    severity = models.CharField(max_length=20, choices=SEVERITY_CHOICES, help_text="Clinician-rated (rules §1.1).")
    functional_impairment = models.CharField(max_length=10, choices=IMPAIRMENT_CHOICES, blank=True)
    comorbidities = models.JSONField(default=list, blank=True)
    psychosocial_stressors = models.BooleanField(null=True, blank=True)
    # Pseudo-resistance checklist (rules §8)
    bipolar_spectrum = _screening_field()
    thyroid_function = _screening_field()
    vitamin_b12 = _screening_field()
    vitamin_d = _screening_field()
    sleep_apnoea = _screening_field()
    substance_use = _screening_field()
    adhd = _screening_field()
    ptsd = _screening_field()
    drug_interactions = _screening_field()
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-onset", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"], condition=Q(ended_on__isnull=True), name="episode_one_current_per_patient"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("onset")), name="episode_ends_after_onset"
            ),
            models.CheckConstraint(condition=_in("severity", SEVERITY_CHOICES), name="episode_severity_valid"),
            models.CheckConstraint(
                condition=Q(functional_impairment="") | _in("functional_impairment", IMPAIRMENT_CHOICES),
                name="episode_impairment_valid",
            ),
        ] + [
            models.CheckConstraint(condition=_in(item, SCREENING_STATUS_CHOICES), name=f"episode_{item}_valid")
            for item in vocabulary.SCREENING_ITEMS
        ]

    def __str__(self):
        return f"Episode from {self.onset:%d %b %Y}" + ("" if self.is_current else f" to {self.ended_on:%d %b %Y}")

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def screening(self) -> dict[str, str]:
        return {item: getattr(self, item) for item in vocabulary.SCREENING_ITEMS}


class Trial(models.Model):
    """One antidepressant trial (rules §1.2), in the order the clinician entered it."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="trials")
    position = models.PositiveSmallIntegerField(default=0, help_text="Input order (rules §3.3, §5).")
    drug = models.CharField(max_length=80, help_text="Generic name, lower case.")
    # Only for a drug not in the catalogue (clinician-defined, rules §1.2).
    drug_class = models.CharField(max_length=20, choices=DRUG_CLASS_CHOICES, blank=True)
    min_adequate_dose_mg = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    dose_mg_per_day = models.DecimalField(max_digits=8, decimal_places=2)
    weeks_at_dose = models.DecimalField(max_digits=5, decimal_places=1)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    adherence_pct = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    improvement_pct = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES, blank=True)
    # Where improvement_pct came from, when the clinician gave scores rather than a percentage.
    improvement_scale = models.CharField(max_length=10, choices=SCALE_CHOICES, blank=True)
    baseline_score = models.PositiveSmallIntegerField(null=True, blank=True)
    end_score = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(dose_mg_per_day__gt=0), name="trial_dose_positive"),
            models.CheckConstraint(condition=Q(weeks_at_dose__gt=0), name="trial_weeks_positive"),
            models.CheckConstraint(
                condition=Q(adherence_pct__isnull=True) | Q(adherence_pct__gte=0, adherence_pct__lte=100),
                name="trial_adherence_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(improvement_pct__isnull=True) | Q(improvement_pct__lte=100),
                name="trial_improvement_max_100",
            ),
            models.CheckConstraint(
                condition=Q(min_adequate_dose_mg__isnull=True) | Q(min_adequate_dose_mg__gt=0),
                name="trial_min_dose_positive",
            ),
            # rules §1.2: class and minimum dose come together, for clinician-defined drugs only
            models.CheckConstraint(
                condition=Q(drug_class="", min_adequate_dose_mg__isnull=True)
                | (~Q(drug_class="") & Q(min_adequate_dose_mg__isnull=False)),
                name="trial_clinician_defined_has_class_and_min_dose",
            ),
            models.CheckConstraint(
                condition=Q(drug_class="") | _in("drug_class", DRUG_CLASS_CHOICES), name="trial_drug_class_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | _in("outcome", OUTCOME_CHOICES), name="trial_outcome_valid"
            ),
            models.CheckConstraint(condition=~Q(drug=""), name="trial_drug_not_empty"),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True) | Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="trial_ends_after_start",
            ),
            # A scale with both scores in its range, or none of the three.
            models.CheckConstraint(
                condition=Q(improvement_scale="", baseline_score__isnull=True, end_score__isnull=True)
                | _scale_range_condition("improvement_scale", "baseline_score", "end_score"),
                name="trial_scores_on_one_scale_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.drug} {self.dose_mg_per_day} mg/day"

    @property
    def is_clinician_defined(self) -> bool:
        return bool(self.drug_class)


class Augmentation(models.Model):
    """An agent added to a trial (rules §2.2)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="augmentations")
    agent = models.CharField(max_length=80)
    dose_mg_per_day = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    weeks = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(agent=""), name="augmentation_agent_not_empty"),
            models.CheckConstraint(
                condition=Q(dose_mg_per_day__isnull=True) | Q(dose_mg_per_day__gt=0), name="augmentation_dose_positive"
            ),
            models.CheckConstraint(
                condition=Q(weeks__isnull=True) | Q(weeks__gt=0), name="augmentation_weeks_positive"
            ),
        ]

    def __str__(self):
        return augmentation_text(self.agent, self.dose_mg_per_day, self.weeks)


class EctCourse(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="ect_courses")
    electrode_placement = models.CharField(max_length=20, choices=PLACEMENT_CHOICES)
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES)
    started_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # patients.concurrency

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=_in("electrode_placement", PLACEMENT_CHOICES), name="ect_placement_valid"),
            models.CheckConstraint(condition=_in("outcome", OUTCOME_CHOICES), name="ect_outcome_valid"),
            models.CheckConstraint(
                condition=Q(sessions__isnull=True) | Q(sessions__gt=0), name="ect_sessions_positive"
            ),
        ]

    def __str__(self):
        return f"ECT ({self.get_electrode_placement_display()})"


class OtherCourse(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="other_courses")
    kind = models.CharField(max_length=20, choices=OTHER_COURSE_CHOICES)
    weeks = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=OUTCOME_CHOICES, blank=True)
    started_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # patients.concurrency

    class Meta:
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=_in("kind", OTHER_COURSE_CHOICES), name="other_course_kind_valid"),
            models.CheckConstraint(
                condition=Q(outcome="") | _in("outcome", OUTCOME_CHOICES), name="other_course_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(weeks__isnull=True) | Q(weeks__gt=0), name="other_course_weeks_positive"
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class ScaleScore(models.Model):
    """A rating-scale score; the latest one suggests the episode's severity (rules §1.1)."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="scale_scores")
    scale = models.CharField(max_length=10, choices=SCALE_CHOICES)
    score = models.PositiveSmallIntegerField()
    rated_on = models.DateField()
    version = models.PositiveIntegerField(default=1, editable=False)  # patients.concurrency

    class Meta:
        ordering = ["rated_on", "pk"]
        constraints = [models.CheckConstraint(condition=_scale_range_condition(), name="scale_score_in_range")]

    def __str__(self):
        return f"{self.scale} {self.score} on {self.rated_on:%d %b %Y}"


class Attestation(models.Model):
    """A clinician's answer to an eligibility attestation criterion (rules §1.1, §12.2), for the
    current episode: confirmed (`holds`) or does not hold. Leaving it open deletes the row.

    Keyed by the profile and criterion ids, not by a foreign key: profiles are files a site may
    edit or remove, and a removed profile's answers are kept, unused (rules §1.1).
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="attestations")
    profile = models.CharField(max_length=100, help_text="Eligibility profile id (rules §12.1).")
    criterion = models.CharField(max_length=100, help_text="Attestation criterion id in that profile.")
    holds = models.BooleanField(help_text="True: confirmed; false: does not hold.")
    answered_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who, in words, kept should the account later be removed (the packet prints it).
    answered_by_name = models.CharField(max_length=150)

    class Meta:
        ordering = ["profile", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "profile", "criterion"], name="attestation_one_answer"),
            models.CheckConstraint(condition=~Q(profile="") & ~Q(criterion=""), name="attestation_names_criterion"),
            models.CheckConstraint(condition=~Q(answered_by_name=""), name="attestation_answered_by_not_empty"),
        ]

    def __str__(self):
        return f"{self.key}: {'confirmed' if self.holds else 'does not hold'}"

    @property
    def key(self) -> str:
        """The rules §1.1 `attestations` key, "<profile id>/<criterion id>"."""
        return f"{self.profile}/{self.criterion}"


class StagingSnapshot(models.Model):
    """An engine result as it was computed: append-only, so a report can cite exactly what it showed."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="snapshots")
    episode = models.ForeignKey(Episode, on_delete=models.SET_NULL, null=True, related_name="+")
    computed_at = models.DateTimeField()
    assessed_on = models.DateField()
    ruleset = models.CharField(max_length=60)
    input = models.JSONField(help_text="The rules §10 record the engine was given.")
    result = models.JSONField(help_text="The rules §10 result.")
    # A new TRD classification (rules §5 label `trd`): this result is TRD and the episode's
    # snapshot before it was not, or there was none. Decided when the snapshot is written
    # (patients.services), like everything else here, so the dashboard's "new TRD per month"
    # and the list's "Became TRD in" count rows instead of comparing each snapshot with the one
    # before it.
    became_trd = models.BooleanField(default=False)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "-computed_at"], name="snapshot_patient_latest"),
            # new TRD classifications by month (patients.dashboard, the list's "Became TRD in" filter)
            models.Index(fields=["assessed_on", "patient"], condition=Q(became_trd=True), name="snapshot_became_trd"),
        ]

    def __str__(self):
        return f"Staging of {self.computed_at:%Y-%m-%d %H:%M} ({self.ruleset})"


class ApiToken(models.Model):
    """A personal API token (patients.api): acts as its user until it expires or is revoked.

    Only the SHA-256 of the secret is stored; the secret is shown once, when it is created.
    The secret is random (256 bits), so a plain hash cannot be reversed by guessing.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the script that uses it.")
    prefix = models.CharField(max_length=12, help_text="The secret's first characters, to recognise it.")
    secret_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="api_token_name_not_empty"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="api_token_expires_after_creation"
            ),
        ]

    def __str__(self):
        return f"API token {self.prefix}… ({self.name})"


class ImportBatch(models.Model):
    """A file uploaded to import trials, courses and scores, and what the clinician did with it.

    Nothing from the file is saved on upload: the parsed proposal waits here (server-side, never
    in the URL) for the review page. Accepting writes the rows in one transaction and records
    what was accepted; the file itself is not kept, only its name and SHA-256.
    """

    PENDING = "pending"
    ACCEPTED = "accepted"
    DISCARDED = "discarded"
    STATUS_CHOICES = [(PENDING, "Awaiting review"), (ACCEPTED, "Accepted"), (DISCARDED, "Discarded")]
    FORMAT_CHOICES = [("fhir", "FHIR JSON"), ("ndjson", "FHIR NDJSON"), ("csv", "CSV")]

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="import_batches")
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10, choices=FORMAT_CHOICES)
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    byte_size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept in words too, should the account later be removed.
    uploaded_by_name = models.CharField(max_length=150)
    proposal = models.JSONField(help_text="The rows proposed from the file (patients.imports.proposal).")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    accepted = models.JSONField(default=dict, blank=True, help_text="What the clinician accepted and rejected.")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name_plural = "import batches"
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="import_sha256_hex"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "discarded"]), name="import_status_valid"
            ),
            models.CheckConstraint(condition=Q(file_format__in=["fhir", "ndjson", "csv"]), name="import_format_valid"),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="import_decided_when_not_pending",
            ),
        ]

    def __str__(self):
        return f"Import {self.pk} ({self.get_status_display()})"
