"""Benchmark of the staging engine and of `manage.py stage` on seeded synthetic histories.

    .venv/bin/python bench/staging.py [--records N] [--stream-records M] [--seed S] [--repeat R]

Figures (one JSON line each on stdout, each beside a floor measured in the same run):
- staging_seconds: parse_record + stage + result_to_dict of N records (default 100,000; target
  under 20 s), from JSON already loaded, one record at a time as `manage.py stage` does; beside
  it json_loads_seconds, the cost of merely loading the same text (best of --repeat runs, CPU
  seconds too, since a shared machine's load inflates wall-clock time);
- stage_command_seconds and stage_command_peak_rss_mb: `manage.py stage FILE > /dev/null` in a
  subprocess on a compact input of M records (default 225,225, about 50 MB: issue 10 item 9;
  target under 500 MB), and with --compact (one result a line, the C JSON encoder), beside the
  same command on an empty list (the floor: Python, Django
  and the engine loaded, nothing staged). Peak memory is the child's maximum resident set size
  (resource.getrusage(RUSAGE_CHILDREN).ru_maxrss).
Not a test: bench/ is outside pytest's testpaths.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from staging.engine.catalogue import default_catalogue  # noqa: E402 (after the path is set)
from staging.engine.inputs import (  # noqa: E402
    AUGMENTATION_AGENTS,
    COMORBIDITIES,
    ELECTRODE_PLACEMENTS,
    FUNCTIONAL_IMPAIRMENTS,
    OTHER_COURSE_KINDS,
    SCREENING_ITEMS,
    SCREENING_STATUSES,
    SEVERITIES,
)
from staging.engine.interchange import parse_record, result_to_dict  # noqa: E402
from staging.engine.pipeline import stage  # noqa: E402

STAGING_TARGET_SECONDS = 20.0
PEAK_RSS_TARGET_MB = 500


def synthetic_records(count: int, seed: int) -> list[dict]:
    """Plausible current-episode histories: 0–6 trials, some repeats, augmentation, ECT, screening."""
    generator = random.Random(seed)
    entries = default_catalogue().entries
    records = []
    for _ in range(count):
        onset = date(2018, 1, 1) + timedelta(days=generator.randrange(2500))
        assessed_on = onset + timedelta(days=generator.randrange(1, 1500))
        trials = []
        started = onset
        for _ in range(generator.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 6))):
            entry = generator.choice(entries)
            started = started + timedelta(days=generator.randrange(20, 120))
            trial = {
                "drug": entry.drug,
                "dose_mg_per_day": entry.min_dose_mg * generator.choice((0.5, 1, 1, 1.5, 2)),
                "weeks_at_dose": generator.choice((3, 6, 8, 10, 12, 16)),
                "started_on": started.isoformat(),
            }
            if generator.random() < 0.8:
                trial["adherence_pct"] = generator.choice((60, 80, 90, 100))
            kind = generator.random()
            if kind < 0.7:
                trial["improvement_pct"] = round(generator.uniform(-20, 90), 1)
            elif kind < 0.9:
                trial["outcome"] = generator.choice(("non_response", "intolerance", "remission"))
                if trial["outcome"] == "remission":
                    trial["improvement_pct"] = 80
            if generator.random() < 0.2:
                trial["augmentation"] = [{"agent": generator.choice(AUGMENTATION_AGENTS), "weeks": 6}]
            trials.append(trial)
        record = {
            "age": generator.randrange(18, 95),
            "assessed_on": assessed_on.isoformat(),
            "episode": {
                "onset": onset.isoformat(),
                "severity": generator.choice(SEVERITIES),
                "functional_impairment": generator.choice(FUNCTIONAL_IMPAIRMENTS),
                "comorbidities": generator.sample(COMORBIDITIES, generator.randrange(3)),
                "psychosocial_stressors": generator.random() < 0.4,
                "screening": {
                    item: generator.choice(SCREENING_STATUSES) for item in SCREENING_ITEMS if generator.random() < 0.7
                },
            },
            "trials": trials,
            "ect_courses": [
                {
                    "electrode_placement": generator.choice(ELECTRODE_PLACEMENTS),
                    "sessions": 12,
                    "outcome": generator.choice(("non_response", "partial_response", "response")),
                }
            ]
            if generator.random() < 0.1
            else [],
            "other_courses": [{"kind": generator.choice(OTHER_COURSE_KINDS)}] if generator.random() < 0.1 else [],
        }
        records.append(record)
    return records


def compact_records(count: int, seed: int):
    """Short records (about 220 bytes each, one trial), the shape of issue 10's 50 MB input."""
    generator = random.Random(seed)
    entries = default_catalogue().entries
    for _ in range(count):
        onset = date(2018, 1, 1) + timedelta(days=generator.randrange(2500))
        entry = generator.choice(entries)
        yield {
            "age": generator.randrange(18, 95),
            "assessed_on": (onset + timedelta(days=generator.randrange(1, 1500))).isoformat(),
            "episode": {"onset": onset.isoformat(), "severity": generator.choice(SEVERITIES)},
            "trials": [
                {
                    "drug": entry.drug,
                    "dose_mg_per_day": entry.min_dose_mg * generator.choice((0.5, 1, 1.5, 2)),
                    "weeks_at_dose": generator.choice((3, 6, 8, 12)),
                    "improvement_pct": round(generator.uniform(-20, 90), 1),
                }
            ],
        }


