"""Small wording helpers shared by the explanations (rules §7). No clinical logic here."""

from __future__ import annotations


def number(value: float | int) -> str:
    """25.0 -> "25", 7.5 -> "7.5", 79.9 -> "79.9": how a clinician writes a dose or a percentage."""
    kind = type(value)
    if kind is not float and kind is not int:  # e.g. Decimal("7.50") == 7.5 but is written "7.50"
        return _number_text(value)
    text = _NUMBER_TEXT.get(value)
    if text is None:
        text = _number_text(value)
        if len(_NUMBER_TEXT) < _NUMBER_TEXT_MAX:
            _NUMBER_TEXT[value] = text
    return text


def _number_text(value: float | int) -> str:
    if type(value) is int:
        return str(value)
    if value == int(value):
        return str(int(value))
    return format(value, ".10g")


# Doses, weeks and percentages repeat from record to record: each is written once. An int and a
# float that compare equal (25 and 25.0) have the same text, so they may share an entry (other
# number types are not cached); the cap keeps a long-running process from growing it unbounded.
_NUMBER_TEXT: dict[float | int, str] = {}
_NUMBER_TEXT_MAX = 10_000


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def join_words(words) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    if type(words) is not list:
        words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]

