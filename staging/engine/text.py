"""Small wording helpers shared by the explanations, the page and the PDF (rules §7).

No clinical logic and no code→words tables here (those live in the vocabulary): only how a
number, a count or an augmentation agent is written, so that every place writes them alike.
"""

from __future__ import annotations

from decimal import Decimal


def number(value: float | int | Decimal) -> str:
    """How a clinician writes a dose, a duration or a percentage: 25.0 -> "25", 7.5 -> "7.5",
    Decimal("150.00") -> "150" (a stored DecimalField), never "1E+2"."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".10g")
    return str(value)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """plural(1, "trial") -> "1 trial", plural(3, "trial") -> "3 trials", plural(4213, "error") -> "4,213 errors"."""
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def join_words(words) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def augmentation_text(agent: str, dose_mg_per_day=None, weeks=None) -> str:
    """An augmentation agent as the page, the PDF and the entry form write it (rules §2.2):
    "lithium 800 mg/day for 6 weeks", "aripiprazole 5 mg/day", "lithium".

    The entry form's parser reads this text back, so it is also how stored agents are shown
    for editing."""
    text = agent
    if dose_mg_per_day is not None:
        text += f" {number(dose_mg_per_day)} mg/day"
    if weeks is not None:
        text += f" for {number(weeks)} weeks"
    return text
