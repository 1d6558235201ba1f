"""The patient list: visible patients only, search, filters, sorting, pagination, query count."""

import re
from datetime import date

import pytest
from django.urls import reverse

from patients.models import Patient
from tests.factories import make_patient, make_patients, make_staged_trd_patient, make_user

LIST = reverse("patients:list")


def _set_staging(patient, **columns):
    """The list reads only the stored staging columns; set them directly to test filter mechanics."""
    Patient.objects.filter(pk=patient.pk).update(**columns)


def _names(response) -> list[str]:
    return [patient.name for patient in response.context["page"].object_list]


@pytest.fixture
def staged_patients(clinic):
    """Four patients with distinct stored staging, and one never staged."""
    alice = make_patient(clinic, name="Alice Archer", record_number="A-100")
    bruno = make_patient(clinic, name="Bruno Baker", record_number="B-200")
    chloe = make_patient(clinic, name="Chloe Carter", record_number="C-300")
    dmitri = make_patient(clinic, name="Dmitri Dyer", record_number="D-400")
    make_patient(clinic, name="Eve Unstaged", record_number="E-500")
    _set_staging(
        alice,
        thase_rush_stage=2,
        msm_total=8,
        msm_category="moderate",
        mgh_score=2.5,
        label="trd",
        regulatory_trd=True,
        dtd_met=True,
    )
    _set_staging(
        bruno,
        thase_rush_stage=1,
        msm_total=5,
        msm_category="mild",
        mgh_score=1,
        label="single_failure",
        regulatory_trd=False,
        dtd_met=False,
    )
    _set_staging(
        chloe,
        thase_rush_stage=3,
        msm_total=12,
        msm_category="severe",
        mgh_score=6,
        label="trd",
        regulatory_trd=True,
        dtd_met=True,
    )
    _set_staging(dmitri, thase_rush_stage=0, label="not_staged", regulatory_trd=False, dtd_met=True, mgh_score=0)
    return clinic


def test_lists_only_the_users_clinic(clinician_client, clinic, other_clinic):
    make_patient(clinic, name="Own Patient")
    make_patient(other_clinic, name="Foreign Patient")

    response = clinician_client.get(LIST)

    assert response.status_code == 200
    assert _names(response) == ["Own Patient"]
    assert b"Foreign Patient" not in response.content


def test_user_without_clinic_sees_no_patients_and_a_clear_message(client, clinic):
    make_patient(clinic, name="Somebody")
    client.force_login(make_user(None))

    response = client.get(LIST)

    assert _names(response) == []
    assert b"not attached to a clinic" in response.content


def test_empty_state_and_new_patient_button(clinician_client):
    response = clinician_client.get(LIST)

    assert b"No patients yet" in response.content
    assert reverse("patients:create").encode() in response.content


@pytest.mark.parametrize(
    "query, expected",
    [
        ("chloe", ["Chloe Carter"]),
        ("ARCHER", ["Alice Archer"]),
        ("B-200", ["Bruno Baker"]),
        ("-", ["Alice Archer", "Bruno Baker", "Chloe Carter", "Dmitri Dyer", "Eve Unstaged"]),
        ("nobody", []),
    ],
)
def test_search_by_name_or_record_number(clinician_client, staged_patients, query, expected):
    response = clinician_client.post(LIST, {"q": query}, follow=True)  # the search is posted (issue 10)
    assert _names(response) == expected


