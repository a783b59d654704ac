"""Children's social care: referrals, assessments, CIN plans, CP plans, periods of care.

A referral's journey is drawn as a whole, column by column (no loop over records):
referral -> (NFA) or assessment -> NFA (RC8) / step-down to early help (RC9) / CIN plan /
CP plan / care, then closure. Rates are set close to England's published figures
(Children in need, year to 31 March 2025): about 500 referrals per 10,000 children a year,
one in five a re-referral within 12 months, about 40 per 10,000 on a CP plan, half of them
under neglect, a quarter of plans second or subsequent, four in five assessments within 45
working days. Localities and years differ so the dashboard has something to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.synthetic.population import AGE_18, BURN_IN_YEARS, Persons
from pipelines.synthetic.reference import LOCALITIES, REFERRAL_SOURCES
from pipelines.synthetic.timeline import Window

NA = np.nan
REFERRALS_PER_CHILD_YEAR = 0.047  # plus early help step-ups: about 500 per 10,000 in all
# age at referral (years 0-17): babies and teenagers are referred most
AGE_WEIGHTS = np.array([12, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6.5, 7, 7, 6.5, 5.0])
SOURCE_CODES = [c for c, _p in REFERRAL_SOURCES]
SOURCE_P = np.array([p for _c, p in REFERRAL_SOURCES]) / sum(p for _c, p in REFERRAL_SOURCES)
# Other assessment factors (16A, neglect, is added from the referral's concern).
FACTORS = ("1B", "2B", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "6A", "8B", "8C", "8F",
           "9A", "10A", "11A", "14A", "18B", "18C", "19A", "19B", "20", "22A", "24A")
FACTOR_P = np.array([.10, .10, .06, .16, .06, .03, .18, .03, .02, .03, .03, .04, .03,
                     .02, .03, .02, .08, .03, .03, .02, .02, .02, .02, .02])
CP_OTHER = ("PHY", "EMO", "SAB", "MUL")
CP_OTHER_P = np.array([0.23, 0.50, 0.08, 0.19])
CARE_NEED = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8")
CARE_NEED_P = np.array([0.64, 0.06, 0.04, 0.14, 0.06, 0.03, 0.01, 0.02])
PRIMARY_NEED = ("N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
OTHER_NEED_P = np.array([0.02, 0.0, 0.12, 0.05, 0.25, 0.22, 0.05, 0.02, 0.02, 0.25])


@dataclass
class Referrals:
    person: np.ndarray
    date: np.ndarray  # int days
    source: np.ndarray  # CIN source code text
    neglect: np.ndarray  # the concern is neglect (latent)
    nfa: np.ndarray
    primary_need: np.ndarray
    closure: np.ndarray  # float days, NaN = open
    closure_reason: np.ndarray  # object, None = open


@dataclass
class Assessments:
    referral: np.ndarray  # index into Referrals
    start: np.ndarray
    authorised: np.ndarray  # float, NaN = not yet
    factors: np.ndarray  # object: '16A;4B'


@dataclass
class Plans:
    referral: np.ndarray
    person: np.ndarray
    start: np.ndarray
    end: np.ndarray  # float, NaN = open
    category: np.ndarray | None = None  # CP initial category
    latest: np.ndarray | None = None
    previous: np.ndarray | None = None  # previous_cp_plans (float, NaN = blank)


@dataclass
class Csc:
    referrals: Referrals
    assessments: Assessments
    cin: Plans
    cp: Plans
    care: Plans  # looked-after periods (category in ``category``)
    step_downs: tuple[np.ndarray, np.ndarray, np.ndarray]  # person, early help start, neglect


def _lognormal_days(rng, median: float, sigma: float, n: int, least: int = 1) -> np.ndarray:
    return np.maximum(np.round(median * np.exp(rng.normal(0, sigma, n))), least).astype(np.int64)


def _by_locality(values, locality: np.ndarray) -> np.ndarray:
    return np.array(values, dtype=np.float64)[locality]


def index_referrals(rng, persons: Persons, children: int, window: Window):
    """First referrals of each chain: a date (season, weekday, locality trend) and a child
    of a plausible age in that locality (some before birth). Chains start in burn-in years
    before the window, so that re-referrals are at their steady level from the first day
    (the burn-in referrals themselves are not written)."""
    burn_in = window.earlier(BURN_IN_YEARS)
    days = burn_in.days
    weights = burn_in.daily_weights()
    t = window.elapsed_years(days)
    person_parts, date_parts = [], []
    for i, loc in enumerate(LOCALITIES):
        intensity = weights * loc.referral_rate * np.maximum(1 + loc.referral_trend * t, 0.2)
        expected = (REFERRALS_PER_CHILD_YEAR * (1 - loc.rereferral) * children * loc.share
                    * intensity.sum() / weights.mean() / 365.25)
        n = rng.poisson(expected)
        date = rng.choice(days, size=n, p=intensity / intensity.sum())
        age_year = rng.choice(len(AGE_WEIGHTS), size=n, p=AGE_WEIGHTS / AGE_WEIGHTS.sum())
        age = (age_year * 365.25 + rng.random(n) * 365).astype(np.int64)
        unborn = (age_year == 0) & (rng.random(n) < 0.06)
        age = np.where(unborn, -rng.integers(10, 90, size=n), age)
        person = persons.pick(rng, np.full(n, i), date - age)
        person_parts.append(person)
        date_parts.append(date)
    return np.concatenate(person_parts), np.concatenate(date_parts)


def referral_chains(rng, persons: Persons, window: Window, person: np.ndarray,
                    date: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each referral may be followed by another of the same child (a few children very
    often): about 70% of follow-ups come within 12 months, a few on the same day."""
    loc = persons.locality[person]
    t = window.elapsed_years(date)
    rate = np.array([lo.rereferral for lo in LOCALITIES])[loc]
    trend = np.array([lo.rereferral_trend for lo in LOCALITIES])[loc]
    frequent = rng.random(len(person)) < 0.04
    q = np.clip((rate + trend * t) * np.where(frequent, 2.3, 1.0), 0.02, 0.85)
    people, dates = [person], [date]
    while len(person):
        go = rng.random(len(person)) < q
        person, date, q = person[go], date[go], q[go]
        u = rng.random(len(person))
        soon = 1 + np.minimum(rng.exponential(100, len(person)), 364).astype(np.int64)
        later = 366 + rng.exponential(300, len(person)).astype(np.int64)
        date = date + np.where(u < 0.02, 0, np.where(u < 0.72, soon, later))
        # after the end of the window, or aged 18 by then: the chain stops
        keep = (date <= window.last) & (date - persons.dob[person] < AGE_18)
        person, date, q = person[keep], date[keep], q[keep]
        people.append(person)
        dates.append(date)
    return np.concatenate(people), np.concatenate(dates)


