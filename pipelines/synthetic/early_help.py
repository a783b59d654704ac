"""Early help episodes (partner-led, self-referred, step-downs from social care) and the
neglect assessment tools (GCP2, WeCAN, Neglect Toolkit) with their rescores.

Early help runs before social care is drawn: episodes that end by stepping up to social
care become referrals (with the lead agency's referral source).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.synthetic.population import AGE_18, Persons
from pipelines.synthetic.reference import AGENCIES, LOCALITIES
from pipelines.synthetic.timeline import Window

NA = np.nan
EPISODES_PER_CHILD_YEAR = 0.024
AGE_WEIGHTS = np.array([8, 7, 6, 6, 7, 8, 8, 8, 8, 7, 7, 7, 6, 6, 5, 4, 2, 1.0])
LEAD = ("SCHOOLS", "EARLY_HELP", "HEALTH", "EARLY_YEARS", "VCS", "HOUSING", "POLICE")
LEAD_P = np.array([0.34, 0.28, 0.15, 0.10, 0.08, 0.03, 0.02])
STEP_DOWN_LEAD_P = np.array([0.25, 0.55, 0.08, 0.04, 0.08, 0.0, 0.0])
SOURCES = ("CSC_STEP_DOWN", "PARTNER", "SELF", "OTHER")
END_REASONS = ("OUTCOMES_MET", "STEP_UP_CSC", "DISENGAGED", "MOVED", "OTHER")
TOOLS = ("GCP2", "WECAN", "NTK")


@dataclass
class Episodes:
    person: np.ndarray
    lead: np.ndarray  # agency code
    start: np.ndarray
    assessment: np.ndarray  # float, NaN blank
    end: np.ndarray  # float, NaN open
    neglect: np.ndarray  # bool
    neglect_blank: np.ndarray
    source: np.ndarray
    end_reason: np.ndarray  # object, None while open


@dataclass
class ToolAssessments:
    person: np.ndarray
    tool: np.ndarray
    agency: np.ndarray
    completed: np.ndarray
    grades: np.ndarray  # (n, 5) float: overall, physical, safety, emotional, developmental


def _episodes(rng, persons: Persons, window: Window, person, start, lead, source, neglect):
    n = len(person)
    loc = persons.locality[person]
    t = window.elapsed_years(start)
    length = np.maximum(np.round(160 * np.exp(rng.normal(0, 0.55, n))), 14).astype(np.int64)
    end = (start + length).astype(np.float64)
    end[end > window.last] = NA
    assessed = start + rng.integers(0, 36, n)
    assessment = np.where((rng.random(n) < 0.92) & (assessed <= np.nan_to_num(end, nan=np.inf))
                          & (assessed <= window.last), assessed, NA)
    # neglect work ends well more often as the strategy beds in (and better in some places)
    met = np.clip(0.50 + 0.03 * t - 0.04 * (loc == 0) + 0.05 * (loc == 3), 0.3, 0.8)
    met = np.where(neglect, met, 0.62)
    u = rng.random(n)
    reason = np.select([u < met, u < met + 0.10, u < met + 0.24, u < met + 0.29],
                       list(END_REASONS[:4]), END_REASONS[4]).astype(object)
    reason[np.isnan(end)] = None
    return Episodes(person, lead, start, assessment, end, neglect, rng.random(n) < 0.03,
                    source, reason)


def partner_episodes(rng, persons: Persons, children: int, window: Window) -> Episodes:
    """Early help started by partners and families, more of it each year."""
    days = window.days
    weights = window.daily_weights(weekend=0.05)
    t = window.elapsed_years(days)
    people, starts = [], []
    for i, loc in enumerate(LOCALITIES):
        # places that refer less to social care do more early help
        intensity = weights * (1.6 - 0.6 * loc.referral_rate) * (1 + 0.05 * t)
        expected = (EPISODES_PER_CHILD_YEAR * children * loc.share * intensity.sum()
                    / weights.mean() / 365.25)
        n = rng.poisson(expected)
        start = rng.choice(days, size=n, p=intensity / intensity.sum())
        age = (rng.choice(18, n, p=AGE_WEIGHTS / AGE_WEIGHTS.sum()) * 365.25
               + rng.random(n) * 365).astype(np.int64)
        people.append(persons.pick(rng, np.full(n, i), start - age))
        starts.append(start)
    person, start = np.concatenate(people), np.concatenate(starts)
    ok = start >= persons.dob[person]
    person, start = person[ok], start[ok]
    n = len(person)
    lead = np.array(LEAD, dtype=object)[rng.choice(len(LEAD), n, p=LEAD_P)]
    source = np.array(SOURCES[1:], dtype=object)[rng.choice(3, n, p=[0.75, 0.15, 0.10])]
    neglect_p = np.array([lo.neglect for lo in LOCALITIES])[persons.locality[person]] * 0.55
    return _episodes(rng, persons, window, person, start, lead, source,
                     rng.random(n) < neglect_p)


def step_ups(rng, persons: Persons, window: Window, eh: Episodes):
    """Episodes closed as STEP_UP_CSC become referrals a few days later."""
    up = np.flatnonzero(eh.end_reason == "STEP_UP_CSC")
    date = eh.end[up].astype(np.int64) + rng.integers(0, 8, len(up))
    person = eh.person[up]
    ok = (date <= window.last) & (date - persons.dob[person] < AGE_18)
    sources = {a.code: (a.referral_sources[0] if a.referral_sources else "5D") for a in AGENCIES}
    leads, which = np.unique(eh.lead[up].astype(str), return_inverse=True)
    src = np.array([sources[c] for c in leads], dtype=object)[which]
    return person[ok], date[ok], src[ok]


def with_step_downs(rng, persons: Persons, window: Window, eh: Episodes, step_down) -> Episodes:
    person, start, neglect = step_down
    n = len(person)
    lead = np.array(LEAD, dtype=object)[rng.choice(len(LEAD), n, p=STEP_DOWN_LEAD_P)]
    down = _episodes(rng, persons, window, person, start, lead,
                     np.full(n, SOURCES[0], dtype=object), neglect & (rng.random(n) < 0.85))
    fields = Episodes.__dataclass_fields__
    merged = Episodes(**{f: np.concatenate([getattr(eh, f), getattr(down, f)]) for f in fields})
    order = np.lexsort((merged.person, merged.start))
    return Episodes(**{f: getattr(merged, f)[order] for f in fields})


def neglect_tools(rng, persons: Persons, window: Window, eh: Episodes, csc_person,
                  csc_start) -> ToolAssessments:
    """A first tool for most neglect early help and some social care neglect assessments,
    then rescores a few months apart that usually show improvement."""
    pick = eh.neglect & (rng.random(len(eh.person)) < 0.65)
    person = np.concatenate([eh.person[pick], csc_person])
    first = np.concatenate([eh.start[pick] + rng.integers(0, 46, pick.sum()),
                            csc_start + rng.integers(0, 21, len(csc_person))])
    agency = np.concatenate([eh.lead[pick], np.full(len(csc_person), "CSC", dtype=object)])
    n = len(person)
    # Westfell uses the Neglect Toolkit, elsewhere mostly GCP2
    westfell = persons.locality[person] == 3
    tool = np.where(westfell, rng.choice(3, n, p=[0.3, 0.1, 0.6]), rng.choice(3, n, p=[0.78, 0.17, 0.05]))
    rescores = rng.choice(4, n, p=[0.42, 0.33, 0.17, 0.08])
    rows = np.repeat(np.arange(n), rescores + 1)
    start_of = np.cumsum(rescores + 1) - (rescores + 1)
    k = np.arange(len(rows)) - start_of[rows]  # 0 = first, 1.. = rescores
    gap = np.where(k > 0, rng.integers(60, 151, len(rows)), 0)
    total = np.cumsum(gap)
    cum_gap = total - total[start_of][rows]  # days since the first assessment
    completed = first[rows] + cum_gap
    g0 = rng.choice(5, n, p=[0.03, 0.12, 0.35, 0.33, 0.17]) + 1
    delta = np.where(k > 0, rng.choice([-2, -1, 0, 1], len(rows), p=[0.14, 0.46, 0.27, 0.13]), 0)
    running = np.cumsum(delta)
    base = running[start_of][rows]
    overall = np.clip(g0[rows] + running - base, 1, 5)
    areas = np.clip(overall[:, None] + rng.choice([-1, 0, 0, 1], (len(rows), 4)), 1, 5)
    grades = np.column_stack([overall, areas]).astype(np.float64)
    grades[rng.random(len(rows)) < 0.04, 0] = NA
    grades[:, 1:][rng.random((len(rows), 4)) < 0.05] = NA
    # area grades are GCP2's; other tools usually record only an overall level
    other = (tool[rows] != 0)[:, None] & (rng.random((len(rows), 4)) < 0.8)
    grades[:, 1:][other] = NA
    keep = (completed <= window.last)
    return ToolAssessments(person[rows][keep], np.array(TOOLS, dtype=object)[tool[rows]][keep],
                           agency[rows][keep], completed[keep], grades[keep])
