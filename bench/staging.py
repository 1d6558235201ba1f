"""Benchmark of the staging engine on 100,000 seeded synthetic histories.

    .venv/bin/python bench/staging.py [--records N] [--seed S] [--repeat R]

Figures (one JSON line each, on stdout):
- json_loads_seconds: json.loads of the whole input text (the floor: the cost of merely reading it);
- staging_seconds: parse_records (validation + building the inputs) + stage + result_to_dict for
  every record, starting from the already-loaded JSON objects (json.loads and json.dumps of the
  output are not included);
- records_per_second, staging_to_json_loads_ratio (target ≤ 2.0), the same two figures in CPU
  time of this process (a shared machine's load inflates wall-clock time), and for reference
  end_to_end_seconds (json.loads + staging + json.dumps of the results, what `manage.py stage`
  does besides reading the file).
Each figure is the best of --repeat runs (timeit practice), in the same process, garbage
collector enabled as in production. Not a test: bench/ is outside pytest's testpaths.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import sys
import time
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from staging.engine.batch import cyclic_gc_paused, stage_document
from staging.engine.catalogue import default_catalogue
from staging.engine.inputs import (
    AUGMENTATION_AGENTS,
    COMORBIDITIES,
    ELECTRODE_PLACEMENTS,
    FUNCTIONAL_IMPAIRMENTS,
    OTHER_COURSE_KINDS,
    SCREENING_ITEMS,
    SCREENING_STATUSES,
    SEVERITIES,
)


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


def best_of(repeat: int, function):
    """(best wall-clock seconds, best CPU seconds of this process, the function's value)."""
    best, best_cpu, value = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        value = function()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    return best, best_cpu, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    count = arguments.records

    text = json.dumps(synthetic_records(count, arguments.seed))
    catalogue = default_catalogue()

    def load():
        return json.loads(text)

    def staging_of(document):
        # What `manage.py stage` runs: parse and stage with the cyclic GC paused for the batch.
        results, _ = stage_document(document, catalogue)
        return results

    def load_gc_paused():
        with cyclic_gc_paused():
            return json.loads(text)

    # The floor under the same conditions as the staging: the GC paused too (json.loads also
    # builds many containers); the default-GC figure is printed beside it.
    loads_seconds, loads_cpu, document = best_of(arguments.repeat, load_gc_paused)
    loads_default_gc_seconds, _, _ = best_of(arguments.repeat, load)
    staging_seconds, staging_cpu, results = best_of(arguments.repeat, lambda: staging_of(document))
    end_to_end_seconds, _, _ = best_of(1, lambda: json.dumps(staging_of(json.loads(text))))
    assert len(results) == count

    figures = [
        {"figure": "input_megabytes", "value": round(len(text) / 1e6, 1), "records": count},
        {
            "figure": "json_loads_seconds",
            "value": round(loads_seconds, 3),
            "records": count,
            "gc": "paused, as in the staging",
        },
        {"figure": "json_loads_default_gc_seconds", "value": round(loads_default_gc_seconds, 3), "records": count},
        {
            "figure": "staging_seconds",
            "value": round(staging_seconds, 3),
            "records": count,
            "target": 10.0,
            "includes": "stage_document: parse_records + stage + result_to_dict, cyclic GC paused",
        },
        {"figure": "records_per_second", "value": round(count / staging_seconds), "records": count},
        {"figure": "staging_to_json_loads_ratio", "value": round(staging_seconds / loads_seconds, 2), "target": 2.0},
        # CPU time of this process: the same work, unaffected by other processes on a shared machine
        {"figure": "json_loads_cpu_seconds", "value": round(loads_cpu, 3), "records": count},
        {"figure": "staging_cpu_seconds", "value": round(staging_cpu, 3), "records": count},
        {"figure": "staging_to_json_loads_cpu_ratio", "value": round(staging_cpu / loads_cpu, 2), "target": 2.0},
        {"figure": "load_average_1min", "value": os.getloadavg()[0], "cores": os.cpu_count()},
        {
            "figure": "end_to_end_seconds",
            "value": round(end_to_end_seconds, 3),
            "records": count,
            "includes": "json.loads + parse_records + stage + result_to_dict + json.dumps",
        },
    ]
    for figure in figures:
        print(json.dumps(figure))


if __name__ == "__main__":
    main()
