"""Load realistic synthetic patients fast, for scale tests and the benchmark.

    python manage.py seed_synthetic --patients 100000 [--clinic "Synthetic Clinic"] [--seed 1]

Every person is fictional (names from short lists, record numbers SYN-0000001...). Histories
follow the shape of a TRD clinic's case mix: 0–8 trials of catalogue drugs, doses around the
minimum adequate dose (rules §9) so some trials are inadequate (§3.2), a few augmentations,
ECT and other courses, scale scores, some earlier episodes, some patients not yet staged.

Rows go in with bulk inserts, a batch per transaction; staging is then computed for the batch
by patients.services.restage_many (the pure engine, one bulk insert of snapshots and one bulk
update of the summary columns), dated at a random moment of the last two years so the list has
old and recent stagings. The same --seed gives the same patients.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from patients.models import Augmentation, Clinic, EctCourse, Episode, OtherCourse, Patient, ScaleScore, Trial
from patients.progress import ProgressBar
from patients.services import restage_many
from staging.engine import inputs as vocabulary
from staging.engine.severity import SCALE_RANGES
from staging.site import configured_catalogue

FIRST_NAMES = [
    "Alex",
    "Amira",
    "Ana",
    "Ben",
    "Carla",
    "Chen",
    "Dana",
    "Eli",
    "Emma",
    "Farah",
    "Finn",
    "Grace",
    "Hugo",
    "Ines",
    "Ivan",
    "Jada",
    "Jonas",
    "Kai",
    "Lea",
    "Leo",
    "Maya",
    "Mia",
    "Nadia",
    "Noah",
    "Omar",
    "Ola",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Sara",
    "Tariq",
    "Tess",
    "Uma",
    "Vera",
    "Wen",
    "Yusuf",
    "Zoe",
    "Ravi",
    "Lina",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Berg",
    "Costa",
    "Dahl",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Khan",
    "Kowalski",
    "Larsen",
    "Lopez",
    "Martin",
    "Meyer",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Smith",
    "Tanaka",
    "Torres",
    "Varga",
    "Wagner",
    "Wong",
    "Yilmaz",
    "Young",
    "Zhang",
    "Ahmed",
]

# Probability weights; a TRD clinic sees more long histories than primary care.
TRIAL_COUNT_WEIGHTS = {0: 6, 1: 14, 2: 18, 3: 18, 4: 15, 5: 11, 6: 8, 7: 6, 8: 4}
SEVERITY_WEIGHTS = {"subsyndromal": 3, "mild": 12, "moderate": 45, "severe": 32, "severe_psychotic": 8}
# Dose as a multiple of the minimum adequate dose: most at or above it, some below (rules §3.2).
DOSE_FACTORS = (0.5, 0.75, 1.0, 1.0, 1.0, 1.25, 1.5, 1.5, 2.0)
STAGING_SPREAD_DAYS = 730


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def maybe(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


class SyntheticHistory:
    """Rows for one synthetic patient, unsaved, linked in memory until their ids exist."""

    def __init__(self, rng: random.Random, clinic: Clinic, record_number: str, staged_on: date, drugs):
        self.rng = rng
        self.staged_on = staged_on
        age = rng.randint(18, 90)
        self.patient = Patient(
            clinic=clinic,
            record_number=record_number,
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            date_of_birth=staged_on - timedelta(days=age * 365 + rng.randint(0, 364)),
            sex=rng.choice(("female", "female", "male", "male", "other", "unknown")),
        )
        self.episodes: list[Episode] = []
        # Each row holds its (unsaved) episode; the ids are filled in once the episodes are inserted.
        self.trials: list[tuple[Trial, list[Augmentation]]] = []
        self.ect: list[EctCourse] = []
        self.other: list[OtherCourse] = []
        self.scores: list[ScaleScore] = []
        if maybe(rng, 0.12):
            self._episode(ended=True, drugs=drugs)
        if not maybe(rng, 0.03):  # a few patients are registered but have no episode entered yet
            self._episode(ended=False, drugs=drugs)

    def _episode(self, *, ended: bool, drugs) -> None:
        rng = self.rng
        if ended:
            end = self.staged_on - timedelta(days=rng.randint(400, 3000))
            onset, ended_on = end - timedelta(days=rng.randint(90, 700)), end
        else:
            onset, ended_on = self.staged_on - timedelta(days=rng.randint(30, 1800)), None
        episode = Episode(
            patient=self.patient,
            onset=onset,
            ended_on=ended_on,
            severity=weighted(rng, SEVERITY_WEIGHTS),
            functional_impairment=rng.choice(("", "none", "mild", "moderate", "moderate", "severe")),
            comorbidities=sorted(rng.sample(vocabulary.COMORBIDITIES, k=weighted(rng, {0: 5, 1: 4, 2: 2, 3: 1}))),
            psychosocial_stressors=rng.choice((None, True, False)),
            **{item: rng.choice(vocabulary.SCREENING_STATUSES) for item in vocabulary.SCREENING_ITEMS},
        )
        self.episodes.append(episode)
        trial_count = weighted(rng, TRIAL_COUNT_WEIGHTS) if not ended else rng.randint(0, 2)
        day = onset + timedelta(days=rng.randint(7, 30))
        for position in range(trial_count):
            trial, augmentations, weeks = self._trial(episode, position, day, drugs, last=position == trial_count - 1)
            self.trials.append((trial, augmentations))
            day += timedelta(weeks=weeks + rng.randint(1, 4))
        if maybe(rng, 0.06):
            self.ect.append(
                EctCourse(
                    episode=episode,
                    electrode_placement=rng.choice(vocabulary.ELECTRODE_PLACEMENTS),
                    sessions=rng.randint(6, 16),
                    outcome=rng.choice(("non_response", "partial_response", "response", "remission")),
                    started_on=onset + timedelta(days=rng.randint(60, 400)),
                )
            )
        if maybe(rng, 0.2):
            self.other.append(
                OtherCourse(
                    episode=episode,
                    kind=rng.choice(vocabulary.OTHER_COURSE_KINDS),
                    weeks=Decimal(rng.randint(4, 20)),
                    outcome=rng.choice(("", "non_response", "partial_response", "response")),
                    started_on=onset + timedelta(days=rng.randint(30, 300)),
                )
            )
        for _ in range(rng.randint(0, 3)):
            scale = rng.choice(vocabulary.SCALES)
            low, high = SCALE_RANGES[scale]
            rated_on = min(onset + timedelta(days=rng.randint(0, 600)), self.staged_on)
            self.scores.append(
                ScaleScore(
                    episode=episode,
                    scale=scale,
                    score=rng.randint(low + (high - low) // 4, high),
                    rated_on=rated_on,
                )
            )

    def _trial(self, episode, position, started_on, drugs, *, last: bool):
        rng = self.rng
        if maybe(rng, 0.01):  # a drug not in the catalogue, defined by the clinician (rules §1.2)
            drug, drug_class, minimum = "study-drug-x", "SNRI", Decimal("40")
        else:
            entry = rng.choice(drugs)
            drug, drug_class, minimum = entry.drug, "", Decimal(str(entry.min_dose_mg))
        dose = (minimum * Decimal(str(rng.choice(DOSE_FACTORS)))).quantize(Decimal("0.01"))
        weeks = rng.choice((3, 4, 5, 6, 6, 8, 8, 8, 10, 12, 12, 16))
        # The last trial is more often the one that worked: that is why the history stops.
        improvement = rng.randint(40, 95) if last and maybe(rng, 0.3) else rng.randint(-10, 60)
        outcome = ""
        if maybe(rng, 0.06):
            outcome = "intolerance"
        elif improvement >= 50 and maybe(rng, 0.4):
            outcome = "remission"  # rules §3.1: agrees with ≥ 50 % improvement
        trial = Trial(
            episode=episode,
            position=position,
            drug=drug,
            drug_class=drug_class,
            min_adequate_dose_mg=minimum if drug_class else None,
            dose_mg_per_day=dose,
            weeks_at_dose=Decimal(weeks),
            started_on=started_on,
            ended_on=started_on + timedelta(weeks=weeks + 2),
            adherence_pct=None if maybe(rng, 0.2) else Decimal(rng.choice((60, 75, 85, 90, 95, 100))),
            improvement_pct=None if maybe(rng, 0.05) else Decimal(improvement),
            outcome=outcome,
        )
        augmentations = []
        if maybe(rng, 0.18):
            augmentations.append(
                Augmentation(
                    trial=trial,
                    agent=rng.choice(vocabulary.AUGMENTATION_AGENTS),
                    dose_mg_per_day=Decimal(rng.choice((2, 5, 10, 25, 300, 600))),
                    weeks=Decimal(rng.randint(4, 12)),
                )
            )
        return trial, augmentations, weeks


class Command(BaseCommand):
    help = "Bulk-load fictional patients with realistic treatment histories, staged."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, required=True, help="How many patients to add.")
        parser.add_argument("--clinic", default="Synthetic Clinic", help="Clinic name (created when missing).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same patients.")
        parser.add_argument("--batch-size", type=int, default=1000, help="Patients per transaction (default 1000).")

    def handle(self, *args, patients, clinic, seed, batch_size, **options):
        if patients < 1:
            raise CommandError("--patients must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        clinic_row, _ = Clinic.objects.get_or_create(
            name=clinic, defaults={"slug": slugify(clinic)[:60] or "synthetic"}
        )
        # Numbers continue after earlier runs into the same clinic, so a data set can be grown.
        first_number = Patient.objects.filter(clinic=clinic_row).count() + 1
        rng = random.Random(f"{seed}-{first_number}")
        drugs = configured_catalogue().entries
        now = timezone.now()
        started = time.monotonic()
        with ProgressBar(patients, "patients", stream=self.stderr._out) as progress:
            for start in range(0, patients, batch_size):
                count = min(batch_size, patients - start)
                self._seed_batch(rng, clinic_row, first_number + start, count, drugs, now)
                progress.advance(count)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Seeded {patients} synthetic patients into {clinic_row.name} ({clinic_row.slug}) in {elapsed:.1f} s."
        )

    def _seed_batch(self, rng, clinic, first_number, count, drugs, now: datetime) -> None:
        last_assessed_at = {}
        histories = []
        for offset in range(count):
            moment = now - timedelta(days=rng.randint(0, STAGING_SPREAD_DAYS), minutes=rng.randint(0, 1440))
            history = SyntheticHistory(
                rng, clinic, f"SYN-{first_number + offset:07d}", timezone.localdate(moment), drugs
            )
            histories.append((history, moment))
        with transaction.atomic():
            Patient.objects.bulk_create([history.patient for history, _ in histories])
            for history, moment in histories:
                last_assessed_at[history.patient.pk] = moment
                for episode in history.episodes:
                    episode.patient_id = history.patient.pk
            Episode.objects.bulk_create([episode for history, _ in histories for episode in history.episodes])
            all_trials = [(trial, augmentations) for history, _ in histories for trial, augmentations in history.trials]
            for trial, _ in all_trials:
                trial.episode_id = trial.episode.pk
            Trial.objects.bulk_create([trial for trial, _ in all_trials])
            augmentations = []
            for trial, trial_augmentations in all_trials:
                for augmentation in trial_augmentations:
                    augmentation.trial_id = trial.pk
                    augmentations.append(augmentation)
            Augmentation.objects.bulk_create(augmentations)
            for attribute, model in (("ect", EctCourse), ("other", OtherCourse), ("scores", ScaleScore)):
                rows = [row for history, _ in histories for row in getattr(history, attribute)]
                for row in rows:
                    row.episode_id = row.episode.pk
                model.objects.bulk_create(rows)
        restage_many(
            [history.patient.pk for history, _ in histories],
            assessed_at=lambda patient: last_assessed_at[patient.pk],
            batch_size=500,
        )