def _factor_text(rng, neglect_factor: np.ndarray) -> np.ndarray:
    """'16A;4B'-style lists; '21' (no factors) for a few assessments with nothing found."""
    n = len(neglect_factor)
    chosen = rng.random((n, len(FACTORS))) < FACTOR_P * 1.2
    parts = [pc.if_else(pa.array(neglect_factor), "16A;", "")]
    parts += [pc.if_else(pa.array(chosen[:, j].copy()), code + ";", "") for j, code in enumerate(FACTORS)]
    text = pc.utf8_rtrim(pc.binary_join_element_wise(*parts, ""), ";")
    text = text.to_numpy(zero_copy_only=False).astype(object)
    empty = text == ""
    fallback = np.array(FACTORS, dtype=object)[rng.choice(len(FACTORS), n, p=FACTOR_P / FACTOR_P.sum())]
    return np.where(empty, np.where(rng.random(n) < 0.25, "21", fallback), text)


def working_days_after(start: np.ndarray, n: np.ndarray, holidays: np.ndarray) -> np.ndarray:
    return np.busday_offset(start.astype("datetime64[D]"), n, roll="forward",
                            holidays=holidays).astype(np.int64)


def make_csc(rng, persons: Persons, children: int, window: Window, holidays: np.ndarray,
             step_up: tuple[np.ndarray, np.ndarray, np.ndarray]) -> Csc:
    """Referral journeys, then for about one ended CP plan in eight a new referral of the
    child some months later that usually leads to another plan (so that repeat plans within
    two years exist in the data, not only plans held before it)."""
    person, date = index_referrals(rng, persons, children, window)
    source = np.array(SOURCE_CODES, dtype=object)[rng.choice(len(SOURCE_CODES), len(person), p=SOURCE_P)]
    up_person, up_date, up_source = step_up
    base = journeys(rng, persons, window, holidays, np.r_[person, up_person],
                    np.r_[date, up_date], np.r_[source, up_source], forced=False)
    cp = base.cp
    again = ~np.isnan(cp.end) & (rng.random(len(cp.person)) < 0.13)
    when = np.nan_to_num(cp.end[again]).astype(np.int64) + rng.integers(30, 700, again.sum())
    ok = (when <= window.last) & (when - persons.dob[cp.person[again]] < AGE_18)
    replan = journeys(rng, persons, window, holidays, cp.person[again][ok], when[ok],
                      np.full(ok.sum(), "6", dtype=object), forced=True)
    return _merge(rng, base, replan)