def test_search_with_no_match_says_so(clinician_client, staged_patients):
    response = clinician_client.post(LIST, {"q": "nobody"}, follow=True)
    assert b"No patient matches this search" in response.content


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"stage": "3"}, ["Chloe Carter"]),
        ({"stage": "0"}, ["Dmitri Dyer"]),
        ({"msm": "mild"}, ["Bruno Baker"]),
        ({"label": "trd"}, ["Alice Archer", "Chloe Carter"]),
        ({"regulatory_trd": "yes"}, ["Alice Archer", "Chloe Carter"]),
        ({"regulatory_trd": "no"}, ["Bruno Baker", "Dmitri Dyer"]),
        ({"dtd": "met"}, ["Alice Archer", "Chloe Carter", "Dmitri Dyer"]),
        ({"dtd": "not_met"}, ["Bruno Baker"]),
        ({"label": "trd", "msm": "severe"}, ["Chloe Carter"]),
        ({"label": "trd", "q": "alice"}, ["Alice Archer"]),
    ],
)
def test_filters(clinician_client, staged_patients, params, expected):
    # posted, as the form does: the search goes to the session, the other filters to the address
    assert _names(clinician_client.post(LIST, params, follow=True)) == expected


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("name", ["Alice Archer", "Bruno Baker", "Chloe Carter", "Dmitri Dyer", "Eve Unstaged"]),
        ("-name", ["Eve Unstaged", "Dmitri Dyer", "Chloe Carter", "Bruno Baker", "Alice Archer"]),
        ("-record_number", ["Eve Unstaged", "Dmitri Dyer", "Chloe Carter", "Bruno Baker", "Alice Archer"]),
        # unstaged patients come last in both directions
        ("stage", ["Dmitri Dyer", "Bruno Baker", "Alice Archer", "Chloe Carter", "Eve Unstaged"]),
        ("-stage", ["Chloe Carter", "Alice Archer", "Bruno Baker", "Dmitri Dyer", "Eve Unstaged"]),
        ("-msm", ["Chloe Carter", "Alice Archer", "Bruno Baker", "Dmitri Dyer", "Eve Unstaged"]),
        ("mgh", ["Dmitri Dyer", "Bruno Baker", "Alice Archer", "Chloe Carter", "Eve Unstaged"]),
        # labels alphabetically by code, ties by name, never-staged last
        ("label", ["Dmitri Dyer", "Bruno Baker", "Alice Archer", "Chloe Carter", "Eve Unstaged"]),
    ],
)
def test_sorting(clinician_client, staged_patients, sort, expected):
    assert _names(clinician_client.get(LIST, {"sort": sort})) == expected


def test_ties_are_broken_by_name_then_pk(clinician_client, clinic):
    first = make_patient(clinic, name="Same Name", record_number="X-2")
    second = make_patient(clinic, name="Same Name", record_number="X-1")
    third = make_patient(clinic, name="Another", record_number="X-3")
    for patient in (first, second, third):
        _set_staging(patient, thase_rush_stage=1)

    response = clinician_client.get(LIST, {"sort": "stage"})

    assert [patient.pk for patient in response.context["page"].object_list] == [third.pk, first.pk, second.pk]


def test_sort_by_last_assessed(clinician_client, clinic):
    older = make_staged_trd_patient(clinic, name="Older Staging")
    newer = make_staged_trd_patient(clinic, name="Newer Staging")
    make_patient(clinic, name="Never Staged")
    assert older.last_assessed_at < newer.last_assessed_at

    assert _names(clinician_client.get(LIST, {"sort": "-assessed"})) == [
        "Newer Staging",
        "Older Staging",
        "Never Staged",
    ]
    assert _names(clinician_client.get(LIST, {"sort": "assessed"})) == [
        "Older Staging",
        "Newer Staging",
        "Never Staged",
    ]


def test_pagination_keeps_filters_and_sort(clinician_client, clinic):
    for number in range(30):
        patient = make_patient(clinic, name=f"Patient {number:02d}", record_number=f"R-{number:02d}")
        _set_staging(patient, label="trd" if number % 3 else "prd")
    make_patient(clinic, name="Zed Unfiltered")

    first = clinician_client.get(LIST, {"label": "trd", "sort": "-name"})
    second = clinician_client.get(LIST, {"label": "trd", "sort": "-name", "page": "2"})

    trd_names = sorted((f"Patient {number:02d}" for number in range(30) if number % 3), reverse=True)
    assert len(trd_names) == 20  # fits one page: use a wider filter for the page split
    assert _names(first) == trd_names
    everyone = clinician_client.post(LIST, {"q": "Patient", "sort": "-name"}, follow=True)
    page_two = clinician_client.get(LIST, {"sort": "-name", "page": "2"})  # the search stays in the session
    all_names = sorted((f"Patient {number:02d}" for number in range(30)), reverse=True)
    assert _names(everyone) == all_names[:25]
    assert _names(page_two) == all_names[25:]
    assert 'href="?sort=-name&amp;page=2"' in everyone.content.decode()
    assert _names(second) == trd_names  # page 2 of a one-page result shows its last page


def test_bad_parameters_are_ignored_with_a_note(clinician_client, staged_patients):
    response = clinician_client.get(
        LIST, {"stage": "9", "sort": "password", "dtd": "maybe", "label": "trd", "page": "x"}
    )

    assert response.status_code == 200
    assert _names(response) == ["Alice Archer", "Chloe Carter"]  # the valid label filter still applies
    text = response.content.decode()
    assert "not understood and is ignored" in text
    for label in ("Thase–Rush stage", "Sort by", "DTD"):
        assert f"{label}: the value" in text


