"""The data window and its calendar: days as integers, seasons, trends, school terms.

Dates are held as int64 days since 1970-01-01 so that whole columns can be shifted and
compared with numpy; they become text only when an extract is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

EPOCH = dt.date(1970, 1, 1)
YEAR = 365.25

# Referrals dip in the school holidays (August, late December) and peak in the autumn.
MONTH_SEASON = np.array([0.95, 1.0, 1.05, 0.95, 1.0, 1.0, 1.05, 0.75, 1.05, 1.1, 1.1, 0.9])


def day(d: dt.date) -> int:
    return (d - EPOCH).days


def years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def default_end_date(today: dt.date | None = None) -> dt.date:
    """The last day of the previous month (the output then only changes monthly)."""
    today = today or dt.date.today()
    return today.replace(day=1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    # steady: no trends and no seasons, every month drawn from the same rates (for checking
    # that SPC signals mean something: on a steady partnership they are false alarms)
    steady: bool = False
    # an injected step change: from this date, referrals end in no further action this many
    # percentage points more often (for checking that the charts find a real change)
    nfa_step: tuple[dt.date, float] | None = None

    @classmethod
    def of(cls, end: dt.date, years: int, steady: bool = False,
           nfa_step: tuple[dt.date, float] | None = None) -> Window:
        return cls(years_before(end + dt.timedelta(days=1), years), end, steady, nfa_step)

    def earlier(self, years: int) -> Window:
        """The same end, starting ``years`` earlier (for a burn-in before the data begins)."""
        return Window(years_before(self.start, years), self.end, self.steady, self.nfa_step)

    def nfa_extra(self, days: np.ndarray) -> np.ndarray:
        """The injected step in the NFA probability for events on ``days`` (0 without one)."""
        if self.nfa_step is None:
            return np.zeros(len(days))
        since, points = self.nfa_step
        return np.where(np.asarray(days) >= day(since), points / 100.0, 0.0)

    @property
    def first(self) -> int:
        return day(self.start)

    @property
    def last(self) -> int:
        return day(self.end)

    @property
    def days(self) -> np.ndarray:
        return np.arange(self.first, self.last + 1, dtype=np.int64)

    @property
    def calendar_years(self) -> range:
        return range(self.start.year, self.end.year + 1)

    def elapsed_years(self, days: np.ndarray) -> np.ndarray:
        """Years since the window's start (the clock that trends run on; stopped when steady)."""
        if self.steady:
            return np.zeros(np.shape(days))
        return (np.asarray(days) - self.first) / YEAR

    def daily_weights(self, weekend: float = 0.25) -> np.ndarray:
        """Relative intensity of each day for events such as referrals."""
        d = self.days.astype("datetime64[D]")
        months = d.astype("datetime64[M]").astype(np.int64) % 12
        weekday = (self.days + 3) % 7  # 1970-01-01 was a Thursday: Monday = 0
        season = np.ones(len(months)) if self.steady else MONTH_SEASON[months]
        return season * np.where(weekday >= 5, weekend, 1.0)


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """Calendar-year shift (29 February lands on 1 March in a common year, close enough)."""
    d = np.asarray(days).astype("datetime64[D]")
    months = d.astype("datetime64[M]") + 12 * years
    offset = d - d.astype("datetime64[M]")
    return (months.astype("datetime64[D]") + offset).astype(np.int64)


@dataclass(frozen=True)
class Term:
    label: str  # AUT / SPR / SUM
    academic_year: str  # 2024/25
    two_year_term: str  # 2024-AUT
    first: int
    last: int


def terms(window: Window) -> list[Term]:
    """School terms (AUT 1 Sep-31 Dec, SPR 1 Jan-31 Mar, SUM 1 Apr-31 Jul) that start in
    the window, oldest first."""
    out = []
    for year in range(window.start.year - 1, window.end.year + 1):
        ay = f"{year}/{(year + 1) % 100:02d}"
        for label, start, end in (
            ("AUT", dt.date(year, 9, 1), dt.date(year, 12, 31)),
            ("SPR", dt.date(year + 1, 1, 1), dt.date(year + 1, 3, 31)),
            ("SUM", dt.date(year + 1, 4, 1), dt.date(year + 1, 7, 31)),
        ):
            if window.start <= start <= window.end:
                out.append(Term(label, ay, f"{start.year}-{label}", day(start), day(end)))
    return out
