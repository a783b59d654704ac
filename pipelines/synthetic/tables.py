"""The generated records as extract tables: text columns, exactly the spec's columns in the
spec's order (``data_contracts.schema.SRC_TABLES``), with the awkward-but-legal spellings."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from data_contracts.schema import SRC_TABLES
from pipelines.synthetic import formats as fmt
from pipelines.synthetic.csc import Csc
from pipelines.synthetic.early_help import Episodes, ToolAssessments
from pipelines.synthetic.education import Attendance, TwoYearOlds
from pipelines.synthetic.population import ETHNICITY, Persons
from pipelines.synthetic.timeline import YEAR, Window

CP_DESCRIPTIONS = {"NEG": ("Neglect", "neglect", "NEGLECT"), "PHY": ("Physical abuse",),
                   "EMO": ("Emotional abuse", "emotional abuse"), "SAB": ("Sexual abuse",),
                   "MUL": ("Multiple",)}


def table(extract: str, columns: dict[str, pa.Array]) -> pa.Table:
    names = [c for c, _t in SRC_TABLES[extract]]
    assert list(columns) == names, f"{extract}: columns {list(columns)} are not {names}"
    return pa.table({c: columns[c].cast(pa.string()) for c in names})


def person_ids(persons: Persons) -> pa.Array:
    return fmt.numbered("", persons.number, 8)


def children(rng, persons: Persons, ids: pa.Array, people: np.ndarray, window: Window,
             first_referral: np.ndarray) -> pa.Table:
    """``first_referral``: each person's first referral day (a large number if none)."""
    n = len(people)
    dob = persons.dob[people]
    # referred before birth and the record never updated: only the expected date is known
    unborn = (first_referral[people] < dob) & (rng.random(n) < 0.4)
    expected = np.where(unborn, dob + rng.integers(-10, 11, n), np.nan)
    expected = np.where(expected > window.last, dob, expected)
    sex = persons.sex[people]
    legacy = rng.random(n) < 0.03
    sex_text = np.where(legacy, np.array(["1", "2", "9"], dtype=object)[sex],
                        np.array(["M", "F", "U"], dtype=object)[sex])
    sex_text = np.where(legacy & (sex == 2) & (rng.random(n) < 0.5), "0", sex_text)
    school_age = (window.last - dob) / YEAR >= 4
    letter = fmt.LETTERS[rng.integers(0, len(fmt.LETTERS), n)]
    digits = np.char.zfill(rng.integers(0, 10**12, n).astype(str), 12)
    upn = np.char.add(letter, digits).astype(object)
    temporary = rng.random(n) < 0.02  # temporary UPNs end in a letter
    upn = np.where(temporary, np.char.add(np.char.add(letter, np.char.zfill(
        rng.integers(0, 10**11, n).astype(str), 11)), "T").astype(object), upn)
    return table("children", {
        "child_id": ids.take(pa.array(people)),
        "date_of_birth": fmt.dates(np.where(unborn, np.nan, dob), rng, uk=0.04, short=0.01),
        "expected_date_of_birth": fmt.dates(expected, rng),
        "sex": fmt.codes(np.arange(n), sex_text),
        "ethnicity": fmt.codes(persons.ethnicity[people], [c for c, _p in ETHNICITY],
                               blank=rng.random(n) < 0.03),
        "disability": fmt.yes_no(persons.disability[people], rng, 0.05, blank=rng.random(n) < 0.1),
        "postcode": fmt.postcodes(rng, persons.outward[people], persons.sector[people],
                                  messy=0.06, blank=0.02),
        "upn": fmt.codes(np.arange(n), upn, blank=~school_age),
    })


def referral_ids(n: int) -> pa.Array:
    return fmt.numbered("R", np.arange(1, n + 1), 7)


