"""Issue 10 §1: a post claiming a thousand rows is refused at once, in words, and saves nothing.

Each entry page builds at most its row limit of forms (absolute_max = max_num): the post is
answered with the too-many error instead of validating and re-rendering every claimed row.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from patients.forms.courses import MAX_COURSES
from patients.forms.scores import MAX_SCORES
from patients.forms.trials import MAX_TRIALS
from patients.models import EctCourse, OtherCourse, ScaleScore, Trial
from tests.factories import make_episode, make_patient

CLAIMED_ROWS = 1000


def _row(prefix: str, index: int, fields: dict) -> dict:
    return {f"{prefix}-{index}-{name}": value for name, value in fields.items()}


def _post(prefix: str, fields: dict, rows: int = CLAIMED_ROWS, filled: int | None = None) -> dict:
    """The management form claiming `rows` rows, the first `filled` of them (all by default) filled
    in. The probe's post was the management form alone; Django itself refuses a post of more
    than 1,000 fields (DATA_UPLOAD_MAX_NUMBER_FIELDS)."""
    data = {f"{prefix}-TOTAL_FORMS": str(rows), f"{prefix}-INITIAL_FORMS": "0"}
    for index in range(rows if filled is None else filled):
        data.update(_row(prefix, index, fields))
    return data


TRIAL = {"drug": "sertraline", "dose_mg_per_day": "100", "weeks_at_dose": "8", "improvement_pct": "10"}
SCORE = {"scale": "MADRS", "score": "20", "rated_on": "2025-04-01"}
ECT = {"electrode_placement": "bilateral", "sessions": "12", "outcome": "non_response"}


@pytest.fixture
def patient(clinic):
    patient = make_patient(clinic)
    make_episode(patient)
    return patient


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, data, limit, model, rendered_prefix",
    [
        ("trials", _post("trials", TRIAL, filled=0), MAX_TRIALS, Trial, "trials"),
        ("trials", _post("trials", TRIAL, filled=60), MAX_TRIALS, Trial, "trials"),
        ("scores", _post("scores", SCORE, filled=0), MAX_SCORES, ScaleScore, "scores"),
        ("scores", _post("scores", SCORE, filled=200), MAX_SCORES, ScaleScore, "scores"),
        (
            "courses",
            {**_post("ect", ECT, filled=150), "other-TOTAL_FORMS": str(CLAIMED_ROWS), "other-INITIAL_FORMS": "0"},
            MAX_COURSES,
            EctCourse,
            "ect",
        ),
    ],
)
def test_a_thousand_posted_rows_are_refused_in_words_and_nothing_is_saved(
    clinician_client, patient, page, data, limit, model, rendered_prefix
):
    response = clinician_client.post(reverse(f"patients:{page}", args=[patient.pk]), data)

    assert response.status_code == 200
    text = response.content.decode()
    assert f"At most {limit} " in text and "can be saved on this page" in text
    assert not model.objects.exists() and not OtherCourse.objects.exists()
    # no more forms were built (and shown again) than the page's limit
    assert f'name="{rendered_prefix}-{limit}-' not in text


@pytest.mark.django_db
def test_the_limit_itself_is_accepted(clinician_client, patient):
    response = clinician_client.post(
        reverse("patients:scores", args=[patient.pk]), _post("scores", SCORE, rows=MAX_SCORES)
    )

    assert response.status_code == 302
    assert ScaleScore.objects.count() == MAX_SCORES