def best_of(repeat: int, function) -> tuple[float, float]:
    """(best wall-clock seconds, best CPU seconds of this process)."""
    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    return best, best_cpu


def stage_each(documents: list, catalogue) -> None:
    """What `manage.py stage` does per record, minus reading and writing."""
    for index, document in enumerate(documents):
        result_to_dict(stage(parse_record(document, catalogue, path=f"[{index}]"), catalogue))


def engine_figures(count: int, seed: int, repeat: int) -> list[dict]:
    text = json.dumps(synthetic_records(count, seed))
    documents = json.loads(text)
    catalogue = default_catalogue()
    loads_seconds, loads_cpu = best_of(repeat, lambda: json.loads(text))
    staging_seconds, staging_cpu = best_of(repeat, lambda: stage_each(documents, catalogue))
    return [
        {"figure": "json_loads_seconds", "value": round(loads_seconds, 3), "records": count, "role": "floor"},
        {
            "figure": "staging_seconds",
            "value": round(staging_seconds, 3),
            "records": count,
            "target": STAGING_TARGET_SECONDS,
            "includes": "parse_record + stage + result_to_dict, one record at a time",
        },
        {"figure": "records_per_second", "value": round(count / staging_seconds), "records": count},
        {"figure": "json_loads_cpu_seconds", "value": round(loads_cpu, 3), "records": count, "role": "floor"},
        {"figure": "staging_cpu_seconds", "value": round(staging_cpu, 3), "records": count},
    ]


def run_stage_command(path: str, *options: str) -> tuple[float, float, float]:
    """(wall-clock seconds, CPU seconds, peak RSS in MB of all children so far) of
    `manage.py stage path`.

    Run while this process is small: a child's peak RSS counts the pages it shares with this
    process between fork and exec, so it is measured before the engine figures load 100,000
    records here."""
    environment = dict(os.environ)
    environment.setdefault("DJANGO_DEBUG", "1")  # development defaults; the command uses no database
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "stage", path, *options],
            stdout=devnull,
            stderr=subprocess.DEVNULL,
            check=True,
            env=environment,
        )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, after.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--stream-records", type=int, default=225_225)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    figures = []
    if arguments.stream_records:
        with tempfile.TemporaryDirectory() as directory:
            empty = Path(directory, "empty.json")
            empty.write_text("[]")
            big = Path(directory, "records.json")
            with big.open("w") as handle:
                handle.write("[")
                for index, record in enumerate(compact_records(arguments.stream_records, arguments.seed)):
                    handle.write(("," if index else "") + json.dumps(record))
                handle.write("]")
            # The floor first: ru_maxrss of the children is the largest any of them reached so far.
            floor_seconds, floor_cpu, floor_rss = run_stage_command(str(empty))
            command_seconds, command_cpu, command_rss = run_stage_command(str(big))
            compact_seconds, _, _ = run_stage_command(str(big), "--compact")
            megabytes = round(big.stat().st_size / 1e6, 1)
        records = arguments.stream_records
        figures += [
            {"figure": "stage_command_input_megabytes", "value": megabytes, "records": records},
            {"figure": "stage_command_empty_seconds", "value": round(floor_seconds, 2), "role": "floor"},
            {"figure": "stage_command_seconds", "value": round(command_seconds, 2), "records": records},
            {"figure": "stage_command_compact_seconds", "value": round(compact_seconds, 2), "records": records},
            {"figure": "stage_command_empty_cpu_seconds", "value": round(floor_cpu, 2), "role": "floor"},
            {"figure": "stage_command_cpu_seconds", "value": round(command_cpu, 2), "records": records},
            {"figure": "stage_command_empty_peak_rss_mb", "value": round(floor_rss), "role": "floor"},
            {
                "figure": "stage_command_peak_rss_mb",
                "value": round(command_rss),
                "records": records,
                "target": PEAK_RSS_TARGET_MB,
            },
        ]
    figures += engine_figures(arguments.records, arguments.seed, arguments.repeat)
    figures.append({"figure": "load_average_1min", "value": round(os.getloadavg()[0], 2), "cores": os.cpu_count()})
    for figure in figures:
        print(json.dumps(figure))


if __name__ == "__main__":
    main()