def _merge(rng, a: Csc, b: Csc) -> Csc:
    """One Csc from two: referrals re-sorted by date and re-numbered, plans re-pointed, and
    CP plans that would overlap an earlier plan of the child dropped."""
    ra, rb = a.referrals, b.referrals
    fields = list(Referrals.__dataclass_fields__)
    both = {f: np.concatenate([getattr(ra, f), getattr(rb, f)]) for f in fields}
    order = np.lexsort((both["person"], both["date"]))
    new_index = np.empty(len(order), dtype=np.int64)
    new_index[order] = np.arange(len(order))
    map_a, map_b = new_index[:len(ra.person)], new_index[len(ra.person):]
    referrals = Referrals(**{f: both[f][order] for f in fields})
    assessments = Assessments(
        np.r_[map_a[a.assessments.referral], map_b[b.assessments.referral]],
        *(np.concatenate([getattr(a.assessments, f), getattr(b.assessments, f)])
          for f in ("start", "authorised", "factors")))

    def plans(pa_: Plans, pb: Plans) -> Plans:
        out = {"referral": np.r_[map_a[pa_.referral], map_b[pb.referral]]}
        for f in ("person", "start", "end", "category", "latest", "previous"):
            x, y = getattr(pa_, f), getattr(pb, f)
            out[f] = None if x is None else np.concatenate([x, y])
        return Plans(**out)

    cp = plans(a.cp, b.cp)
    order = np.lexsort((cp.start, cp.person))
    cp = Plans(**{f: (None if v is None else v[order]) for f, v in vars(cp).items()})
    same = np.r_[False, cp.person[1:] == cp.person[:-1]]
    open_ended = np.nan_to_num(cp.end, nan=9e6)  # an open plan ends "far ahead"
    clash = same & (cp.start <= _previous_running_max(cp.person, open_ended))
    cp = Plans(**{f: (None if v is None else v[~clash]) for f, v in vars(cp).items()})
    cp.previous = _previous_plans(rng, cp.person, cp.start)
    step = tuple(np.concatenate([x, y]) for x, y in zip(a.step_downs, b.step_downs, strict=True))
    return Csc(referrals, assessments, plans(a.cin, b.cin), cp, plans(a.care, b.care), step)


