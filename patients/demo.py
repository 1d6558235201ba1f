"""The demo clinic's patients, as data: fictional people whose histories show every result.

Together they reach every Thase–Rush stage 0–V and every classification label, and each
inadequacy reason, a clinician-defined drug, augmentation, ECT of each placement, the other
courses, scale scores, earlier episodes, 65+ dosing, chronic episodes and DTD met / not met.

Dates are relative to the day the demo is loaded (`months_ago`), so episode durations — and so
the Maudsley duration item and "chronic" — stay what the story says. Trials are laid out one
after another from the episode's onset (see `lay_out_trials`).

`expected_stage` / `expected_label` are what rules §4.1 and §5 give for the history; they are
worked out in the comment beside each patient and checked by tests/patients/test_seed_demo.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from staging.engine.calendar import add_months
from staging.engine.inputs import SCREENING_ITEMS

# A trial is titrated for a while before it reaches the dose it is judged on, and the next one
# starts after a short gap: both only shape the timeline, never the staging.
TITRATION_WEEKS = 2
GAP_WEEKS = 1
FIRST_TRIAL_AFTER_ONSET_WEEKS = 2
ECT_COURSE_WEEKS = 4
DEFAULT_COURSE_WEEKS = 6


@dataclass(frozen=True)
class DemoTrial:
    drug: str
    dose: float
    weeks: float
    improvement: float | None = None
    outcome: str = ""
    adherence: float | None = None
    augmentation: tuple[tuple[str, float | None], ...] = ()
    # clinician-defined drug only (rules §1.2)
    drug_class: str = ""
    min_dose: float | None = None


@dataclass(frozen=True)
class DemoCourse:
    """An ECT course (kind "ect", with a placement) or another course (rTMS, esketamine, ...)."""

    kind: str
    outcome: str = ""
    placement: str = ""
    sessions: int | None = None
    weeks: float | None = None


@dataclass(frozen=True)
class DemoEpisode:
    onset_months_ago: int
    severity: str
    ended_months_ago: int | None = None
    impairment: str = ""
    comorbidities: tuple[str, ...] = ()
    stressors: bool | None = None
    screening: dict[str, str] = field(default_factory=dict)
    trials: tuple[DemoTrial, ...] = ()
    courses: tuple[DemoCourse, ...] = ()
    # (scale, score, months ago)
    scores: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class DemoPatient:
    record_number: str
    name: str
    age: int
    sex: str
    # earlier (ended) episodes first, the current one last
    episodes: tuple[DemoEpisode, ...]
    expected_stage: int
    expected_label: str


@dataclass(frozen=True)
class TrialDates:
    started_on: date
    ended_on: date


def lay_out_trials(episode: DemoEpisode, today: date) -> tuple[list[TrialDates], date]:
    """Start and end dates of each trial, one after another from onset; returns the next free day."""
    cursor = add_months(today, -episode.onset_months_ago) + timedelta(weeks=FIRST_TRIAL_AFTER_ONSET_WEEKS)
    dates = []
    for trial in episode.trials:
        ended_on = cursor + timedelta(weeks=float(trial.weeks) + TITRATION_WEEKS)
        dates.append(TrialDates(cursor, ended_on))
        cursor = ended_on + timedelta(weeks=GAP_WEEKS)
    return dates, cursor


def date_of_birth(age: int, today: date, birthday_months_ago: int) -> date:
    """A birthday `birthday_months_ago` (1–11) months ago, so the patient is exactly `age`."""
    return add_months(today, -(age * 12 + birthday_months_ago))


ALL_SCREENED_NEGATIVE = dict.fromkeys(SCREENING_ITEMS, "screened_negative")
PARTLY_SCREENED = {"bipolar_spectrum": "screened_negative", "thyroid_function": "screened_negative"}


def _nr(drug, dose, weeks, improvement=10, **extra) -> DemoTrial:
    """A failed trial with < 25 % improvement: non-response (rules §3.1)."""
    return DemoTrial(drug, dose, weeks, improvement=improvement, **extra)


# Thase–Rush (rules §4.1): C = classes of counted (failed adequate) trials. Labels (rules §5):
# remission / responding from the most recent trial, else trd (≥ 2 non-responses), prd (a
# partial response), single_failure (one failure), not_staged (none).
DEMO_PATIENTS: tuple[DemoPatient, ...] = (
    # sertraline 3 weeks is too short (§3.2): nothing counted → stage 0, not staged.
    DemoPatient(
        "DEMO-001",
        "Alice Marlow",
        34,
        "female",
        (
            DemoEpisode(
                3,
                "moderate",
                impairment="mild",
                screening=PARTLY_SCREENED,
                trials=(_nr("sertraline", 50, 3, improvement=5, adherence=100),),
                scores=(("PHQ-9", 17, 3), ("PHQ-9", 15, 0)),
            ),
        ),
        expected_stage=0,
        expected_label="not_staged",
    ),
    # the only trial remitted → stage 0 (nothing failed), remission.
    DemoPatient(
        "DEMO-002",
        "Ben Okafor",
        41,
        "male",
        (
            DemoEpisode(
                5,
                "moderate",
                impairment="mild",
                trials=(DemoTrial("escitalopram", 10, 10, improvement=70, outcome="remission", adherence=95),),
                scores=(("MADRS", 28, 5), ("MADRS", 6, 0)),
            ),
        ),
        expected_stage=0,
        expected_label="remission",
    ),
    # 60 % improvement = response → stage 0, responding.
    DemoPatient(
        "DEMO-003",
        "Clara Jensen",
        29,
        "female",
        (
            DemoEpisode(
                6,
                "mild",
                impairment="mild",
                stressors=True,
                trials=(DemoTrial("sertraline", 100, 10, improvement=60, adherence=90),),
                scores=(("QIDS-SR16", 9, 6), ("QIDS-SR16", 4, 0)),
            ),
        ),
        expected_stage=0,
        expected_label="responding",
    ),
    # one adequate SSRI failed → stage I, single failure.
    DemoPatient(
        "DEMO-004",
        "Dmitri Halvorsen",
        52,
        "male",
        (
            DemoEpisode(
                7,
                "moderate",
                impairment="moderate",
                screening=ALL_SCREENED_NEGATIVE,
                trials=(_nr("citalopram", 20, 8, adherence=90),),
                scores=(("HAM-D17", 21, 7), ("HAM-D17", 19, 0)),
            ),
        ),
        expected_stage=1,
        expected_label="single_failure",
    ),
    # venlafaxine 35 % = partial response → stage I, PRD.
    DemoPatient(
        "DEMO-005",
        "Esther Abara",
        47,
        "female",
        (
            DemoEpisode(
                8,
                "moderate",
                comorbidities=("anxiety",),
                trials=(DemoTrial("venlafaxine", 150, 10, improvement=35, adherence=85),),
                scores=(("MADRS", 30, 8), ("MADRS", 20, 0)),
            ),
        ),
        expected_stage=1,
        expected_label="prd",
    ),
    # two SSRIs failed: TRD by §5, yet one class → stage I. An earlier episode remitted.
    DemoPatient(
        "DEMO-006",
        "Farid Nasser",
        38,
        "male",
        (
            DemoEpisode(
                84,
                "moderate",
                ended_months_ago=76,
                trials=(DemoTrial("citalopram", 20, 12, improvement=75, outcome="remission"),),
            ),
            DemoEpisode(
                11,
                "severe",
                impairment="moderate",
                trials=(_nr("sertraline", 150, 8, adherence=90), _nr("fluoxetine", 40, 8, improvement=5, adherence=95)),
                scores=(("MADRS", 36, 11), ("MADRS", 35, 0)),
            ),
        ),
        expected_stage=1,
        expected_label="trd",
    ),
    # SSRI + SNRI failed, fluoxetine 10 mg/day is below the adequate 20 → stage II, TRD.
    DemoPatient(
        "DEMO-007",
        "Grace Whitfield",
        44,
        "female",
        (
            DemoEpisode(
                14,
                "severe",
                impairment="moderate",
                stressors=True,
                screening=PARTLY_SCREENED,
                trials=(
                    _nr("sertraline", 100, 8, adherence=90),
                    _nr("venlafaxine", 225, 10, adherence=90),
                    _nr("fluoxetine", 10, 8, improvement=5, adherence=90),
                ),
                scores=(("HAM-D17", 26, 14), ("HAM-D17", 25, 0)),
            ),
        ),
        expected_stage=2,
        expected_label="trd",
    ),
    # escitalopram partial, mirtazapine non-response → stage II (SSRI, NaSSA), PRD.
    DemoPatient(
        "DEMO-008",
        "Hamid Rahimi",
        36,
        "male",
        (
            DemoEpisode(
                10,
                "moderate",
                impairment="moderate",
                trials=(
                    DemoTrial("escitalopram", 20, 8, improvement=30, adherence=90),
                    _nr("mirtazapine", 30, 8, improvement=15, adherence=90),
                ),
                scores=(("PHQ-9", 18, 10), ("PHQ-9", 14, 0)),
            ),
        ),
        expected_stage=2,
        expected_label="prd",
    ),
    # SSRI, SNRI failed; bupropion (the latest) remitted → stage II, remission.
    DemoPatient(
        "DEMO-009",
        "Ingrid Solberg",
        58,
        "female",
        (
            DemoEpisode(
                16,
                "moderate",
                screening=ALL_SCREENED_NEGATIVE,
                trials=(
                    _nr("sertraline", 150, 8, adherence=90),
                    _nr("duloxetine", 60, 8, improvement=20, adherence=90),
                    DemoTrial("bupropion", 300, 10, improvement=80, outcome="remission", adherence=95),
                ),
                scores=(("MADRS", 27, 16), ("MADRS", 5, 0)),
            ),
        ),
        expected_stage=2,
        expected_label="remission",
    ),
    # sertraline failed; venlafaxine + lithium responded → stage I, responding.
    DemoPatient(
        "DEMO-010",
        "Jonah Pettersen",
        27,
        "male",
        (
            DemoEpisode(
                9,
                "moderate",
                impairment="mild",
                comorbidities=("adhd",),
                trials=(
                    _nr("sertraline", 150, 8, adherence=85),
                    DemoTrial("venlafaxine", 300, 12, improvement=55, adherence=90, augmentation=(("lithium", 800),)),
                ),
                scores=(("QIDS-SR16", 15, 9), ("QIDS-SR16", 7, 0)),
            ),
        ),
        expected_stage=1,
        expected_label="responding",
    ),
    # SSRI, SNRI, TCA (nortriptyline 100 ≥ 75) failed → stage III, TRD.
    DemoPatient(
        "DEMO-011",
        "Katarzyna Nowak",
        50,
        "female",
        (
            DemoEpisode(
                20,
                "severe",
                impairment="severe",
                comorbidities=("chronic_pain",),
                trials=(
                    _nr("sertraline", 150, 8, improvement=5, adherence=95),
                    _nr("venlafaxine", 225, 10, adherence=90),
                    _nr("nortriptyline", 100, 8, adherence=90),
                ),
                scores=(("MADRS", 38, 20), ("MADRS", 36, 0)),
            ),
        ),
        expected_stage=3,
        expected_label="trd",
    ),
    # 72 years old: 65+ doses (citalopram 10, amitriptyline 100 are adequate); one non-response,
    # two partial → stage III (SSRI, NaSSA, TCA), PRD.
    DemoPatient(
        "DEMO-012",
        "Leon Mbeki",
        72,
        "male",
        (
            DemoEpisode(
                10,
                "moderate",
                impairment="moderate",
                comorbidities=("medical_illness",),
                trials=(
                    _nr("citalopram", 10, 8, adherence=90),
                    DemoTrial("mirtazapine", 15, 8, improvement=40, adherence=90),
                    DemoTrial("amitriptyline", 100, 8, improvement=30, adherence=85),
                ),
                scores=(("HAM-D17", 20, 10), ("HAM-D17", 15, 0)),
            ),
        ),
        expected_stage=3,
        expected_label="prd",
    ),
    # SSRI, SNRI, TCA, MAOI failed → stage IV, TRD; chronic (30 months); an earlier episode.
    DemoPatient(
        "DEMO-013",
        "Miriam Castellano",
        61,
        "female",
        (
            DemoEpisode(
                96,
                "moderate",
                ended_months_ago=88,
                trials=(DemoTrial("fluoxetine", 20, 10, improvement=65, outcome="remission"),),
            ),
            DemoEpisode(
                30,
                "severe",
                impairment="severe",
                stressors=True,
                comorbidities=("anxiety", "personality_disorder"),
                trials=(
                    _nr("sertraline", 150, 8, improvement=5, adherence=90),
                    _nr("venlafaxine", 225, 10, adherence=90),
                    _nr("clomipramine", 150, 8, adherence=85),
                    _nr("phenelzine", 60, 8, adherence=90),
                ),
                courses=(DemoCourse("psychotherapy", weeks=16, outcome="non_response"),),
                scores=(("MADRS", 40, 30), ("MADRS", 37, 0)),
            ),
        ),
        expected_stage=4,
        expected_label="trd",
    ),
    # stage IV plus a failed bilateral ECT → stage V; rTMS too; chronic.
    DemoPatient(
        "DEMO-014",
        "Nikolai Vasquez",
        55,
        "male",
        (
            DemoEpisode(
                36,
                "severe",
                impairment="severe",
                screening=ALL_SCREENED_NEGATIVE,
                trials=(
                    _nr("escitalopram", 20, 8, improvement=5, adherence=95),
                    _nr("duloxetine", 120, 10, adherence=90),
                    _nr("imipramine", 200, 8, adherence=90),
                    _nr("tranylcypromine", 40, 8, improvement=5, adherence=90),
                ),
                courses=(
                    DemoCourse("ect", placement="bilateral", sessions=12, outcome="non_response"),
                    DemoCourse("rtms", weeks=6, outcome="non_response"),
                ),
                scores=(("MADRS", 42, 36), ("MADRS", 39, 0)),
            ),
        ),
        expected_stage=5,
        expected_label="trd",
    ),
    # stage IV classes but the failed ECT was right unilateral: still stage IV (rules §4.1).
    DemoPatient(
        "DEMO-015",
        "Olufemi Adeyemi",
        48,
        "male",
        (
            DemoEpisode(
                26,
                "severe",
                impairment="moderate",
                trials=(
                    _nr("sertraline", 200, 8, adherence=90),
                    _nr("duloxetine", 60, 8, adherence=90),
                    _nr("imipramine", 150, 8, adherence=90),
                    _nr("tranylcypromine", 30, 8, adherence=90),
                ),
                courses=(DemoCourse("ect", placement="right_unilateral", sessions=10, outcome="non_response"),),
                scores=(("HAM-D17", 27, 26), ("HAM-D17", 25, 0)),
            ),
        ),
        expected_stage=4,
        expected_label="trd",
    ),
    # moclobemide is a RIMA, not an MAOI: SSRI, SNRI, TCA, RIMA → stage III only.
    DemoPatient(
        "DEMO-016",
        "Priya Raman",
        39,
        "female",
        (
            DemoEpisode(
                18,
                "moderate",
                impairment="moderate",
                comorbidities=("ocd",),
                trials=(
                    _nr("escitalopram", 20, 8, adherence=90),
                    _nr("venlafaxine", 225, 8, adherence=90),
                    _nr("clomipramine", 150, 10, adherence=85),
                    _nr("moclobemide", 450, 8, adherence=90),
                ),
                scores=(("PHQ-9", 19, 18), ("PHQ-9", 18, 0)),
            ),
        ),
        expected_stage=3,
        expected_label="trd",
    ),
    # dibenzepin is not in the catalogue: clinician-defined TCA, minimum 240 → SSRI, SNRI, TCA → III.
    DemoPatient(
        "DEMO-017",
        "Quentin Ashby",
        63,
        "male",
        (
            DemoEpisode(
                15,
                "moderate",
                impairment="moderate",
                trials=(
                    _nr("sertraline", 150, 8, adherence=90),
                    _nr("venlafaxine", 225, 8, adherence=90),
                    _nr("dibenzepin", 360, 8, adherence=90, drug_class="TCA", min_dose=240),
                ),
                scores=(("MADRS", 29, 15), ("MADRS", 28, 0)),
            ),
        ),
        expected_stage=3,
        expected_label="trd",
    ),
    # two trials stopped for intolerance, then vortioxetine failed → stage I, single failure.
    DemoPatient(
        "DEMO-018",
        "Rosa Lindqvist",
        33,
        "female",
        (
            DemoEpisode(
                9,
                "moderate",
                impairment="mild",
                comorbidities=("eating_disorder",),
                trials=(
                    DemoTrial("paroxetine", 20, 2, outcome="intolerance", adherence=100),
                    DemoTrial("duloxetine", 60, 3, outcome="intolerance", adherence=100),
                    _nr("vortioxetine", 10, 8, improvement=15, adherence=90),
                ),
                scores=(("PHQ-9", 16, 9), ("PHQ-9", 15, 0)),
            ),
        ),
        expected_stage=1,
        expected_label="single_failure",
    ),
    # escitalopram taken half the time (low adherence, §3.2) does not count; sertraline does.
    DemoPatient(
        "DEMO-019",
        "Samuel Greene",
        45,
        "male",
        (
            DemoEpisode(
                8,
                "moderate",
                impairment="moderate",
                comorbidities=("substance_use",),
                screening={"substance_use": "positive"},
                trials=(
                    _nr("escitalopram", 20, 8, adherence=50),
                    _nr("sertraline", 100, 8, improvement=20, adherence=95),
                ),
            ),
        ),
        expected_stage=1,
        expected_label="single_failure",
    ),
    # an earlier episode remitted on citalopram (never counted); now NaSSA failed and
    # agomelatine partly helped → stage II, PRD.
    DemoPatient(
        "DEMO-020",
        "Tomasz Wiśniewski",
        53,
        "male",
        (
            DemoEpisode(
                72,
                "moderate",
                ended_months_ago=60,
                trials=(DemoTrial("citalopram", 20, 10, improvement=70, outcome="remission"),),
            ),
            DemoEpisode(
                11,
                "moderate",
                impairment="mild",
                trials=(
                    _nr("mirtazapine", 30, 8, adherence=90),
                    DemoTrial("agomelatine", 50, 8, improvement=30, adherence=90),
                ),
                scores=(("HAM-D17", 18, 11), ("HAM-D17", 16, 0)),
            ),
        ),
        expected_stage=2,
        expected_label="prd",
    ),
    # 78: sertraline 25 and venlafaxine 75 meet the 65+ minimums → stage II, TRD; mild, no
    # impairment, not chronic → DTD not met.
    DemoPatient(
        "DEMO-021",
        "Ursula Bergmann",
        78,
        "female",
        (
            DemoEpisode(
                7,
                "mild",
                impairment="none",
                screening=ALL_SCREENED_NEGATIVE,
                trials=(_nr("sertraline", 25, 8, adherence=95), _nr("venlafaxine", 75, 8, adherence=95)),
                scores=(("MADRS", 18, 7), ("MADRS", 15, 0)),
            ),
        ),
        expected_stage=2,
        expected_label="trd",
    ),
    # two failures, then an esketamine course → stage II, TRD (the regulatory criterion too).
    DemoPatient(
        "DEMO-022",
        "Victor Osei",
        42,
        "male",
        (
            DemoEpisode(
                13,
                "severe",
                impairment="severe",
                trials=(_nr("sertraline", 200, 8, adherence=90), _nr("venlafaxine", 300, 10, adherence=90)),
                courses=(DemoCourse("esketamine", weeks=4, outcome="response"),),
                scores=(("MADRS", 37, 13), ("MADRS", 22, 0)),
            ),
        ),
        expected_stage=2,
        expected_label="trd",
    ),
    # psychotherapy only: no trial → stage 0, not staged; but treated and moderate → DTD met.
    DemoPatient(
        "DEMO-023",
        "Wendy Achebe",
        31,
        "female",
        (
            DemoEpisode(
                4,
                "moderate",
                impairment="moderate",
                comorbidities=("ptsd",),
                courses=(DemoCourse("psychotherapy", weeks=12, outcome="partial_response"),),
                scores=(("PHQ-9", 16, 4), ("PHQ-9", 12, 0)),
            ),
        ),
        expected_stage=0,
        expected_label="not_staged",
    ),
    # sertraline + quetiapine: partial response → stage I, PRD.
    DemoPatient(
        "DEMO-024",
        "Xavier Duarte",
        37,
        "male",
        (
            DemoEpisode(
                6,
                "moderate",
                impairment="mild",
                trials=(
                    DemoTrial("sertraline", 150, 10, improvement=35, adherence=90, augmentation=(("quetiapine", 150),)),
                ),
                scores=(("QIDS-SR16", 14, 6), ("QIDS-SR16", 10, 0)),
            ),
        ),
        expected_stage=1,
        expected_label="prd",
    ),
    # 69: 65+ minimums (mirtazapine 7.5, trazodone 200, nortriptyline 50) → NaSSA, SARI, TCA: III.
    DemoPatient(
        "DEMO-025",
        "Yara Haddad",
        69,
        "female",
        (
            DemoEpisode(
                14,
                "moderate",
                impairment="moderate",
                comorbidities=("medical_illness",),
                trials=(
                    _nr("mirtazapine", 7.5, 8, adherence=90),
                    _nr("trazodone", 200, 8, adherence=90),
                    _nr("nortriptyline", 50, 8, adherence=90),
                ),
                scores=(("HAM-D17", 22, 14), ("HAM-D17", 20, 0)),
            ),
        ),
        expected_stage=3,
        expected_label="trd",
    ),
    # psychotic depression; mirtazapine + olanzapine; bilateral ECT remitted (not failed) → II.
    DemoPatient(
        "DEMO-026",
        "Zeynep Arslan",
        40,
        "female",
        (
            DemoEpisode(
                11,
                "severe_psychotic",
                impairment="severe",
                trials=(
                    _nr("venlafaxine", 225, 8, adherence=90),
                    _nr("mirtazapine", 45, 8, adherence=90, augmentation=(("olanzapine", 10),)),
                ),
                courses=(DemoCourse("ect", placement="bilateral", sessions=10, outcome="remission"),),
                scores=(("MADRS", 44, 11), ("MADRS", 8, 0)),
            ),
        ),
        expected_stage=2,
        expected_label="trd",
    ),
    # SSRI, SNRI, TCA failed; phenelzine (the latest) responded → stage III, responding.
    DemoPatient(
        "DEMO-027",
        "Aaron Fitzgerald",
        57,
        "male",
        (
            DemoEpisode(
                22,
                "severe",
                impairment="moderate",
                trials=(
                    _nr("sertraline", 150, 8, adherence=90),
                    _nr("venlafaxine", 225, 8, adherence=90),
                    _nr("clomipramine", 150, 8, adherence=90),
                    DemoTrial("phenelzine", 60, 10, improvement=60, adherence=95),
                ),
                scores=(("MADRS", 36, 22), ("MADRS", 14, 0)),
            ),
        ),
        expected_stage=3,
        expected_label="responding",
    ),
    # sertraline's outcome was not documented (not counted); duloxetine failed → I, single failure.
    DemoPatient(
        "DEMO-028",
        "Beatrice Kowalczyk",
        49,
        "female",
        (
            DemoEpisode(
                9,
                "moderate",
                impairment="moderate",
                trials=(DemoTrial("sertraline", 100, 8, adherence=90), _nr("duloxetine", 60, 8)),
                courses=(DemoCourse("ketamine", weeks=3, outcome="partial_response"),),
                scores=(("PHQ-9", 20, 9), ("PHQ-9", 17, 0)),
            ),
        ),
        expected_stage=1,
        expected_label="single_failure",
    ),
    # SSRI, SNRI, TCA, MAOI all failed but three only partly → stage IV, PRD; chronic.
    DemoPatient(
        "DEMO-029",
        "Cyrus Tehrani",
        60,
        "male",
        (
            DemoEpisode(
                28,
                "severe",
                impairment="moderate",
                trials=(
                    DemoTrial("citalopram", 40, 8, improvement=30, adherence=90),
                    DemoTrial("duloxetine", 90, 8, improvement=40, adherence=90),
                    _nr("imipramine", 200, 8, adherence=90),
                    DemoTrial("phenelzine", 60, 8, improvement=30, adherence=90),
                ),
                scores=(("HAM-D17", 25, 28), ("HAM-D17", 18, 0)),
            ),
        ),
        expected_stage=4,
        expected_label="prd",
    ),
    # fluoxetine failed, mirtazapine partly helped, bifrontal ECT partly helped → II, PRD.
    DemoPatient(
        "DEMO-030",
        "Daria Volkova",
        35,
        "female",
        (
            DemoEpisode(
                10,
                "severe",
                impairment="severe",
                trials=(
                    _nr("fluoxetine", 40, 8, adherence=90),
                    DemoTrial("mirtazapine", 30, 8, improvement=30, adherence=90),
                ),
                courses=(DemoCourse("ect", placement="bifrontal", sessions=9, outcome="partial_response"),),
                scores=(("MADRS", 39, 10), ("MADRS", 26, 0)),
            ),
        ),
        expected_stage=2,
        expected_label="prd",
    ),
    # 66: escitalopram 10 (65+ minimum 5) failed; sertraline + mirtazapine remitted → I, remission.
    DemoPatient(
        "DEMO-031",
        "Elias Moreau",
        66,
        "male",
        (
            DemoEpisode(
                8,
                "moderate",
                impairment="mild",
                trials=(
                    _nr("escitalopram", 10, 8, adherence=95),
                    DemoTrial(
                        "sertraline",
                        100,
                        10,
                        improvement=75,
                        outcome="remission",
                        adherence=95,
                        augmentation=(("mirtazapine", 15),),
                    ),
                ),
                scores=(("MADRS", 26, 8), ("MADRS", 4, 0)),
            ),
        ),
        expected_stage=1,
        expected_label="remission",
    ),
)
