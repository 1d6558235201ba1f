"""Search, filter and sort the patient list from GET parameters.

The list reads only the staging columns stored on Patient (written by services.restage), so a
page of 25 costs the same whatever the clinic's size. Filters and the default sort follow the
(clinic, <filter>, name) indexes of Patient.Meta.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from patients.history import recent_months
from patients.models import LABEL_CHOICES, MSM_CATEGORY_CHOICES, THASE_RUSH_CHOICES, Patient, StagingSnapshot
from staging.engine import vocabulary

PAGE_SIZE = 25
# The search box: posted, kept in the session, never put in a URL (proxies log URLs).
SEARCH_FIELD = "q"

YES_NO_CHOICES = [("", "Any"), ("yes", "Yes"), ("no", "No")]
MET_CHOICES = [("", "Any"), ("met", vocabulary.MET[True].label), ("not_met", vocabulary.MET[False].label)]
# Time since "last assessed" (last_assessed_at), in days: (value, words, from, until). The dashboard's
# chart of the same name counts these bands and links each bar to the list filtered by it.
ASSESSED_BANDS = [
    ("under_30", "Under 30 days", 0, 30),
    ("30_89", "30–89 days", 30, 90),
    ("90_179", "90–179 days", 90, 180),
    ("180_364", "180–364 days", 180, 365),
    ("365_plus", "A year or more", 365, None),
    ("never", "Never staged", None, None),
]


def assessed_band(value: str, now) -> Q:
    """The patients whose last assessment falls in the band `value` of ASSESSED_BANDS."""
    _, _, since, until = next(band for band in ASSESSED_BANDS if band[0] == value)
    if since is None:
        return Q(last_assessed_at__isnull=True)
    condition = Q(last_assessed_at__lte=now - timedelta(days=since))
    return condition & Q(last_assessed_at__gt=now - timedelta(days=until)) if until else condition


# sort key -> (column, label). Only these columns can be sorted on: the key comes from the URL.
SORT_COLUMNS = {
    "name": ("name", "Name"),
    "record_number": ("record_number", "Record number"),
    "stage": ("thase_rush_stage", "Thase–Rush stage"),
    "msm": ("msm_total", "MSM total"),
    "mgh": ("mgh_score", "MGH-S"),
    "label": ("label", "Label"),
    "assessed": ("last_assessed_at", "Last assessed"),
}
DEFAULT_SORT = "name"
SORT_CHOICES = [(key, label) for key, (_, label) in SORT_COLUMNS.items()] + [
    (f"-{key}", f"{label} (descending)") for key, (_, label) in SORT_COLUMNS.items()
]

# The columns a row of the list shows; everything else on Patient stays unread.
LIST_COLUMNS = (
    "pk",
    "clinic_id",
    "record_number",
    "name",
    "date_of_birth",
    *(field for field in Patient.STAGING_SUMMARY_FIELDS if field != "current_snapshot"),
)


class PatientListForm(forms.Form):
    """The list's GET parameters. An invalid value is dropped (and reported), never a 500."""

    q = forms.CharField(required=False, max_length=200, label="Name or record number", strip=True)
    stage = forms.TypedChoiceField(
        required=False,
        label="Thase–Rush stage",
        choices=[("", "Any")] + [(str(value), label) for value, label in THASE_RUSH_CHOICES],
        coerce=int,
        empty_value=None,
    )
    msm = forms.ChoiceField(required=False, label="MSM category", choices=[("", "Any")] + MSM_CATEGORY_CHOICES)
    label = forms.ChoiceField(required=False, label="Label", choices=[("", "Any")] + LABEL_CHOICES)
    regulatory_trd = forms.ChoiceField(required=False, label="Regulatory TRD", choices=YES_NO_CHOICES)
    dtd = forms.ChoiceField(required=False, label="DTD", choices=MET_CHOICES)
    assessed = forms.ChoiceField(
        required=False, label="Last assessed", choices=[("", "Any")] + [band[:2] for band in ASSESSED_BANDS]
    )
    became_trd = forms.ChoiceField(required=False, label="Became TRD in")
    sort = forms.ChoiceField(required=False, label="Sort by", choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        # the dashboard's 24 months of new TRD classifications (StagingSnapshot.became_trd)
        months = recent_months(timezone.localdate())
        self.fields["became_trd"].choices = [("", "Any")] + [(f"{m:%Y-%m}", f"{m:%b %Y}") for m in reversed(months)]
        self.is_valid()  # fills cleaned_data with the valid fields and errors with the rest

    def value(self, name):
        """The cleaned value of a field; None when the URL gave a bad one (Django drops it)."""
        return self.cleaned_data.get(name)

    @property
    def ignored_notes(self) -> list[str]:
        """What was ignored, in words, for the note above the list."""
        notes = []
        for name, _errors in self.errors.items():
            label = self.fields[name].label or name
            notes.append(f"{label}: the value “{self.data.get(name, '')}” was not understood and is ignored.")
        return notes

    @property
    def sort_key(self) -> str:
        return self.value("sort") or DEFAULT_SORT

    def active_filters(self) -> dict[str, str]:
        """The valid filters, to carry into page and sort links."""
        return {
            name: self.data[name]
            for name in ("q", "stage", "msm", "label", "regulatory_trd", "dtd", "assessed", "became_trd")
            if name not in self.errors and self.data.get(name)
        }

    def url_filters(self) -> dict[str, str]:
        """The filters that may appear in a URL: all but the search, which is patient data
        (names, record numbers) and lives in the session (views.records.patient_list)."""
        return {name: value for name, value in self.active_filters().items() if name != SEARCH_FIELD}

    def page_query(self) -> str:
        """The query string a page link starts with: valid filters and the sort, URL-encoded."""
        return urlencode({**self.url_filters(), "sort": self.sort_key})

    def sort_links(self) -> dict[str, dict]:
        """Per sortable column: the link that sorts by it (toggling direction) and its state."""
        links = {}
        for key, (_, label) in SORT_COLUMNS.items():
            if self.sort_key == key:
                state, next_key = "ascending", f"-{key}"
            elif self.sort_key == f"-{key}":
                state, next_key = "descending", key
            else:
                state, next_key = "none", key
            query = urlencode({**self.url_filters(), "sort": next_key})
            links[key] = {"label": label, "query": query, "state": state}
        return links

    def apply(self, patients):
        """Filter and order a queryset of visible patients."""
        query = self.value("q")
        if query:
            patients = patients.filter(Q(name__icontains=query) | Q(record_number__icontains=query))
        if self.value("stage") is not None:
            patients = patients.filter(thase_rush_stage=self.value("stage"))
        if self.value("msm"):
            patients = patients.filter(msm_category=self.value("msm"))
        if self.value("label"):
            patients = patients.filter(label=self.value("label"))
        if self.value("regulatory_trd"):
            patients = patients.filter(regulatory_trd=self.value("regulatory_trd") == "yes")
        if self.value("dtd"):
            patients = patients.filter(dtd_met=self.value("dtd") == "met")
        if self.value("assessed"):
            patients = patients.filter(assessed_band(self.value("assessed"), timezone.now()))
        if self.value("became_trd"):
            year, month = (int(part) for part in self.value("became_trd").split("-"))
            first, after = date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)
            onsets = StagingSnapshot.objects.filter(became_trd=True, assessed_on__gte=first, assessed_on__lt=after)
            patients = patients.filter(pk__in=onsets.values("patient_id"))
        return patients.order_by(*ordering_for(self.sort_key))


def ordering_for(sort_key: str) -> list:
    """ORDER BY for a whitelisted sort key, ending on the unique pk so pages never overlap.

    Unstaged patients (NULL or "" columns) come last in both directions, on every database;
    ties are broken by name, then pk, matching the (clinic, <column>, name, id) indexes (on
    PostgreSQL the descending ones declare NULLS LAST, migrations 0003 and 0004). Name and
    record number are never empty, and a record number is unique in its clinic: they sort
    with pk alone, in their own direction, so one index serves both directions.
    """
    descending = sort_key.startswith("-")
    column, _ = SORT_COLUMNS[sort_key.lstrip("-")]
    if column in ("name", "record_number"):
        return [F(column).desc() if descending else F(column).asc(), "-pk" if descending else "pk"]
    expression = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    if column == "label":
        # "" means never staged (no episode yet): after every label, like NULL elsewhere
        never_staged_last = Case(When(label="", then=Value(1)), default=Value(0))
        return [never_staged_last, expression, "name", "pk"]
    return [expression, "name", "pk"]
