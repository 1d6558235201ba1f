"""Staging many records at once (manage.py stage, imports, benchmarks)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from staging.engine.catalogue import Catalogue
from staging.engine.eligibility import Profiles
from staging.engine.inputs import StagingInput
from staging.engine.interchange import parse_records, result_to_dict
from staging.engine.pipeline import stage


@contextmanager
def cyclic_gc_paused():
    """Run a batch without the cyclic garbage collector.

    Staging results are trees of dicts and lists with no reference cycles: reference counting
    frees them. The cyclic collector can only re-scan every result kept so far, again and again
    as the batch grows, which was about 40 % of the time of 100,000 records (docs/engine-notes.md).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def stage_all(
    records: Iterable[StagingInput],
    catalogue: Catalogue,
    on_progress: Callable[[int, int], None] | None = None,
    profiles: Profiles | None = None,
) -> list[dict]:
    """The §10 result of every record, in order; `on_progress(done, total)` after each one.
    `profiles`: the eligibility profiles (rules §12; default: the shipped ones)."""
    records = list(records)
    total = len(records)
    results = []
    with cyclic_gc_paused():
        for record in records:
            results.append(result_to_dict(stage(record, catalogue, profiles)))
            if on_progress is not None:
                on_progress(len(results), total)
    return results


def stage_document(
    document,
    catalogue: Catalogue,
    on_progress: Callable[[int, int], None] | None = None,
    profiles: Profiles | None = None,
) -> tuple[list[dict], bool]:
    """rules §10: a parsed JSON document (one record or a list) → (results, was it a list).

    Raises InterchangeError listing every error, before anything is staged.
    """
    with cyclic_gc_paused():
        records, is_list = parse_records(document, catalogue, profiles)
        results = stage_all(records, catalogue, on_progress, profiles)
        # The inputs are garbage once staged: freed here, while the collector is still paused, they
        # are not among the objects its first pass after the pause must scan (that pass scans
        # every container the batch allocated; the inputs were about a third of them).
        del records
    return results, is_list
