"""Education: the termly funded two-year-old list and termly school attendance.

Attendance covers every pupil of compulsory school age (Years 1-11) for every term that
ended in the window: this is the bulk of the rows (about 9 per child), drawn as whole
arrays per term. Children open to early help miss more school (about 40% persistently
absent against about 18% of all pupils).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.population import Persons
from pipelines.synthetic.reference import LOCALITIES
from pipelines.synthetic.timeline import YEAR, Term, Window, add_years, day

SESSIONS = {"AUT": 142, "SPR": 116, "SUM": 124}
TERM_ABSENCE = {"AUT": 0.95, "SPR": 1.1, "SUM": 0.95}
EARLY_HELP_ABSENCE = 1.95


@dataclass
class TwoYearOlds:
    term: np.ndarray  # '2025-SPR'
    person: np.ndarray
    registered: np.ndarray


@dataclass
class Attendance:
    person: np.ndarray
    academic_year: np.ndarray  # index into ``years``
    term: np.ndarray  # AUT / SPR / SUM
    possible: np.ndarray
    missed: np.ndarray
    years: list[str]  # academic year of each term's rows


def two_year_olds(rng, persons: Persons, window: Window, terms: list[Term]) -> TwoYearOlds:
    """Eligible from the term after the second birthday until the term after the third."""
    second = add_years(persons.dob, 2)
    third = add_years(persons.dob, 3)
    takeup = np.array([lo.takeup for lo in LOCALITIES])
    trend = np.array([lo.takeup_trend for lo in LOCALITIES])
    parts = []
    for term in terms:
        on_list = np.flatnonzero(persons.disadvantaged & (second < term.first) & (third >= term.first))
        t = float(window.elapsed_years(np.array([term.first]))[0])
        loc = persons.locality[on_list]
        p = np.clip(takeup[loc] + trend[loc] * t, 0.3, 0.95)
        parts.append((np.full(len(on_list), term.two_year_term, dtype=object), on_list,
                      rng.random(len(on_list)) < p))
    if not parts:
        return TwoYearOlds(np.zeros(0, object), np.zeros(0, np.int64), np.zeros(0, bool))
    return TwoYearOlds(*(np.concatenate([part[i] for part in parts]) for i in range(3)))


def open_in(episodes, n_persons: int, first: int, last: int) -> np.ndarray:
    """Persons with an early help episode open on any day of [first, last]."""
    end = np.nan_to_num(episodes.end, nan=np.inf)
    hit = (episodes.start <= last) & (end > first)
    mask = np.zeros(n_persons, bool)
    mask[episodes.person[hit]] = True
    return mask


def attendance(rng, persons: Persons, window: Window, terms: list[Term], episodes,
               progress=None) -> Attendance:
    parts, labels = [], []
    for term in terms:
        if term.last > window.last:
            continue
        year_start = int(term.academic_year[:4])
        # Years 1-11: aged 5 to 15 on 31 August before the academic year
        aug31 = day(dt.date(year_start, 8, 31))
        age = (aug31 - persons.dob) / YEAR
        pupils = np.flatnonzero((age >= 5) & (age < 16))
        n = len(pupils)
        base = SESSIONS[term.label]
        movers = rng.random(n) < 0.05
        possible = np.where(movers, rng.integers(10, base - 9, n), base - rng.integers(0, 3, n))
        t = float(window.elapsed_years(np.array([term.first]))[0])
        eh = open_in(episodes, len(persons), term.first, term.last)[pupils]
        rate = (persons.absence[pupils] * TERM_ABSENCE[term.label] * (1.0 - 0.02 * t)
                * np.exp(rng.normal(0, 0.35, n)) * np.where(eh, EARLY_HELP_ABSENCE, 1.0))
        missed = rng.binomial(possible, np.clip(rate, 0, 0.95))
        parts.append((pupils, np.full(n, len(parts), dtype=np.int16),
                      np.full(n, term.label, dtype="<U3"), possible, missed))
        labels.append(term.academic_year)
        if progress:
            progress(f"attendance {term.academic_year} {term.label}: {n:,} pupils")
    if not parts:
        empty = np.zeros(0, np.int64)
        return Attendance(empty, np.zeros(0, np.int16), np.zeros(0, "<U3"), empty, empty, [])
    return Attendance(*(np.concatenate([part[i] for part in parts]) for i in range(5)), labels)