def referrals(rng, csc: Csc, ids: pa.Array) -> pa.Table:
    r = csc.referrals
    n = len(r.person)
    return table("referrals", {
        "referral_id": referral_ids(n),
        "child_id": ids.take(pa.array(r.person)),
        "referral_date": fmt.dates(r.date, rng, uk=0.03, short=0.01),
        "referral_source": fmt.codes(np.arange(n), r.source, blank=rng.random(n) < 0.01),
        "primary_need": fmt.codes(np.arange(n), r.primary_need, blank=rng.random(n) < 0.02),
        "referral_nfa": fmt.yes_no(r.nfa, rng, 0.03),
        "closure_date": fmt.dates(r.closure, rng, uk=0.03, short=0.01),
        "closure_reason": fmt.codes(np.arange(n), r.closure_reason,
                                    blank=np.array([x is None for x in r.closure_reason])),
        "neglect_flag": fmt.yes_no(r.neglect & (rng.random(n) < 0.78), rng, 0.03,
                                   blank=rng.random(n) < 0.03),
    })


def assessments(rng, csc: Csc, ids: pa.Array) -> pa.Table:
    a = csc.assessments
    order = np.lexsort((a.referral, a.start))
    n = len(order)
    factors = a.factors[order]
    commas = rng.random(n) < 0.03  # some systems separate codes with commas
    factors = np.where(commas, np.char.replace(factors.astype(str), ";", ",").astype(object), factors)
    referral = a.referral[order]
    return table("assessments", {
        "assessment_id": fmt.numbered("A", np.arange(1, n + 1), 7),
        "referral_id": referral_ids(len(csc.referrals.person)).take(pa.array(referral)),
        "child_id": ids.take(pa.array(csc.referrals.person[referral])),
        "start_date": fmt.dates(a.start[order], rng, uk=0.03, short=0.01),
        "authorised_date": fmt.dates(a.authorised[order], rng, uk=0.03, short=0.01),
        "factors": fmt.codes(np.arange(n), factors),
    })


def cin_plans(rng, csc: Csc, ids: pa.Array) -> pa.Table:
    c = csc.cin
    order = np.lexsort((c.person, c.start))
    n = len(order)
    return table("cin_plans", {
        "cin_plan_id": fmt.numbered("CIN", np.arange(1, n + 1), 7),
        "referral_id": referral_ids(len(csc.referrals.person)).take(pa.array(c.referral[order])),
        "child_id": ids.take(pa.array(c.person[order])),
        "start_date": fmt.dates(c.start[order], rng, uk=0.03),
        "end_date": fmt.dates(c.end[order], rng, uk=0.03),
    })


def _category_text(rng, category: np.ndarray) -> np.ndarray:
    """Codes, and in a few rows the description instead (``Neglect`` for NEG)."""
    out = category.astype(object).copy()
    described = rng.random(len(out)) < 0.04
    for code, names in CP_DESCRIPTIONS.items():
        hit = described & (category == code)
        out[hit] = np.array(names, dtype=object)[rng.integers(0, len(names), hit.sum())]
    return out


def cp_plans(rng, csc: Csc, ids: pa.Array) -> pa.Table:
    c = csc.cp
    order = np.lexsort((c.person, c.start))
    n = len(order)
    previous = c.previous[order]
    return table("cp_plans", {
        "cp_plan_id": fmt.numbered("CP", np.arange(1, n + 1), 7),
        "referral_id": referral_ids(len(csc.referrals.person)).take(pa.array(c.referral[order])),
        "child_id": ids.take(pa.array(c.person[order])),
        "start_date": fmt.dates(c.start[order], rng, uk=0.03),
        "end_date": fmt.dates(c.end[order], rng, uk=0.03),
        "initial_category": fmt.codes(np.arange(n), _category_text(rng, c.category[order])),
        "latest_category": fmt.codes(np.arange(n), _category_text(rng, c.latest[order]),
                                     blank=rng.random(n) < 0.05),
        "previous_cp_plans": fmt.integers(np.nan_to_num(previous), blank=np.isnan(previous)),
    })


