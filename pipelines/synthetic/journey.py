"""The child's journey around the social-care records: contacts to the front door, section 47
enquiries and initial conferences, CP review conferences, health appointments, police
notifications and missing episodes of looked-after children.

Drawn from the records the other steps made, so the relations hold: every referral comes
from a contact a day or two before it (and most contacts do not become referrals); every CP
plan follows an enquiry and an initial conference held up to a week before it (and most
enquiries lead to no conference, some conferences to no plan); the reviews are those of the
CP plans, on time or late; appointments and notifications are of children known to services,
appointments mostly while an early help episode or a plan is open; missing episodes fall
within periods of care, mostly of older children. Rates are close to England's (Children in
need 2024-25: section 47 enquiries about 5 times the CP plans started, four in five initial
conferences within 15 working days; about one looked-after child in ten missing in a year).
Its own random stream: the other extracts are drawn exactly as without it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pipelines.synthetic import formats as fmt
from pipelines.synthetic.csc import SOURCE_CODES, SOURCE_P, Csc, working_days_after
from pipelines.synthetic.early_help import Episodes
from pipelines.synthetic.population import AGE_18, Persons
from pipelines.synthetic.tables import referral_ids, table
from pipelines.synthetic.timeline import YEAR, Window

EXTRACTS = ("contacts", "s47_enquiries", "cp_reviews", "health_appointments",
            "police_notifications", "missing_episodes")
HEALTH_AGENCY = "HEALTH"  # the provider's agency code (seeds/agencies.csv)
CONTACT_OUTCOMES = ("EARLY_HELP", "INFO_ADVICE", "NFA", "OTHER")
CONTACT_OUTCOME_P = np.array([0.22, 0.38, 0.32, 0.08])
SERVICES = ("HEALTH_VISITING", "SCHOOL_NURSING", "COMMUNITY_PAEDIATRICS", "DENTAL", "CAMHS",
            "OTHER")
# service by age band (under 5, 5-11, 12-17)
SERVICE_P = np.array([[0.70, 0.00, 0.15, 0.12, 0.00, 0.03],
                      [0.00, 0.40, 0.20, 0.25, 0.05, 0.10],
                      [0.00, 0.25, 0.05, 0.25, 0.30, 0.15]])
OUTCOMES = ("ATTENDED", "WAS_NOT_BROUGHT", "CANCELLED_BY_FAMILY", "CANCELLED_BY_SERVICE")


def _age_ok(persons: Persons, person: np.ndarray, date: np.ndarray) -> np.ndarray:
    dob = persons.dob[person]
    return (date >= dob) & (date - dob < AGE_18)


def _plan_numbers(csc: Csc) -> np.ndarray:
    """Each CP plan's number in the cp_plans extract (tables.cp_plans: by start, then child)."""
    order = np.lexsort((csc.cp.person, csc.cp.start))
    number = np.empty(len(order), dtype=np.int64)
    number[order] = np.arange(1, len(order) + 1)
    return number


def contacts(rng, persons: Persons, window: Window, csc: Csc, eh: Episodes,
             ids: pa.Array) -> pa.Table:
    """A contact a day or two before each referral (outcome REFERRAL, the referral's source),
    and 1.6 times as many contacts of known children that went elsewhere."""
    r = csc.referrals
    n = len(r.person)
    ref_date = r.date - rng.integers(0, 3, n)
    pool = np.unique(np.concatenate([r.person, eh.person]))
    m = int(n * 1.6) if len(pool) else 0
    person = pool[rng.integers(0, max(len(pool), 1), m)] if m else np.zeros(0, np.int64)
    date = rng.integers(window.first, window.last + 1, m)
    ok = _age_ok(persons, person, date)
    person, date = person[ok], date[ok]
    m = len(person)
    outcome = np.array(CONTACT_OUTCOMES, dtype=object)[rng.choice(4, m, p=CONTACT_OUTCOME_P)]
    source = np.array(SOURCE_CODES, dtype=object)[rng.choice(len(SOURCE_CODES), m, p=SOURCE_P)]
    all_person = np.r_[r.person, person]
    all_date = np.r_[ref_date, date]
    all_outcome = np.r_[np.full(n, "REFERRAL", dtype=object), outcome]
    all_source = np.r_[r.source, source]
    order = np.lexsort((all_person, all_date))
    k = len(order)
    return table("contacts", {
        "contact_id": fmt.numbered("K", np.arange(1, k + 1), 8),
        "child_id": ids.take(pa.array(all_person[order])),
        "contact_date": fmt.dates(all_date[order], rng, uk=0.03),
        "contact_source": fmt.codes(np.arange(k), all_source[order],
                                    blank=rng.random(k) < 0.02),
        "outcome": fmt.codes(np.arange(k), all_outcome[order]),
    })


