"""Load the demo clinic: a clinician, a clinic admin and the fictional patients of patients.demo.

Safe to run again: the demo clinic's patients are deleted and rebuilt (so onsets move with
today), the two demo users keep their accounts and get the printed passwords back. Nothing
outside the demo clinic is touched.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from patients.demo import (
    DEFAULT_COURSE_WEEKS,
    DEMO_PATIENTS,
    ECT_COURSE_WEEKS,
    DemoEpisode,
    DemoPatient,
    date_of_birth,
    lay_out_trials,
)
from patients.models import (
    Augmentation,
    Clinic,
    EctCourse,
    Episode,
    Membership,
    OtherCourse,
    Patient,
    ScaleScore,
    Trial,
)
from patients.permissions import make_clinic_admin_user
from patients.services import restage
from staging.engine.calendar import add_months
from trd_clinic.accounts.demo import current_totp, enrol_demo_authenticator

DEMO_CLINIC_SLUG = "demo"
DEMO_CLINIC_NAME = "Demo Clinic"
# Published in the README and printed on every run: demo only, never for real patient data.
CLINICIAN_USERNAME, CLINICIAN_PASSWORD = "clinician", "amber-lighthouse-4127"
ADMIN_USERNAME, ADMIN_PASSWORD = "admin", "quiet-harbour-9350"
# A clinic admin must log in with a second factor: the demo admin's authenticator key, published
# like the password (base32, as authenticator apps take it; `manage.py demo_totp` prints the code).
ADMIN_TOTP_KEY = "KRJEILJUMVWW6LLBMRWWS3RNORXXI4BB"


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class Command(BaseCommand):
    help = "Create (or rebuild) the demo clinic with a clinician, a clinic admin and ~30 fictional patients."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load the demo even when DJANGO_DEBUG=0 (its passwords are public: never on a real deployment).",
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "seed_demo creates users with published passwords; it runs only with DJANGO_DEBUG=1 "
                "(or pass --allow-without-debug on a throwaway demo server)."
            )
        today = timezone.localdate()
        with transaction.atomic():
            clinic, _ = Clinic.objects.get_or_create(slug=DEMO_CLINIC_SLUG, defaults={"name": DEMO_CLINIC_NAME})
            clinician = self._demo_user(
                clinic,
                CLINICIAN_USERNAME,
                CLINICIAN_PASSWORD,
                Membership.CLINICIAN,
                first_name="Robin",
                last_name="Hale",
            )
            admin = self._demo_user(
                clinic, ADMIN_USERNAME, ADMIN_PASSWORD, Membership.CLINIC_ADMIN, first_name="Sam", last_name="Okoro"
            )
            make_clinic_admin_user(admin)
            enrol_demo_authenticator(admin, ADMIN_TOTP_KEY)
            # Rebuilt rather than updated: the histories are relative to today.
            clinic.patients.all().delete()
            for birthday_offset, demo_patient in enumerate(DEMO_PATIENTS):
                self._create_patient(clinic, demo_patient, today, birthday_months_ago=1 + birthday_offset % 11)
        self.stdout.write(f'Demo clinic "{clinic.name}": {len(DEMO_PATIENTS)} patients.')
        self.stdout.write(f"clinician login: {clinician.username} / {CLINICIAN_PASSWORD}")
        self.stdout.write(f"admin login: {admin.username} / {ADMIN_PASSWORD}")
        self.stdout.write(
            f"admin second factor: add the key {ADMIN_TOTP_KEY} to an authenticator app "
            f"(current code: {current_totp(admin)})"
        )

    def _demo_user(self, clinic, username, password, role, **names):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username, defaults=names)
        if not created and not self._is_demo_account(user, clinic):
            raise CommandError(
                f"A user named {username!r} already exists outside the demo clinic; "
                "seed_demo will not change its password or role."
            )
        validate_password(password, user)
        user.set_password(password)
        user.is_active = True
        user.is_staff = role == Membership.CLINIC_ADMIN
        user.is_superuser = False
        user.save()
        Membership.objects.update_or_create(user=user, defaults={"clinic": clinic, "role": role})
        return user

    @staticmethod
    def _is_demo_account(user, clinic) -> bool:
        membership = getattr(user, "membership", None)
        return not user.is_superuser and (membership is None or membership.clinic_id == clinic.pk)

    def _create_patient(self, clinic, demo: DemoPatient, today: date, *, birthday_months_ago: int) -> Patient:
        patient = Patient.objects.create(
            clinic=clinic,
            record_number=demo.record_number,
            name=demo.name,
            date_of_birth=date_of_birth(demo.age, today, birthday_months_ago),
            sex=demo.sex,
        )
        for demo_episode in demo.episodes:
            self._create_episode(patient, demo_episode, today)
        restage(patient, assessed_on=today)
        return patient

    def _create_episode(self, patient: Patient, demo: DemoEpisode, today: date) -> Episode:
        episode = Episode.objects.create(
            patient=patient,
            onset=add_months(today, -demo.onset_months_ago),
            ended_on=None if demo.ended_months_ago is None else add_months(today, -demo.ended_months_ago),
            severity=demo.severity,
            functional_impairment=demo.impairment,
            comorbidities=list(demo.comorbidities),
            psychosocial_stressors=demo.stressors,
            **demo.screening,
        )
        trial_dates, next_free_day = lay_out_trials(demo, today)
        for position, (trial, dates) in enumerate(zip(demo.trials, trial_dates)):
            created = Trial.objects.create(
                episode=episode,
                position=position,
                drug=trial.drug,
                drug_class=trial.drug_class,
                min_adequate_dose_mg=_decimal(trial.min_dose),
                dose_mg_per_day=_decimal(trial.dose),
                weeks_at_dose=_decimal(trial.weeks),
                started_on=dates.started_on,
                ended_on=dates.ended_on,
                adherence_pct=_decimal(trial.adherence),
                improvement_pct=_decimal(trial.improvement),
                outcome=trial.outcome,
            )
            for agent, dose in trial.augmentation:
                Augmentation.objects.create(
                    trial=created, agent=agent, dose_mg_per_day=_decimal(dose), weeks=_decimal(trial.weeks)
                )
        started_on = next_free_day
        for course in demo.courses:
            if course.kind == "ect":
                EctCourse.objects.create(
                    episode=episode,
                    electrode_placement=course.placement,
                    sessions=course.sessions,
                    outcome=course.outcome,
                    started_on=started_on,
                )
                started_on += timedelta(weeks=ECT_COURSE_WEEKS)
            else:
                OtherCourse.objects.create(
                    episode=episode,
                    kind=course.kind,
                    weeks=_decimal(course.weeks),
                    outcome=course.outcome,
                    started_on=started_on,
                )
                started_on += timedelta(weeks=float(course.weeks or DEFAULT_COURSE_WEEKS))
        for scale, score, months_ago in demo.scores:
            ScaleScore.objects.create(
                episode=episode, scale=scale, score=score, rated_on=add_months(today, -months_ago)
            )
        return episode
