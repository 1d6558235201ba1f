"""What the clinician's episode page posts, for tests of the page, its form and what guards it."""

from __future__ import annotations

from staging.engine.inputs import SCREENING_ITEMS


def episode_post(prefix: str = "", **fields) -> dict:
    """A moderate episode from 1 March 2025 with nothing screened yet; `fields` change it, and
    `prefix` names the fields as a prefixed form does ("new-onset")."""
    data = {
        "onset": "2025-03-01",
        "severity": "moderate",
        "functional_impairment": "",
        "psychosocial_stressors": "",
        **dict.fromkeys(SCREENING_ITEMS, "not_screened"),
        **fields,
    }
    return {f"{prefix}-{name}" if prefix else name: value for name, value in data.items()}
