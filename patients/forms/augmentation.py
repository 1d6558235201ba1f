"""The trial form's augmentation line, read into agents: "lithium 600, aripiprazole 5 for 6 weeks".

Written back with staging.engine.text.augmentation_text ("lithium 600 mg/day for 6 weeks"), the
words the page and the PDF use, which this parser reads again unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from staging.engine import inputs as vocabulary
from staging.engine.catalogue import Catalogue
from staging.engine.text import augmentation_text

_ITEM = re.compile(
    r"^(?P<agent>[a-z][a-z0-9_\- ]*?)"
    r"(?:\s+(?P<dose>\d+(?:\.\d+)?)\s*(?:mg(?:\s*/\s*(?:day|d))?)?)?"
    r"(?:\s+(?:for\s+)?(?P<weeks>\d+(?:\.\d+)?)\s*(?:weeks?|wks?|w))?$"
)
_SEPARATORS = re.compile(r"[,;\n]")


@dataclass(frozen=True)
class ParsedAugmentation:
    agent: str
    dose_mg_per_day: Decimal | None = None
    weeks: Decimal | None = None

    def as_text(self) -> str:
        return augmentation_text(self.agent, self.dose_mg_per_day, self.weeks)


def known_agents(catalogue: Catalogue) -> frozenset[str]:
    # rules §2.2: the listed agents, and any catalogue antidepressant added to another
    return frozenset(vocabulary.AUGMENTATION_AGENTS) | frozenset(catalogue.drugs)


def parse_augmentations(text: str, catalogue: Catalogue) -> list[ParsedAugmentation]:
    """Parse "lithium 600, aripiprazole 5" into agents with optional doses (mg/day) and weeks.

    Raises ValidationError listing every item that could not be read, each named, so the
    clinician can fix the whole line at once.
    """
    known = known_agents(catalogue)
    parsed, problems = [], []
    for raw_item in _SEPARATORS.split(text or ""):
        item = " ".join(raw_item.strip().lower().split())
        if not item:
            continue
        match = _ITEM.match(item)
        if not match:
            problems.append(f"Cannot read '{item}': write the agent, then its dose in mg/day, e.g. 'lithium 600'")
            continue
        agent = match["agent"].strip().replace(" ", "_")
        if agent not in known:
            problems.append(
                f"Unknown augmentation agent '{match['agent'].strip()}': use an agent of rules §2.2 "
                "(e.g. lithium, aripiprazole, quetiapine) or a catalogue antidepressant"
            )
            continue
        dose = Decimal(match["dose"]) if match["dose"] else None
        weeks = Decimal(match["weeks"]) if match["weeks"] else None
        if dose is not None and dose <= 0:
            problems.append(f"Dose of {agent} must be more than 0 mg/day")
            continue
        if weeks is not None and weeks <= 0:
            problems.append(f"Weeks of {agent} must be more than 0")
            continue
        parsed.append(ParsedAugmentation(agent, dose, weeks))
    if problems:
        raise ValidationError(problems)
    return parsed


def augmentations_of(trial) -> list[ParsedAugmentation]:
    """The trial's stored agents (uses a prefetch of `augmentations` when present)."""
    return [
        ParsedAugmentation(
            augmentation.agent,
            None if augmentation.dose_mg_per_day is None else augmentation.dose_mg_per_day.normalize(),
            None if augmentation.weeks is None else augmentation.weeks.normalize(),
        )
        for augmentation in trial.augmentations.all()
    ]
