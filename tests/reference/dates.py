"""Calendar arithmetic as spec/indicators.md defines it (Common terms, Edge rules)."""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, the day clamped to the month's length (2024-02-29 - 12 months = 2023-02-28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_start(end: dt.date) -> dt.date:
    """First day of the rolling 12 months ending with ``end``'s month."""
    return add_months(dt.date(end.year, end.month, 1), -11)


def month_ends_before(end: dt.date, months: int) -> dt.date:
    """The month end ``months`` calendar months before ``end``'s month."""
    first = add_months(dt.date(end.year, end.month, 1), -months)
    return month_end(first.year, first.month)


def monthly_periods(earliest: dt.date | None, as_at: dt.date) -> list[dt.date]:
    """Month ends from the first whose rolling 12 months start on or after ``earliest``
    up to (and including) the last month end on or before ``as_at``."""
    if earliest is None:
        return []
    # the first month starting on or after the earliest date opens the first window
    first_start = earliest if earliest.day == 1 else add_months(dt.date(earliest.year, earliest.month, 1), 1)
    cursor = add_months(first_start, 11)
    periods = []
    while True:
        end = month_end(cursor.year, cursor.month)
        if end > as_at:
            return periods
        periods.append(end)
        cursor = add_months(cursor, 1)


TWO_YEAR_TERM_END = {"SPR": (3, 31), "SUM": (7, 31), "AUT": (12, 31)}


def two_year_term_end(term: str) -> dt.date | None:
    """'2025-SPR' -> 2025-03-31; None when the text is not a term."""
    try:
        year, name = term.strip().upper().split("-")
        month, day = TWO_YEAR_TERM_END[name]
        return dt.date(int(year), month, day)
    except (ValueError, KeyError, AttributeError):
        return None


def school_term_bounds(academic_year: str, term: str) -> tuple[dt.date, dt.date] | None:
    """('2024/25', 'AUT') -> (2024-09-01, 2024-12-31); SPR 1 Jan-31 Mar, SUM 1 Apr-31 Jul."""
    try:
        first = int(academic_year.strip()[:4])
        name = term.strip().upper()
    except (ValueError, AttributeError):
        return None
    if name == "AUT":
        return dt.date(first, 9, 1), dt.date(first, 12, 31)
    if name == "SPR":
        return dt.date(first + 1, 1, 1), dt.date(first + 1, 3, 31)
    if name == "SUM":
        return dt.date(first + 1, 4, 1), dt.date(first + 1, 7, 31)
    return None


def working_days_after(start: dt.date, end: dt.date, holidays: list[dt.date]) -> int:
    """Weekdays that are not bank holidays in (start, end]: the start day is not counted."""
    begin = start + dt.timedelta(days=1)
    stop = end + dt.timedelta(days=1)
    return int(np.busday_count(begin, stop, holidays=[np.datetime64(h) for h in holidays]))
