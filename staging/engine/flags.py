""" "Before concluding resistance": pseudo-resistance checklist and trial flags (rules §8, §3.1, §3.2)."""

from __future__ import annotations

from collections.abc import Sequence

from staging.engine import vocabulary
from staging.engine.inputs import StagingInput
from staging.engine.outcome import UNKNOWN
from staging.engine.results import Flag, TrialResult


def compute_flags(record: StagingInput, trials: Sequence[TrialResult]) -> tuple[Flag, ...]:
    """Every not_screened and positive item, then per trial (input order) its inadequacy and
    undocumented adherence and outcome — the order the report lists them (rules §8)."""
    flags = []
    statuses = dict(record.episode.screening)
    for item, term in vocabulary.SCREENING_ITEMS.items():  # in rules §8 order
        status = statuses.get(item, "not_screened")  # rules §8: absent items are not_screened
        if status in ("not_screened", "positive"):
            words = f"{term.label} {vocabulary.SCREENING_STATUSES[status].sentence}."
            flags.append(Flag(f"{status}:{item}", words))
    for trial in trials:
        if trial.inadequate_reasons:  # rules §3.2
            flags.append(
                Flag("inadequate_trial", f"{trial.name} was not an adequate trial: {trial.reasons_text}.", trial.index)
            )
        if trial.trial.adherence_pct is None:  # rules §3.2
            flags.append(
                Flag(
                    "adherence_not_documented",
                    f"Adherence not documented for {trial.name}: it does not make the trial inadequate, "
                    "but check it before concluding resistance.",
                    trial.index,
                )
            )
        if trial.outcome == UNKNOWN:  # rules §3.1
            flags.append(
                Flag(
                    "outcome_not_documented",
                    f"Outcome not documented for {trial.name} (no outcome and no improvement recorded): "
                    "the trial is listed but never counted.",
                    trial.index,
                )
            )
    return tuple(flags)