def looked_after(rng, csc: Csc, ids: pa.Array) -> pa.Table:
    c = csc.care
    order = np.lexsort((c.person, c.start))
    n = len(order)
    return table("looked_after", {
        "period_id": fmt.numbered("LA", np.arange(1, n + 1), 7),
        "child_id": ids.take(pa.array(c.person[order])),
        "start_date": fmt.dates(c.start[order], rng, uk=0.03),
        "end_date": fmt.dates(c.end[order], rng, uk=0.03),
        "category_of_need": fmt.codes(np.arange(n), c.category[order]),
        "starts_care": pa.nulls(n, pa.string()),  # blank: every period is a start of care
    })


def early_help(rng, eh: Episodes, persons: Persons, ids: pa.Array) -> pa.Table:
    n = len(eh.person)
    return table("early_help", {
        "episode_id": fmt.numbered("EH", np.arange(1, n + 1), 7),
        "child_id": ids.take(pa.array(eh.person)),
        "family_id": fmt.numbered("F", persons.family[eh.person], 7),
        "lead_agency": fmt.codes(np.arange(n), eh.lead),
        "start_date": fmt.dates(eh.start, rng, uk=0.2, short=0.05),
        "assessment_date": fmt.dates(eh.assessment, rng, uk=0.2, short=0.05),
        "end_date": fmt.dates(eh.end, rng, uk=0.2, short=0.05),
        "neglect_identified": fmt.yes_no(eh.neglect, rng, 0.1, blank=eh.neglect_blank),
        "source": fmt.codes(np.arange(n), eh.source, blank=rng.random(n) < 0.03),
        "end_reason": fmt.codes(np.arange(n), eh.end_reason,
                                blank=np.array([x is None for x in eh.end_reason])),
    })


def neglect_tools(rng, tools: ToolAssessments, persons: Persons, ids: pa.Array) -> pa.Table:
    order = np.lexsort((tools.person, tools.completed))
    n = len(order)
    g = tools.grades[order]
    grades = {name: fmt.integers(np.nan_to_num(g[:, i]), blank=np.isnan(g[:, i]))
              for i, name in enumerate(("overall_grade", "physical_care", "safety",
                                        "emotional_care", "developmental_care"))}
    return table("neglect_tools", {
        "tool_assessment_id": fmt.numbered("T", np.arange(1, n + 1), 7),
        "child_id": ids.take(pa.array(tools.person[order])),
        "family_id": fmt.numbered("F", persons.family[tools.person[order]], 7),
        "tool": fmt.codes(np.arange(n), tools.tool[order]),
        "agency": fmt.codes(np.arange(n), tools.agency[order]),
        "completed_date": fmt.dates(tools.completed[order], rng, uk=0.25, short=0.05),
        **grades,
    })


def two_year_olds(rng, tyo: TwoYearOlds, persons: Persons, ids: pa.Array) -> pa.Table:
    n = len(tyo.person)
    return table("two_year_olds", {
        "term": fmt.codes(np.arange(n), tyo.term),
        "child_id": ids.take(pa.array(tyo.person)),
        "postcode": fmt.postcodes(rng, persons.outward[tyo.person], persons.sector[tyo.person],
                                  messy=0.04, blank=0.1),
        "registered": fmt.yes_no(tyo.registered, rng, 0.1),
    })


def attendance(att: Attendance, ids: pa.Array) -> pa.Table:
    return table("attendance", {
        "child_id": ids.take(pa.array(att.person)),
        "academic_year": pa.DictionaryArray.from_arrays(
            pa.array(att.academic_year.astype(np.int32)), pa.array(att.years, pa.string())),
        "term": pa.array(att.term, pa.string()),
        "sessions_possible": pa.array(att.possible.astype(np.int64)),
        "sessions_missed": pa.array(att.missed.astype(np.int64)),
    })
