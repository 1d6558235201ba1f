"""Calendar arithmetic as the rules count: calendar months and whole years (rules §4.2, §5, §9).

"Onset + 12 months" is a calendar date, not 365 days, and a day the target month lacks maps to
its last day (31 January + 1 month = 28 or 29 February; rules §4.2). Every count of months or
years in the application (durations, chronicity, ages, the timeline's ticks, demo dates) goes
through these functions so that the page, the PDF and the engine agree on the same day.
"""

from __future__ import annotations

import calendar
from datetime import date

__all__ = ["add_months", "add_years", "age_on", "months_between"]


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative goes back); a 31st maps to the month's last day.

    Past the calendar's ends (years 1 and 9999) the result stays at date.min or date.max: every
    comparison the rules make ("assessed_on <= onset + 12 months") still comes out right, and a
    mistyped year stored in the database cannot make a patient unusable.
    """
    year, month_zero_based = divmod(day.year * 12 + day.month - 1 + months, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    month = month_zero_based + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """`day` moved by whole years; 29 February maps to 28 February in a common year."""
    return add_months(day, 12 * years)


def months_between(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end`: the largest n with add_months(start, n) <= end.

    Negative when `end` is before `start`. 31 January to 28 February is one month, as rules §4.2
    counts it.
    """
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:  # the day of the month is not reached yet
        return months - 1
    return months


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (rules §1.1): one more on each birthday; a 29 February birthday
    falls on 28 February in a common year."""
    return months_between(date_of_birth, day) // 12
