"""Benchmark the clinic FHIR export (manage.py export_fhir) and check its memory stays bounded.

    .venv/bin/python bench/fhir_export.py [--patients 2000] [--batch-size 200]

Sets up its own SQLite database in a temporary directory, loads synthetic patients
(seed_synthetic) and restages them as of today (so the export's own restaging of stale
stagings is not timed). Then it times, interleaved:

  export  patients.fhir.ndjson.export_patients: read the rows batch by batch, build every
          resource, write NDJSON lines to files.
  floor   the same batched reads (patients, episodes with their rows, reports) with nothing built
          or written: what any export must pay.

and measures the peak Python memory (tracemalloc) of exporting all the patients and a quarter of
them: bounded memory means the two peaks are alike, not 4:1.

Prints JSON lines:
  {"kind": "timing", "path": "export" | "floor", "median_s", "patients_per_s", ...}
  {"kind": "ratio", "export_over_floor"}
  {"kind": "memory", "patients", "peak_mib"} for all and a quarter, then
  {"kind": "memory_ratio", "all_over_quarter", "target": 1.5, "ok"}
A measurement, not a test: it reports, it does not fail the build.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMORY_RATIO_TARGET = 1.5


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def setup_django(directory: str, patients: int) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trd_clinic.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_synthetic", patients=patients, clinic="Bench Clinic", stdout=StringIO())
    call_command("recompute_staging", stdout=StringIO(), stderr=StringIO())


def floor(patient_ids, batch_size):
    from patients.fhir.export import episodes_for_export
    from patients.models import Patient
    from staging.models import GeneratedReport

    rows = 0
    for start in range(0, len(patient_ids), batch_size):
        batch = patient_ids[start : start + batch_size]
        patients = list(
            Patient.objects.filter(pk__in=batch)
            .select_related("clinic", "current_snapshot")
            .defer("current_snapshot__input")
        )
        for episodes in episodes_for_export(batch).values():
            for episode in episodes:
                rows += 1 + len(episode.trials_list) + len(episode.scale_scores_list)
                rows += sum(len(trial.augmentations_list) for trial in episode.trials_list)
                rows += len(episode.ect_courses_list) + len(episode.other_courses_list)
        rows += len(patients) + len(list(GeneratedReport.objects.filter(patient_id__in=batch)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        setup_django(directory, arguments.patients)
        from patients.fhir.ndjson import export_patients
        from patients.models import Patient

        patient_ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True))
        timings = {"export": [], "floor": []}
        resources = 0
        for run in range(arguments.runs):
            output = Path(directory) / f"run{run}"
            output.mkdir()
            started = time.perf_counter()
            counts = export_patients(patient_ids, output, batch_size=arguments.batch_size)
            timings["export"].append(time.perf_counter() - started)
            resources = sum(counts.values())
            started = time.perf_counter()
            floor(patient_ids, arguments.batch_size)
            timings["floor"].append(time.perf_counter() - started)
        for path, values in timings.items():
            median = statistics.median(values)
            emit(
                kind="timing",
                path=path,
                patients=len(patient_ids),
                resources=resources if path == "export" else None,
                median_s=round(median, 3),
                patients_per_s=round(len(patient_ids) / median),
                runs=arguments.runs,
            )
        emit(
            kind="ratio",
            export_over_floor=round(statistics.median(timings["export"]) / statistics.median(timings["floor"]), 2),
        )
        peaks = {}
        for label, ids in (("all", patient_ids), ("quarter", patient_ids[: len(patient_ids) // 4])):
            output = Path(directory) / f"memory-{label}"
            output.mkdir()
            tracemalloc.start()
            export_patients(ids, output, batch_size=arguments.batch_size)
            peaks[label] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            emit(kind="memory", patients=len(ids), peak_mib=round(peaks[label] / 2**20, 1))
        ratio = peaks["all"] / peaks["quarter"]
        emit(
            kind="memory_ratio",
            all_over_quarter=round(ratio, 2),
            target=MEMORY_RATIO_TARGET,
            ok=ratio <= MEMORY_RATIO_TARGET,
        )


if __name__ == "__main__":
    main()
