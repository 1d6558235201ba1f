"""seed_demo: the demo clinic shows every stage and label, its logins work, and it can be re-run."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.utils import timezone

from patients.access import is_clinic_admin
from patients.demo import DEMO_PATIENTS, lay_out_trials
from patients.models import Clinic, EctCourse, Episode, Membership, OtherCourse, Patient, ScaleScore, Trial
from patients.permissions import CLINIC_ADMINS_GROUP
from staging.engine.calendar import add_months
from staging.engine.inputs import OTHER_COURSE_KINDS
from tests.factories import make_generated_report

LOGIN_LINE = re.compile(r"^(clinician|admin) login: (\S+) / (\S+)$", re.MULTILINE)
ALL_LABELS = {"remission", "responding", "trd", "prd", "single_failure", "not_staged"}


@pytest.fixture
def debug_on(settings):
    # pytest-django runs with DEBUG off; the demo is refused there unless asked explicitly.
    settings.DEBUG = True


def seed() -> tuple[str, dict[str, tuple[str, str]]]:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    return text, {role: (username, password) for role, username, password in LOGIN_LINE.findall(text)}


def log_in(client, username: str, password: str) -> bool:
    # django-axes needs the request to count failures; Client.login passes credentials through.
    return client.login(request=HttpRequest(), username=username, password=password)


def demo_clinic() -> Clinic:
    return Clinic.objects.get(slug="demo")


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Clinic, Membership, Patient, Episode, Trial, EctCourse, OtherCourse, ScaleScore)
    } | {"users": get_user_model().objects.count()}


@pytest.mark.django_db
def test_demo_covers_every_stage_and_every_label(debug_on):
    seed()
    patients = Patient.objects.filter(clinic=demo_clinic())
    assert patients.count() == len(DEMO_PATIENTS) >= 30
    assert set(patients.values_list("thase_rush_stage", flat=True)) == {0, 1, 2, 3, 4, 5}
    assert set(patients.values_list("label", flat=True)) == ALL_LABELS
    assert not patients.filter(current_snapshot__isnull=True).exists()


@pytest.mark.django_db
def test_each_demo_patient_gets_the_stage_and_label_its_story_intends(debug_on):
    seed()
    stored = {p.record_number: (p.thase_rush_stage, p.label) for p in Patient.objects.filter(clinic=demo_clinic())}
    intended = {p.record_number: (p.expected_stage, p.expected_label) for p in DEMO_PATIENTS}
    mismatches = {
        number: (stored[number], intended[number]) for number in intended if stored[number] != intended[number]
    }
    assert not mismatches, f"stored vs intended (stage, label): {mismatches}"


@pytest.mark.django_db
def test_demo_shows_the_variety_a_clinician_should_see(debug_on):
    seed()
    clinic = demo_clinic()
    snapshots = [
        p.current_snapshot.result for p in Patient.objects.filter(clinic=clinic).select_related("current_snapshot")
    ]
    reasons = {reason for result in snapshots for trial in result["trials"] for reason in trial["inadequate_reasons"]}
    assert reasons >= {"intolerance", "dose_below_minimum", "too_short", "low_adherence"}
    trials = Trial.objects.filter(episode__patient__clinic=clinic)
    assert trials.exclude(drug_class="").exists(), "a clinician-defined drug"
    assert trials.filter(augmentations__isnull=False).exists()
    ect = EctCourse.objects.filter(episode__patient__clinic=clinic)
    assert {"bilateral", "right_unilateral"} <= set(ect.values_list("electrode_placement", flat=True))
    kinds = set(OtherCourse.objects.filter(episode__patient__clinic=clinic).values_list("kind", flat=True))
    assert {"rtms", "esketamine", "psychotherapy"} <= kinds <= set(OTHER_COURSE_KINDS)
    assert ScaleScore.objects.filter(episode__patient__clinic=clinic).exists()
    assert Episode.objects.filter(patient__clinic=clinic, ended_on__isnull=False).exists()
    today = timezone.localdate()
    assert Patient.objects.filter(clinic=clinic, date_of_birth__lte=add_months(today, -(65 * 12))).exists()
    assert {True, False} <= set(Patient.objects.filter(clinic=clinic).values_list("dtd_met", flat=True))
    assert any(result["classification"]["chronic"] for result in snapshots)


@pytest.mark.django_db
def test_demo_dates_are_in_the_past_and_inside_their_episode(debug_on):
    today = timezone.localdate()
    for demo_patient in DEMO_PATIENTS:
        for episode in demo_patient.episodes:
            episode_end = today if episode.ended_months_ago is None else add_months(today, -episode.ended_months_ago)
            dates, _ = lay_out_trials(episode, today)
            for trial_dates in dates:
                assert add_months(today, -episode.onset_months_ago) <= trial_dates.started_on
                assert trial_dates.ended_on <= episode_end, demo_patient.record_number
    seed()
    # the ages the stories use (65+ doses) are the ages the engine sees
    for demo_patient in DEMO_PATIENTS:
        patient = Patient.objects.get(clinic=demo_clinic(), record_number=demo_patient.record_number)
        assert patient.age_on(today) == demo_patient.age


@pytest.mark.django_db
def test_logins_are_printed_and_actually_log_in(debug_on, client):
    text, logins = seed()
    assert set(logins) == {"clinician", "admin"}, text
    clinician_username, clinician_password = logins["clinician"]
    admin_username, admin_password = logins["admin"]
    assert log_in(client, clinician_username, clinician_password)
    assert client.get("/").status_code == 200
    client.logout()
    assert log_in(client, admin_username, admin_password)
    admin = get_user_model().objects.get(username=admin_username)
    assert admin.is_staff and not admin.is_superuser and is_clinic_admin(admin)
    assert admin.groups.filter(name=CLINIC_ADMINS_GROUP).exists()
    assert client.get("/admin/").status_code == 200
    clinician = get_user_model().objects.get(username=clinician_username)
    assert clinician.membership.role == Membership.CLINICIAN and not clinician.is_staff


@pytest.mark.django_db
def test_running_twice_changes_no_counts_and_still_prints_working_logins(debug_on, client):
    seed()
    first = row_counts()
    text, logins = seed()
    assert row_counts() == first
    assert set(logins) == {"clinician", "admin"}, text
    assert log_in(client, *logins["clinician"])


@pytest.mark.django_db
def test_leaves_other_clinics_alone(debug_on):
    from tests.factories import make_clinic, make_staged_trd_patient

    other = make_staged_trd_patient(make_clinic("Elsewhere"))
    seed()
    seed()
    assert Patient.objects.filter(pk=other.pk, clinic__name="Elsewhere").exists()


@pytest.mark.django_db
def test_refuses_to_take_over_an_existing_superuser_named_admin(debug_on):
    get_user_model().objects.create_superuser("admin", password="their-own-password-91")
    with pytest.raises(CommandError, match="already exists"):
        seed()
    assert get_user_model().objects.get(username="admin").check_password("their-own-password-91")
    assert not Clinic.objects.filter(slug="demo").exists()


@pytest.mark.django_db
def test_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        seed()
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_reseeding_after_a_report_was_generated_for_a_demo_patient(debug_on):
    # A demo visitor prints a PDF (an append-only record citing a snapshot); the next run of
    # seed_demo must still be able to rebuild the clinic.
    from staging.models import GeneratedReport

    seed()
    patient = Patient.objects.filter(clinic=demo_clinic()).select_related("current_snapshot").first()
    make_generated_report(patient, generated_by="clinician")
    seed()
    assert Patient.objects.filter(clinic=demo_clinic()).count() == len(DEMO_PATIENTS)
    assert not GeneratedReport.objects.exists()
