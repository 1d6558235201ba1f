"""Staging a whole rules §10 document in one call (the JSON API, tests).

`manage.py stage` does not use this: it reads, stages and writes one record at a time, so that
a large input never sits in memory whole (staging/record_stream.py).
"""

from __future__ import annotations

from staging.engine.catalogue import Catalogue
from staging.engine.eligibility import Profiles
from staging.engine.interchange import parse_records, result_to_dict
from staging.engine.pipeline import stage


def stage_document(
    document, catalogue: Catalogue | None = None, profiles: Profiles | None = None
) -> tuple[list[dict], bool]:
    """rules §10: a parsed JSON document (one record or a list) → (results, was it a list).

    Raises InterchangeError listing every error, before anything is staged. `profiles`: the
    eligibility profiles (rules §12; default: the shipped ones).
    """
    records, is_list = parse_records(document, catalogue, profiles)
    return [result_to_dict(stage(record, catalogue, profiles)) for record in records], is_list