def test_columns_show_stored_staging(clinician_client, clinic):
    patient = make_staged_trd_patient(clinic, name="Trd Patient", date_of_birth=date(1970, 5, 17))

    response = clinician_client.get(LIST)
    row = re.search(
        r"<tr>\s*<td[^>]*>" + re.escape(patient.record_number) + r".*?</tr>", response.content.decode(), re.S
    ).group(0)

    assert reverse("patients:detail", args=[patient.pk]) in row
    assert f">{patient.thase_rush_roman}<" in row
    assert f"{patient.msm_total} <span" in row
    assert patient.get_label_display() in row


def _seed(clinic, count):
    for number in range(count):
        _set_staging(
            make_patient(clinic),
            thase_rush_stage=number % 6,
            msm_total=9,
            msm_category="moderate",
            mgh_score=3,
            label="trd",
            regulatory_trd=True,
            dtd_met=True,
        )


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_patients(clinician_client, clinic, count, django_assert_max_num_queries):
    _seed(clinic, count)
    # session, user, clinic, count, page (+ session save); the audit entry of the ids shown
    # (savepoint, last hash, entry, its patient set, checkpoint, release)
    with django_assert_max_num_queries(17):
        response = clinician_client.get(LIST, {"sort": "-stage", "label": "trd"})
    assert len(response.context["page"].object_list) == min(count, 25)


def test_superuser_sees_every_clinic_with_its_name(client, clinic, other_clinic):
    make_patient(clinic, name="North Patient")
    make_patient(other_clinic, name="South Patient")
    client.force_login(make_user(None, is_superuser=True, is_staff=True))

    response = client.get(LIST)

    assert _names(response) == ["North Patient", "South Patient"]
    assert b"<td>South Clinic</td>" in response.content


def test_later_pages_keep_the_sort_order(clinician_client, clinic):
    """Pages after the first load ids first, then rows: the rows must come back in sort order."""
    patients = make_patients(clinic, 60, name_prefix="Sorted")
    for index, patient in enumerate(patients):
        _set_staging(
            patient, thase_rush_stage=2 if index % 4 else 1, msm_total=None if index % 7 == 0 else 3 + index % 13
        )
    patients = list(Patient.objects.filter(thase_rush_stage=2))
    # -msm: highest first, unstaged (NULL) last; ties by name, then pk (patients.filters)
    expected = [
        p.name for p in sorted(patients, key=lambda p: (p.msm_total is None, -(p.msm_total or 0), p.name, p.pk))
    ]

    shown = []
    for number in (1, 2):
        shown += _names(clinician_client.get(LIST, {"stage": "2", "sort": "-msm", "page": str(number)}))

    assert len(expected) == 45 and shown == expected


def test_a_large_list_counts_up_to_a_limit_and_still_pages_to_the_end(clinician_client, clinic, monkeypatch):
    """Past the limit the count says "more than" and the last page is not guessed; asking for a
    deep page counts far enough to show it and the pages after it."""
    from patients.pagination import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "COUNT_AT_LEAST", 100)
    make_patients(clinic, 320, name_prefix="Listed")  # limit for page 1: (1 + 10 pages ahead) × 25 = 275

    first = clinician_client.get(LIST)
    text = first.content.decode()
    assert "More than 275 patients · page 1." in text
    links = re.findall(r'page=(\d+)"', text)
    assert links[:4] == ["2", "3", "4", "2"]  # pages 2–4, then Next; the unknown tail is "…", not a guess
    assert text.count("…</span>") == 1
    assert _names(first) == [f"Listed {index:04d}" for index in range(25)]

    deep = clinician_client.get(LIST, {"page": "12"})  # counts (12 + 10) × 25 = 550 > 320: exact again
    assert "320 patients · page 12 of 13." in deep.content.decode()
    assert _names(deep) == [f"Listed {index:04d}" for index in range(275, 300)]
    assert _names(clinician_client.get(LIST, {"page": "13"})) == [f"Listed {index:04d}" for index in range(300, 320)]


@pytest.mark.parametrize("page", ["1", "3"])
def test_query_count_of_a_page_does_not_grow_with_patients(clinician_client, clinic, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            response = clinician_client.get(LIST, {"page": page, "sort": "-msm"})
        assert len(response.context["page"].object_list) == 25
        return len(captured)

    make_patients(clinic, 80, msm_total=9)
    few = queries_for_page()
    make_patients(clinic, 400, msm_total=9)
    assert queries_for_page() == few
