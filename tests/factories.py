"""Test data builders shared by every test module: real rows in the real database."""

from __future__ import annotations

import functools
import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from patients.models import Augmentation, Clinic, EctCourse, Episode, Membership, OtherCourse, Patient, Trial
from staging.models import GeneratedReport

PASSWORD = "correct-horse-battery-staple-42"
_counter = itertools.count(1)


def make_clinic(name: str | None = None) -> Clinic:
    number = next(_counter)
    name = name or f"Clinic {number}"
    return Clinic.objects.create(name=name, slug=f"clinic-{number}")


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)


def make_user(
    clinic: Clinic | None = None,
    role: str = Membership.CLINICIAN,
    *,
    username: str | None = None,
    is_staff: bool | None = None,
    is_superuser: bool = False,
):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username,
        password=None,
        first_name="Test",
        last_name=username.title(),
        is_staff=(role == Membership.CLINIC_ADMIN) if is_staff is None else is_staff,
        is_superuser=is_superuser,
    )
    # The production hasher (Argon2) is slow on purpose; hash the shared password once per run.
    user.password = _password_hash()
    user.save(update_fields=["password"])
    if clinic is not None:
        Membership.objects.create(user=user, clinic=clinic, role=role)
    if role == Membership.CLINIC_ADMIN:
        from patients.permissions import clinic_admin_group

        user.groups.add(clinic_admin_group())  # with is_staff above, this opens the admin
    return user


def make_patient(
    clinic: Clinic,
    *,
    name: str | None = None,
    record_number: str | None = None,
    date_of_birth: date = date(1970, 5, 17),
    sex: str = "female",
) -> Patient:
    number = next(_counter)
    return Patient.objects.create(
        clinic=clinic,
        record_number=record_number or f"MRN-{number:05d}",
        name=name or f"Patient {number}",
        date_of_birth=date_of_birth,
        sex=sex,
    )


def make_patients(clinic: Clinic, count: int, *, name_prefix: str = "Patient", **columns) -> list[Patient]:
    """Many patients in one insert, named "<prefix> 0000"...; columns set stored staging directly
    (for paging and counting tests, which need hundreds of rows but no histories)."""
    return Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            record_number=f"MRN-{next(_counter):05d}",
            name=f"{name_prefix} {index:04d}",
            date_of_birth=date(1970, 5, 17),
            sex="female",
            **columns,
        )
        for index in range(count)
    )


def make_episode(
    patient: Patient,
    *,
    onset: date = date(2025, 3, 1),
    severity: str = "moderate",
    ended_on: date | None = None,
    **fields,
) -> Episode:
    return Episode.objects.create(patient=patient, onset=onset, severity=severity, ended_on=ended_on, **fields)


def make_trial(
    episode: Episode,
    drug: str = "sertraline",
    dose: str | int = 100,
    weeks: str | int = 8,
    *,
    adherence=None,
    improvement=10,
    outcome: str = "",
    position: int | None = None,
    augmentation: list[tuple[str, str | int | None]] = (),
    **fields,
) -> Trial:
    if position is None:
        position = episode.trials.count()
    trial = Trial.objects.create(
        episode=episode,
        position=position,
        drug=drug,
        dose_mg_per_day=Decimal(str(dose)),
        weeks_at_dose=Decimal(str(weeks)),
        adherence_pct=None if adherence is None else Decimal(str(adherence)),
        improvement_pct=None if improvement is None else Decimal(str(improvement)),
        outcome=outcome,
        **fields,
    )
    for agent, agent_dose in augmentation:
        Augmentation.objects.create(
            trial=trial, agent=agent, dose_mg_per_day=None if agent_dose is None else Decimal(str(agent_dose))
        )
    return trial


def make_ect(episode: Episode, placement: str = "bilateral", outcome: str = "non_response", sessions: int = 12):
    return EctCourse.objects.create(episode=episode, electrode_placement=placement, outcome=outcome, sessions=sessions)


def make_other_course(episode: Episode, kind: str = "psychotherapy", weeks=12, outcome: str = ""):
    return OtherCourse.objects.create(episode=episode, kind=kind, weeks=weeks, outcome=outcome)


def make_staged_trd_patient(clinic: Clinic, **patient_fields) -> Patient:
    """A patient with two failed adequate trials (TRD) and one inadequate one, staged."""
    from patients.services import restage

    patient = make_patient(clinic, **patient_fields)
    episode = make_episode(patient, onset=date(2024, 1, 10), severity="severe", functional_impairment="moderate")
    make_trial(episode, "sertraline", 150, 8, adherence=90, improvement=10, started_on=date(2024, 2, 1))
    make_trial(episode, "venlafaxine", 225, 10, adherence=95, improvement=15, started_on=date(2024, 5, 1))
    make_trial(episode, "mirtazapine", 7.5, 3, adherence=100, improvement=5, started_on=date(2024, 8, 1))
    restage(patient)
    patient.refresh_from_db()
    return patient


def make_generated_report(patient: Patient, **fields) -> GeneratedReport:
    """The record of a PDF produced from the patient's current staging (none is rendered)."""
    return GeneratedReport.objects.create(
        **{
            "patient": patient,
            "snapshot": patient.current_snapshot,
            "generated_by": "someone",
            "channel": GeneratedReport.WEB,
            "sha256": "0" * 64,
            "paper_size": "A4",
            "page_count": 1,
            "byte_size": 1000,
            **fields,
        }
    )