def s47_enquiries(rng, window: Window, csc: Csc, ids: pa.Array,
                  holidays: np.ndarray) -> pa.Table:
    """An enquiry and an initial conference before every CP plan (the conference on the
    plan's start day or up to a week before; four in five within 15 working days of the
    enquiry's start); conferences that lead to no plan; and enquiries with no conference."""
    cp, a, r = csc.cp, csc.assessments, csc.referrals
    n = len(cp.person)
    icpc = cp.start - np.where(rng.random(n) < 0.85, 0, rng.integers(1, 8, n))
    icpc = np.minimum(np.busday_offset(icpc.astype("datetime64[D]"), 0, roll="forward",
                                       holidays=holidays).astype(np.int64), cp.start)
    timely = rng.random(n) < 0.8
    wd = np.where(timely, rng.integers(4, 16, n), rng.integers(16, 30, n))
    start = np.busday_offset(icpc.astype("datetime64[D]"), -wd, roll="backward",
                             holidays=holidays).astype(np.int64)
    start = np.maximum(start, r.date[cp.referral])
    icpc = np.maximum(icpc, start)
    referral = cp.referral
    person = cp.person
    # conferences that lead to no plan, and enquiries that need none, from assessments
    na = len(a.start)
    k_conf, k_none = int(n * 0.3), int(n * 3.6)
    pick = rng.integers(0, max(na, 1), k_conf + k_none) if na else np.zeros(0, np.int64)
    o_start = a.start[pick] + rng.integers(0, 10, len(pick))
    o_wd = np.where(rng.random(len(pick)) < 0.75, rng.integers(4, 16, len(pick)),
                    rng.integers(16, 30, len(pick)))
    o_icpc = working_days_after(o_start, o_wd, holidays).astype(np.float64)
    held = np.arange(len(pick)) < k_conf
    o_icpc[~held] = np.nan
    s_start = np.r_[start, o_start]
    s_icpc = np.r_[icpc.astype(np.float64), o_icpc]
    s_referral = np.r_[referral, a.referral[pick]]
    s_person = np.r_[person, r.person[a.referral[pick]]]
    keep = s_start <= window.last
    s_start, s_icpc, s_referral, s_person = (x[keep] for x in (s_start, s_icpc, s_referral,
                                                               s_person))
    s_icpc[s_icpc > window.last] = np.nan  # not held yet
    not_required = np.isnan(s_icpc) & (rng.random(len(s_start)) < 0.85)
    not_required &= s_start + 40 <= window.last  # an enquiry still under way: blank
    target = working_days_after(s_start, np.full(len(s_start), 15), holidays).astype(np.float64)
    target[rng.random(len(s_start)) < 0.15] = np.nan  # not recorded: lscp works it out
    order = np.lexsort((s_person, s_start))
    k = len(order)
    nr = not_required[order]
    return table("s47_enquiries", {
        "s47_id": fmt.numbered("S", np.arange(1, k + 1), 7),
        "referral_id": referral_ids(len(r.person)).take(pa.array(s_referral[order])),
        "child_id": ids.take(pa.array(s_person[order])),
        "start_date": fmt.dates(s_start[order], rng, uk=0.03),
        "icpc_target_date": fmt.dates(target[order], rng, uk=0.03),
        "icpc_date": fmt.dates(s_icpc[order], rng, uk=0.03),
        "icpc_not_required": fmt.yes_no(nr, rng, 0.05,
                                        blank=~nr & (rng.random(k) < 0.6)),
    })