def journeys(rng, persons: Persons, window: Window, holidays: np.ndarray, person, date, source,
             forced: bool) -> Csc:
    """Each referral's journey. ``forced``: referrals of a child whose CP plan ended (no
    follow-up chains; most lead to a plan again)."""
    if forced:
        person2, date2 = person, date
    else:
        person2, date2 = referral_chains(rng, persons, window, person, date)
    # follow-ups come from any source
    extra = len(person2) - len(person)
    source = np.concatenate([
        source,
        np.array(SOURCE_CODES, dtype=object)[rng.choice(len(SOURCE_CODES), extra, p=SOURCE_P)]])
    in_window = date2 >= window.first
    person2, date2, source = person2[in_window], date2[in_window], source[in_window]
    order = np.lexsort((person2, date2))
    person, date, source = person2[order], date2[order], source[order]
    n = len(person)
    loc = persons.locality[person]
    t = window.elapsed_years(date)
    neglect = rng.random(n) < _by_locality([lo.neglect for lo in LOCALITIES], loc)
    need_other = np.array(PRIMARY_NEED, dtype=object)[rng.choice(10, n, p=OTHER_NEED_P / OTHER_NEED_P.sum())]
    primary_need = np.where(neglect | (rng.random(n) < 0.25), "N1", need_other)

    # -- referral NFA or assessment
    nfa = (rng.random(n) < 0.075 + window.nfa_extra(date)) & (not forced)
    closure = np.full(n, NA)
    reason = np.full(n, None, dtype=object)
    nfa_close = date + rng.integers(0, 3, n)
    closure = np.where(nfa, nfa_close, closure)
    reason = np.where(nfa, "RC8", reason)

    assessed = np.flatnonzero(~nfa)
    a_start = working_days_after(date[assessed] + np.where(rng.random(len(assessed)) < 0.4, 0,
                                 rng.integers(1, 6, len(assessed))), np.zeros(len(assessed), np.int64),
                                 holidays)
    keep = a_start <= window.last
    assessed, a_start = assessed[keep], a_start[keep]
    na = len(assessed)
    a_loc = loc[assessed]
    a_t = t[assessed]
    p_timely = np.clip(_by_locality([lo.timely for lo in LOCALITIES], a_loc)
                       + _by_locality([lo.timely_trend for lo in LOCALITIES], a_loc) * a_t, 0.4, 0.98)
    timely = rng.random(na) < p_timely
    wd = np.where(timely, rng.integers(6, 46, na), 46 + rng.geometric(1 / 15, na))
    a_auth = working_days_after(a_start, wd, holidays).astype(np.float64)
    a_auth[a_auth > window.last] = NA
    a_neglect = neglect[assessed]
    factors = _factor_text(rng, a_neglect & (rng.random(na) < 0.85)
                           | ~a_neglect & (rng.random(na) < 0.04))
    assessments = Assessments(assessed, a_start, a_auth, factors)

    # -- what the assessment led to
    done = ~np.isnan(a_auth)
    auth = np.where(done, a_auth, 0).astype(np.int64)
    outcome = rng.choice(5, na, p=[0.436, 0.14, 0.33, 0.062, 0.032])  # RC8 RC9 CIN CP care
    outcome = np.where(done, outcome, -1)
    # a factors list of '21' (nothing found) only ever ends in NFA
    outcome = np.where(done & (factors == "21"), 0, outcome)
    if forced:
        outcome = np.where(done & (rng.random(na) < 0.6), 3, outcome)
    after = auth + rng.integers(0, 10, na)
    for code, k in (("RC8", 0), ("RC9", 1)):
        hit = assessed[outcome == k]
        closure[hit] = after[outcome == k]
        reason[hit] = code

    # step-downs to early help: most RC9 closures have an episode; RC7 closures below too
    rc9 = outcome == 1
    sd_person = [person[assessed[rc9]]]
    sd_start = [after[rc9] + rng.integers(-7, 29, rc9.sum())]
    sd_keep = [rng.random(rc9.sum()) < 0.75]
    sd_neglect = [a_neglect[rc9]]

    # CIN plans from the assessment; some escalate to CP
    cin_rows = np.flatnonzero(outcome == 2)
    cin_start = auth[cin_rows] + rng.integers(0, 15, len(cin_rows))
    cin_len = _lognormal_days(rng, 190, 0.6, len(cin_rows), 14)
    escalate = rng.random(len(cin_rows)) < np.where(a_neglect[cin_rows], 0.08, 0.04)
    esc_cp_start = cin_start + (cin_len * rng.uniform(0.2, 1.0, len(cin_rows))).astype(np.int64)
    cin_end = np.where(escalate, esc_cp_start - rng.integers(0, 8, len(cin_rows)), cin_start + cin_len)
    cin_end = np.maximum(cin_end, cin_start)

    # CP plans: direct, and escalations from CIN
    cp_rows = np.concatenate([np.flatnonzero(outcome == 3), cin_rows[escalate]])
    cp_start = np.concatenate([auth[outcome == 3] + rng.integers(3, 26, (outcome == 3).sum()),
                               esc_cp_start[escalate]])
    cp_ok = cp_start <= window.last
    cp_rows, cp_start = cp_rows[cp_ok], cp_start[cp_ok]
    cp_person = person[assessed[cp_rows]]
    cp_len = _lognormal_days(rng, 290, 0.65, len(cp_rows), 20)
    # two plans of one child may not overlap (CIN census 8940): a plan starting while an
    # earlier one is open is not made
    order = np.lexsort((cp_start, cp_person))
    cp_rows, cp_start, cp_person, cp_len = (x[order] for x in (cp_rows, cp_start, cp_person, cp_len))
    cp_end_all = cp_start + cp_len
    same = np.r_[False, cp_person[1:] == cp_person[:-1]]
    prev_end = _previous_running_max(cp_person, cp_end_all)
    clash = same & (cp_start <= prev_end)
    cp_rows, cp_start, cp_person, cp_end_all = (x[~clash] for x in (cp_rows, cp_start, cp_person, cp_end_all))
    cp_neglect = a_neglect[cp_rows]
    ncp = len(cp_rows)
    other = np.array(CP_OTHER, dtype=object)[rng.choice(4, ncp, p=CP_OTHER_P)]
    category = np.where(rng.random(ncp) < np.where(cp_neglect, 0.80, 0.10), "NEG", other)
    changed = rng.random(ncp) < 0.08
    latest = np.where(changed, np.where(category == "NEG", "MUL", "NEG"), category)
    cp_end = np.where(cp_end_all <= window.last, cp_end_all, NA)
    cp_ended = ~np.isnan(cp_end)

    # after a CP plan: step down to a CIN plan, or care, or closure
    after_cp = rng.choice(3, ncp, p=[0.55, 0.07, 0.38])
    post_cin = cp_ended & (after_cp == 0)
    post_care = cp_ended & (after_cp == 1)
    cin2_start = cp_end_all[post_cin]
    cin2_len = _lognormal_days(rng, 150, 0.5, post_cin.sum(), 14)

    cin = Plans(
        referral=assessed[np.concatenate([cin_rows, cp_rows[post_cin]])],
        person=person[assessed[np.concatenate([cin_rows, cp_rows[post_cin]])]],
        start=np.concatenate([cin_start, cin2_start]),
        end=np.concatenate([cin_end, cin2_start + cin2_len]).astype(np.float64),
    )
    live = cin.start <= window.last
    cin = Plans(cin.referral[live], cin.person[live], cin.start[live], cin.end[live])
    cin.end[cin.end > window.last] = NA

    # periods of care: from the assessment or at the end of a CP plan
    care_rows = np.concatenate([np.flatnonzero(outcome == 4), cp_rows[post_care]])
    care_start = np.concatenate([auth[outcome == 4] + rng.integers(0, 30, (outcome == 4).sum()),
                                 cp_end_all[post_care]])
    care_ok = care_start <= window.last
    care_rows, care_start = care_rows[care_ok], care_start[care_ok]
    care_len = _lognormal_days(rng, 560, 0.9, len(care_rows), 1)
    care_end = (care_start + care_len).astype(np.float64)
    care_end[care_end > window.last] = NA
    care_neglect = a_neglect[care_rows]
    need = np.array(CARE_NEED, dtype=object)[rng.choice(8, len(care_rows), p=CARE_NEED_P)]
    need = np.where(care_neglect & (rng.random(len(care_rows)) < 0.45), "N1", need)
    care = Plans(assessed[care_rows], person[assessed[care_rows]], care_start, care_end, need)

    # closures of the referrals that went on to plans or care: when the last of them ends
    last_end = np.full(n, -np.inf)
    still_open = np.zeros(n, bool)
    for plans in (cin, Plans(assessed[cp_rows], cp_person, cp_start, cp_end), care):
        ended = ~np.isnan(plans.end)
        np.maximum.at(last_end, plans.referral[ended], plans.end[ended])
        still_open[plans.referral[~ended]] = True
    planned = np.isfinite(last_end) & ~still_open
    close_at = last_end + rng.integers(0, 15, n)
    close_ok = planned & (close_at <= window.last)
    closure[close_ok] = close_at[close_ok]
    reason[close_ok] = np.array(("RC1", "RC3", "RC4", "RC5", "RC7"), dtype=object)[
        rng.choice(5, close_ok.sum(), p=[0.02, 0.03, 0.03, 0.04, 0.88])]
    # a plan that could not be made (it would overlap another): services cease
    planless = np.zeros(n, bool)
    planless[assessed[outcome >= 2]] = True
    planless &= ~np.isfinite(last_end) & ~still_open
    late = np.zeros(n)
    late[assessed] = auth + rng.integers(20, 60, na)
    planless &= late <= window.last
    closure[planless] = late[planless]
    reason[planless] = "RC7"
    # services ceased (RC7); a quarter go on to early help within -7..+28 days: step-downs
    rc7 = (close_ok | planless) & (reason == "RC7")
    sd = rc7 & (rng.random(n) < 0.25)
    sd_person.append(person[sd])
    sd_start.append(closure[sd].astype(np.int64) + rng.integers(-7, 29, sd.sum()))
    sd_keep.append(np.ones(sd.sum(), bool))
    sd_neglect.append(neglect[sd])
    closure[closure > window.last] = NA
    reason[np.isnan(closure)] = None

    cp = Plans(assessed[cp_rows], cp_person, cp_start, cp_end, category, latest,
               _previous_plans(rng, cp_person, cp_start))
    step_person = np.concatenate(sd_person)
    step_start = np.concatenate(sd_start)
    step_ok = np.concatenate(sd_keep) & (step_start <= window.last) & (step_start >= window.first)
    referrals = Referrals(person, date, source, neglect, nfa, primary_need, closure, reason)
    return Csc(referrals, assessments, cin, cp, care,
               (step_person[step_ok], step_start[step_ok], np.concatenate(sd_neglect)[step_ok]))


