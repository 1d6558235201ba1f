"""JSON interchange of rules §10: records in, results out.

- `staging.engine.parsing`: a JSON value -> StagingInput, or every error with its path
  (`parse_records` for a document, `parse_record` for one record of a stream,
  `validation_errors` for a record built by the web app);
- `staging.engine.serialising`: StagingInput and StagingResult -> JSON values
  (`record_to_dict`, `result_to_dict`).

This module names the interchange in one import for its users (the web app, `manage.py stage`).
"""

from __future__ import annotations

from staging.engine.parsing import NOT_A_DOCUMENT, InterchangeError, parse_record, parse_records, validation_errors
from staging.engine.serialising import record_to_dict, result_to_dict

__all__ = [
    "NOT_A_DOCUMENT",
    "InterchangeError",
    "parse_record",
    "parse_records",
    "record_to_dict",
    "result_to_dict",
    "validation_errors",
]