def cp_reviews(rng, window: Window, csc: Csc) -> pa.Table:
    """Each CP plan's review conferences: the first about 3 months after the start, then
    about every 6 months, most on time, until the plan ends."""
    cp = csc.cp
    n = len(cp.person)
    number = _plan_numbers(csc)
    until = np.minimum(np.nan_to_num(cp.end, nan=window.last), window.last)
    plan_of, dates = [], []
    prev = cp.start.astype(np.int64)
    alive = np.ones(n, bool)
    for k in range(40):
        on_time = rng.random(n) < (0.9 if k == 0 else 0.93)
        if k == 0:
            step = np.where(on_time, rng.integers(60, 90, n), rng.integers(93, 130, n))
        else:
            step = np.where(on_time, rng.integers(150, 181, n), rng.integers(185, 240, n))
        review = prev + step
        alive &= review < until
        if not alive.any():
            break
        plan_of.append(np.flatnonzero(alive))
        dates.append(review[alive])
        prev = review
    plan = np.concatenate(plan_of) if plan_of else np.zeros(0, np.int64)
    day = np.concatenate(dates) if dates else np.zeros(0, np.int64)
    order = np.lexsort((day, number[plan]))
    return table("cp_reviews", {
        "cp_plan_id": fmt.numbered("CP", number[plan][order], 7),
        "review_date": fmt.dates(day[order], rng, uk=0.03),
    })


def health_appointments(rng, persons: Persons, window: Window, csc: Csc, eh: Episodes,
                        ids: pa.Array) -> pa.Table:
    """Appointments of children known to services: about 2.5 a year while an early help
    episode, a CIN plan or a CP plan is open (more often not brought on a CP plan), and some
    at other times."""
    spans = [(eh.person, eh.start, eh.end, 0.08), (csc.cin.person, csc.cin.start, csc.cin.end, 0.10),
             (csc.cp.person, csc.cp.start, csc.cp.end, 0.13)]
    person, date, p_wnb = [], [], []
    for who, start, end, wnb in spans:
        stop = np.minimum(np.nan_to_num(end, nan=window.last), window.last)
        length = np.maximum(stop - start, 0)
        k = rng.poisson(length / YEAR * 2.5)
        rep = np.repeat(np.arange(len(who)), k)
        person.append(who[rep])
        date.append(start[rep] + (rng.random(len(rep)) * (length[rep] + 1)).astype(np.int64))
        p_wnb.append(np.full(len(rep), wnb))
    pool = np.unique(csc.referrals.person)
    m = int(sum(len(p) for p in person) * 0.4) if len(pool) else 0
    person.append(pool[rng.integers(0, max(len(pool), 1), m)] if m else np.zeros(0, np.int64))
    date.append(rng.integers(window.first, window.last + 1, m))
    p_wnb.append(np.full(m, 0.05))
    person, date, p_wnb = np.concatenate(person), np.concatenate(date), np.concatenate(p_wnb)
    ok = _age_ok(persons, person, date) & (date >= window.first) & (date <= window.last)
    person, date, p_wnb = person[ok], date[ok], p_wnb[ok]
    n = len(person)
    age = (date - persons.dob[person]) / YEAR
    band = np.where(age < 5, 0, np.where(age < 12, 1, 2))
    u = rng.random(n)
    service = (u[:, None] > np.cumsum(SERVICE_P[band], axis=1)).sum(axis=1)
    service = np.minimum(service, len(SERVICES) - 1)
    v = rng.random(n)
    outcome = np.where(v < 0.05, 3, np.where(v < 0.11, 2, np.where(v < 0.11 + p_wnb, 1, 0)))
    order = np.lexsort((person, date))
    return table("health_appointments", {
        "appointment_id": fmt.numbered("HA", np.arange(1, n + 1), 8),
        "child_id": ids.take(pa.array(person[order])),
        "agency": fmt.codes(np.zeros(n, np.int64), [HEALTH_AGENCY]),
        "appointment_date": fmt.dates(date[order], rng, uk=0.05),
        "service": fmt.codes(service[order], SERVICES),
        "outcome": fmt.codes(outcome[order], OUTCOMES),
    })


