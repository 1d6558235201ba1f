"""Benchmark the PDF staging report of a 10-trial patient against WeasyPrint alone.

    .venv/bin/python bench/report.py [--runs 15] [--paper A4]

Sets up its own SQLite database in a temporary directory (DATABASE_URL=sqlite:///...), migrates
it and stages one patient with 10 trials (2 augmented), an ECT course, an rTMS course and three
scale scores. Then, interleaving the two so machine load affects both alike, it times:

  report  the full path of the view: load the patient, its snapshot and episode records from the
          database, build the context (with the timeline SVG), render the template, WeasyPrint to
          PDF bytes. The record insert is excluded here and measured separately ("report+record").
  floor   WeasyPrint rendering the same final HTML string, nothing else (same cached stylesheet
          and font configuration).

Prints JSON lines:
  {"kind": "timing", "path": "report" | "floor" | "report+record", "median_ms", "median_cpu_ms", ...}
  {"kind": "ratio", "report_over_floor", "target": 1.3, "ok"}
  {"kind": "target", "median_ms", "limit_ms": 300, "ok"}
CPU times are printed too: on a shared machine they are steadier than wall-clock times. This is a
measurement, not a test: it reports, it does not fail the build.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIO_TARGET = 1.3
LIMIT_MS = 300
DRUGS = [
    "sertraline",
    "escitalopram",
    "venlafaxine",
    "duloxetine",
    "mirtazapine",
    "bupropion",
    "vortioxetine",
    "nortriptyline",
    "agomelatine",
    "phenelzine",
]


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def setup_django(directory: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trd_clinic.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings: DJANGO_DEBUG is off unless set
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_patient():
    from patients.models import ScaleScore
    from patients.services import restage
    from tests.factories import (
        make_clinic,
        make_ect,
        make_episode,
        make_other_course,
        make_patient,
        make_trial,
        make_user,
    )

    clinic = make_clinic("Benchmark Clinic")
    user = make_user(clinic, username="bench_clinician")
    patient = make_patient(clinic, name="Bench Patient")
    episode = make_episode(
        patient, onset=date(2023, 1, 15), severity="severe", functional_impairment="moderate", comorbidities=["anxiety"]
    )
    start = date(2023, 2, 1)
    for number, drug in enumerate(DRUGS):
        augmentation = [("lithium", 800)] if number in (3, 7) else []
        make_trial(
            episode,
            drug,
            300 if drug not in ("mirtazapine", "agomelatine", "phenelzine") else 60,
            8,
            adherence=90,
            improvement=10 + number,
            started_on=start + timedelta(weeks=10 * number),
            augmentation=augmentation,
        )
    make_ect(episode)
    make_other_course(episode, kind="rtms", weeks=6, outcome="non_response")
    for offset, score in ((0, 34), (30, 30), (60, 28)):
        ScaleScore.objects.create(episode=episode, scale="MADRS", score=score, rated_on=start + timedelta(weeks=offset))
    restage(patient)
    return patient.pk, user


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function()
    return value, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--paper", choices=("A4", "Letter"), default="A4")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="trd-bench-report-") as directory:
        setup_django(directory)
        import logging

        logging.getLogger("staging").setLevel(logging.WARNING)  # no per-report INFO line in the output
        from patients.models import Patient
        from staging.report import render_pdf
        from staging.views import load_staged_episode, produce_report, report_html

        patient_pk, user = seed_patient()
        clinician_name = user.get_full_name()

        def full_report():
            # What the view does before recording: fetch the patient as get_visible_patient does.
            patient = Patient.objects.select_related("clinic").get(pk=patient_pk)
            snapshot, episode = load_staged_episode(patient)
            html = report_html(patient, snapshot, episode, clinician_name=clinician_name)
            return html, render_pdf(html, arguments.paper)

        def full_report_and_record():
            patient = Patient.objects.select_related("clinic").get(pk=patient_pk)
            return produce_report(patient, user=user, paper_size=arguments.paper)

        html, rendered = full_report()  # warm-up: parses the stylesheet, loads the fonts
        render_pdf(html, arguments.paper)
        full_report_and_record()

        samples = {"report": ([], []), "floor": ([], []), "report+record": ([], [])}
        for _ in range(arguments.runs):
            for path, function in (
                ("report", full_report),
                ("floor", lambda: render_pdf(html, arguments.paper)),
                ("report+record", full_report_and_record),
            ):
                _, wall_ms, cpu_ms = timed(function)
                samples[path][0].append(wall_ms)
                samples[path][1].append(cpu_ms)

        medians = {}
        for path, (walls, cpus) in samples.items():
            medians[path] = (statistics.median(walls), statistics.median(cpus))
            emit(
                kind="timing",
                path=path,
                runs=arguments.runs,
                trials=len(DRUGS),
                pages=rendered.page_count,
                paper=arguments.paper,
                median_ms=round(medians[path][0], 1),
                median_cpu_ms=round(medians[path][1], 1),
                min_ms=round(min(walls), 1),
            )
        ratio = medians["report"][0] / medians["floor"][0]
        cpu_ratio = medians["report"][1] / medians["floor"][1]
        emit(
            kind="ratio",
            report_over_floor=round(ratio, 3),
            cpu_report_over_floor=round(cpu_ratio, 3),
            target=RATIO_TARGET,
            ok=ratio <= RATIO_TARGET,
        )
        emit(
            kind="target",
            median_ms=round(medians["report"][0], 1),
            median_cpu_ms=round(medians["report"][1], 1),
            limit_ms=LIMIT_MS,
            ok=medians["report"][0] < LIMIT_MS,
            load_average=os.getloadavg()[0],
        )


if __name__ == "__main__":
    main()
