"""Small wording helpers shared by the explanations (rules §7). No clinical logic here."""

from __future__ import annotations


def number(value: float | int) -> str:
    """25.0 -> "25", 7.5 -> "7.5", 79.9 -> "79.9": how a clinician writes a dose or a percentage."""
    if type(value) is int:
        return str(value)
    if value == int(value):
        return str(int(value))
    return format(value, ".10g")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def join_words(words) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


ROMAN = ("0", "I", "II", "III", "IV", "V")