def _previous_running_max(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For rows sorted by group: the largest value of the earlier rows of the same group
    (-inf for a group's first row)."""
    n = len(values)
    if not n:
        return values.astype(np.float64)
    starts = np.r_[True, group[1:] != group[:-1]]
    # shift each group's values so that groups never mix under one running maximum
    gid = np.cumsum(starts) - 1
    offset = gid.astype(np.float64) * 1e7
    running = np.maximum.accumulate(values + offset) - offset
    prev = np.r_[-np.inf, running[:-1]]
    prev[starts] = -np.inf
    return prev


def _previous_plans(rng, person: np.ndarray, start: np.ndarray) -> np.ndarray:
    """previous_cp_plans: the child's earlier plans in the data plus, for about one child in
    five, plans held before the data begins or elsewhere (so ~23% are repeats once the
    data has a few years of history)."""
    order = np.lexsort((start, person))
    p = person[order]
    starts = np.r_[True, p[1:] != p[:-1]] if len(p) else np.zeros(0, bool)
    gid = np.cumsum(starts) - 1
    first_pos = np.flatnonzero(starts)
    rank = np.arange(len(p)) - first_pos[gid] if len(p) else np.zeros(0, np.int64)
    in_data = (rank > 0).mean() if len(p) else 0.0
    p_prior = float(np.clip((0.20 - in_data) / max(1 - in_data, 1e-9), 0, 1))
    elsewhere_child = np.where(rng.random(len(first_pos)) < p_prior,
                               rng.choice([1, 2, 3], len(first_pos), p=[0.75, 0.2, 0.05]), 0)
    previous = (rank + elsewhere_child[gid]).astype(np.float64)
    # a few plans leave the count blank (later plans of a child are still repeats)
    previous[(rank > 0) & (rng.random(len(p)) < 0.05)] = np.nan
    out = np.empty(len(p))
    out[order] = previous
    return out
