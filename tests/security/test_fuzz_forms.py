"""Generated form posts never cause a server error, and every rejection names its field."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_episode, make_patient, make_trial

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text a browser (or an attacker) might send: blanks, control characters, other scripts,
# numbers in every spelling, SQL and markup fragments, very long values.
nasty_text = st.one_of(
    st.just(""),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=400),
    st.sampled_from(
        [
            "0",
            "-1",
            "1e309",
            "NaN",
            "inf",
            "1,5",
            "９９",
            "2025-02-30",
            "31/12/2024",
            "' OR 1=1 --",
            "<script>x</script>",
            "\x00",
            "　",
            "0x10",
            "99999999999999999999",
            "1.0000000001",
        ]
    ),
    st.dates().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
)


@contextmanager
def rolled_back():
    """Each example starts from the same database."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def assert_answer_is_safe(response, error_names_field):
    assert response.status_code in (200, 302), f"status {response.status_code}"
    body = response.content.decode()
    assert "Traceback" not in body
    if response.status_code == 200:
        assert response.context is not None
        error_names_field(response.context, body)


def _form_errors_name_fields(context, body):
    form = context["form"]
    for name, messages in form.errors.items():
        assert name in form.fields, f"error not tied to a field: {messages}"
        label = str(form.fields[name].label or name)
        for message in messages:
            assert str(message) in body.replace("&#x27;", "'").replace("&quot;", '"') or label in body


def _summary_names_fields(context, body):
    for error in context.get("errors") or []:
        # "Form" / "Trial" alone are the titles used for errors tied to no field.
        assert error.where not in ("", "Form", "Trial"), f"error without a field: {error}"


@pytest.fixture
def patient(clinic):
    return make_patient(clinic)


@FUZZ
@given(
    record_number=nasty_text,
    name=nasty_text,
    date_of_birth=nasty_text,
    sex=st.sampled_from(["female", "male", "other", "unknown", "", "alien", "\x00"]),
)
def test_patient_create_never_errors(clinician_client, record_number, name, date_of_birth, sex):
    data = {"record_number": record_number, "name": name, "date_of_birth": date_of_birth, "sex": sex}
    with rolled_back():
        response = clinician_client.post(reverse("patients:create"), data)
        assert_answer_is_safe(response, _form_errors_name_fields)


@FUZZ
@given(
    onset=nasty_text,
    severity=st.sampled_from(["mild", "moderate", "severe", "severe_psychotic", "", "x"]),
    impairment=nasty_text,
    comorbidity=nasty_text,
    stressors=nasty_text,
    screening=nasty_text,
)
def test_episode_form_never_errors(
    clinician_client, patient, onset, severity, impairment, comorbidity, stressors, screening
):
    data = {
        "onset": onset,
        "severity": severity,
        "functional_impairment": impairment,
        "comorbidities": [comorbidity],
        "psychosocial_stressors": stressors,
        "bipolar_spectrum": screening,
        "thyroid_function": "not_screened",
    }
    with rolled_back():
        response = clinician_client.post(reverse("patients:episode", args=[patient.pk]), data)
        assert_answer_is_safe(response, _summary_names_fields)


@FUZZ
@given(
    drug=st.one_of(st.sampled_from(["sertraline", "venlafaxine", "mirtazapine", "newdrugol"]), nasty_text),
    drug_class=st.sampled_from(["", "SSRI", "SNRI", "TCA", "MAOI", "nonsense"]),
    min_dose=nasty_text,
    dose=nasty_text,
    weeks=nasty_text,
    started=nasty_text,
    ended=nasty_text,
    adherence=nasty_text,
    improvement=nasty_text,
    outcome=st.sampled_from(["", "response", "remission", "non_response", "partial_response", "zzz"]),
    augmentation=nasty_text,
    baseline=nasty_text,
    end=nasty_text,
)
def test_trial_formset_never_errors(
    clinician_client,
    patient,
    drug,
    drug_class,
    min_dose,
    dose,
    weeks,
    started,
    ended,
    adherence,
    improvement,
    outcome,
    augmentation,
    baseline,
    end,
):
    with rolled_back():
        episode = make_episode(patient)
        existing = make_trial(episode, "sertraline", 100, 8)
        row = {
            "drug": drug,
            "drug_class": drug_class,
            "min_adequate_dose_mg": min_dose,
            "dose_mg_per_day": dose,
            "weeks_at_dose": weeks,
            "started_on": started,
            "ended_on": ended,
            "adherence_pct": adherence,
            "improvement_pct": improvement,
            "outcome": outcome,
            "augmentation": augmentation,
            "improvement_scale": "PHQ-9",
            "baseline_score": baseline,
            "end_score": end,
        }
        data = {
            "trials-TOTAL_FORMS": "2",
            "trials-INITIAL_FORMS": "1",
            "trials-MIN_NUM_FORMS": "0",
            "trials-MAX_NUM_FORMS": "1000",
            "trials-0-id": str(existing.pk),
            "trials-0-drug": "sertraline",
            "trials-0-dose_mg_per_day": "100",
            "trials-0-weeks_at_dose": "8",
        }
        data |= {f"trials-1-{name}": value for name, value in row.items()}
        response = clinician_client.post(reverse("patients:trials", args=[patient.pk]), data)
        assert_answer_is_safe(response, _summary_names_fields)
