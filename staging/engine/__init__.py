"""The rules engine: plain Python, no Django, no I/O, no clock (docs/clinical-rules.md).

Records of the current episode come in as frozen dataclasses (`inputs`), `stage` applies the
rules, and the results carry their explanations out (`results`). The Django app beside this
package stores, presents and prints them.
"""

from staging.engine.pipeline import stage

__all__ = ["stage"]