def police_notifications(rng, persons: Persons, window: Window, csc: Csc,
                         ids: pa.Array) -> pa.Table:
    """Domestic abuse notifications before a quarter of referrals (most from the police's
    own referrals), and notifications of referred children at other times; the school told
    the same or the next day for most school-age children (Operation Encompass)."""
    r = csc.referrals
    n = len(r.person)
    before = rng.random(n) < np.where(r.source == "6", 0.6, 0.15)
    person = [r.person[before]]
    date = [r.date[before] - rng.integers(0, 60, before.sum())]
    kind = [np.full(before.sum(), "DOMESTIC_ABUSE", dtype=object)]
    pool = np.unique(r.person)
    m = int(n * 0.3) if len(pool) else 0
    person.append(pool[rng.integers(0, max(len(pool), 1), m)] if m else np.zeros(0, np.int64))
    date.append(rng.integers(window.first, window.last + 1, m))
    kind.append(np.array(("DOMESTIC_ABUSE", "MISSING", "OTHER"), dtype=object)[
        rng.choice(3, m, p=[0.7, 0.15, 0.15])])
    person, date, kind = np.concatenate(person), np.concatenate(date), np.concatenate(kind)
    ok = _age_ok(persons, person, date) & (date >= window.first) & (date <= window.last)
    person, date, kind = person[ok], date[ok], kind[ok]
    k = len(person)
    school_age = (date - persons.dob[person]) / YEAR >= 4
    u = rng.random(k)
    delay = np.where(u < 0.5, 0, np.where(u < 0.82, 1, rng.integers(2, 7, k))).astype(np.float64)
    untold = (rng.random(k) < np.where(school_age, 0.08, 0.85)) | (kind != "DOMESTIC_ABUSE")
    told = date + delay
    told[untold | (told > window.last)] = np.nan
    order = np.lexsort((person, date))
    return table("police_notifications", {
        "notification_id": fmt.numbered("PN", np.arange(1, k + 1), 8),
        "child_id": ids.take(pa.array(person[order])),
        "incident_date": fmt.dates(date[order], rng, uk=0.05),
        "kind": fmt.codes(np.arange(k), kind[order]),
        "school_notified_date": fmt.dates(told[order], rng, uk=0.05),
    })


def missing_episodes(rng, persons: Persons, window: Window, csc: Csc,
                     ids: pa.Array) -> pa.Table:
    """Missing (M) and away (A) episodes within periods of care: older children far more
    often, and a few children many times."""
    care = csc.care
    stop = np.minimum(np.nan_to_num(care.end, nan=window.last), window.last)
    length = np.maximum(stop - care.start, 0)
    age = (care.start - persons.dob[care.person]) / YEAR
    rate = np.where(age >= 11, 0.7, 0.04) * rng.gamma(0.35, 1 / 0.35, len(care.person))
    k = rng.poisson(length / YEAR * rate)
    rep = np.repeat(np.arange(len(care.person)), k)
    person = care.person[rep]
    start = care.start[rep] + (rng.random(len(rep)) * (length[rep] + 1)).astype(np.int64)
    kind = np.where(rng.random(len(rep)) < 0.65, "M", "A").astype(object)
    ok = (start >= window.first) & (start <= window.last) & _age_ok(persons, person, start)
    person, start, kind = person[ok], start[ok], kind[ok]
    # (child, start, kind) is the key: one of each
    _, first = np.unique(np.stack([person, start, (kind == "M").astype(np.int64)]), axis=1,
                         return_index=True)
    person, start, kind = person[first], start[first], kind[first]
    end = (start + rng.geometric(0.55, len(start)) - 1).astype(np.float64)
    end[end > window.last] = np.nan
    order = np.lexsort((start, person))
    n = len(order)
    return table("missing_episodes", {
        "child_id": ids.take(pa.array(person[order])),
        "kind": fmt.codes(np.arange(n), kind[order]),
        "start_date": fmt.dates(start[order], rng, uk=0.03),
        "end_date": fmt.dates(end[order], rng, uk=0.03),
    })


def make_journey(rng, persons: Persons, window: Window, csc: Csc, eh: Episodes,
                 ids: pa.Array, holidays: np.ndarray) -> dict[str, pa.Table]:
    """The six journey extracts as text tables."""
    return {
        "contacts": contacts(rng, persons, window, csc, eh, ids),
        "s47_enquiries": s47_enquiries(rng, window, csc, ids, holidays),
        "cp_reviews": cp_reviews(rng, window, csc),
        "health_appointments": health_appointments(rng, persons, window, csc, eh, ids),
        "police_notifications": police_notifications(rng, persons, window, csc, ids),
        "missing_episodes": missing_episodes(rng, persons, window, csc, ids),
    }
