"""``--faults``: bad rows of every kind the contracts quarantine, and bad files.

Each bad row breaks exactly one rule, so the rule it must land under is unambiguous: bad
rows are new rows (fresh ids nothing else refers to) copied from a good row with one value
spoiled, or for ``duplicate`` an exact copy placed after its original. They are spread
through the file; the manifest records the line each one ends up on (header = line 1).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

MANIFEST_COLUMNS = ["extract", "file", "line", "rule", "column", "value"]


@dataclass
class Fault:
    rule: str
    column: str
    row: dict | None  # None: a duplicate, copied from an earlier row when injected
    value: str | None = None  # the offending text (None: taken from the row)


def parse_date(text: str) -> dt.date:
    if "-" in text:
        return dt.date.fromisoformat(text)
    d, m, y = (int(x) for x in text.split("/"))
    return dt.date(y, m, d)


class Dates:
    """The spoilt dates, all relative to the window's end (never to today)."""

    def __init__(self, end: dt.date):
        self.end = end
        year = end.year - 1
        while calendar.isleap(year):
            year -= 1
        self.common_year = year

    def future(self) -> str:  # a typo'd year decades ahead: after any run date
        return dt.date(self.end.year + 36, self.end.month, min(self.end.day, 28)).isoformat()

    def us(self) -> str:
        return f"12/25/{self.end.year - 1}"

    def two_digit_year(self) -> str:
        return f"03/04/{(self.end.year - 1) % 100:02d}"

    def not_leap(self) -> str:
        return f"29/02/{self.common_year}"

    def short_iso(self) -> str:  # ISO needs two-digit months and days (only D/M/YYYY may not)
        return f"{self.end.year - 1}-3-4"


def _rows(table: pa.Table, rng, k: int) -> list[dict]:
    """k random good rows (as dicts) to copy."""
    idx = rng.choice(len(table), size=k, replace=len(table) < k)
    return [table.slice(int(i), 1).to_pylist()[0] for i in idx]


def _with(row: dict, **changes) -> dict:
    out = dict(row)
    out.update(changes)
    return out


def children_faults(rng, table: pa.Table, dates: Dates) -> list[Fault]:
    t = _rows(table, rng, 9)
    new = iter(f"9{i:08d}" for i in range(1, 100))  # 9 digits: no real child has one
    return [
        Fault("required", "child_id", _with(t[0], child_id=None), ""),
        Fault("bad_date", "date_of_birth", _with(t[1], child_id=next(new), date_of_birth=dates.us())),
        Fault("bad_date", "date_of_birth",
              _with(t[2], child_id=next(new), date_of_birth=dates.two_digit_year())),
        Fault("bad_date", "date_of_birth", _with(t[3], child_id=next(new), date_of_birth=dates.not_leap())),
        Fault("bad_date", "date_of_birth", _with(t[4], child_id=next(new), date_of_birth=dates.short_iso())),
        Fault("unknown_code", "sex", _with(t[5], child_id=next(new), sex="X")),
        Fault("bad_yes_no", "disability", _with(t[6], child_id=next(new), disability="Maybe")),
        Fault("bad_format", "upn", _with(t[7], child_id=next(new), upn="A12345")),
        Fault("duplicate", "child_id", None),
    ]


def referrals_faults(rng, table: pa.Table, dates: Dates) -> list[Fault]:
    t = _rows(table, rng, 9)
    new = iter(f"R9{i:06d}" for i in range(1, 100))
    plain = {"closure_date": None, "closure_reason": None}
    before = parse_date(t[1]["referral_date"]) - dt.timedelta(days=3)
    return [
        Fault("orphan_child", "child_id", _with(t[0], referral_id=next(new), child_id="100000001")),
        Fault("end_before_start", "closure_date",
              _with(t[1], referral_id=next(new), closure_date=before.isoformat(), closure_reason="RC8")),
        Fault("future_date", "referral_date",
              _with(t[2], referral_id=next(new), referral_date=dates.future(), **plain)),
        Fault("required", "referral_date", _with(t[3], referral_id=next(new), referral_date=None, **plain), ""),
        Fault("bad_date", "referral_date", _with(t[4], referral_id=next(new), referral_date=dates.us(), **plain)),
        Fault("unknown_code", "referral_source", _with(t[5], referral_id=next(new), referral_source="11")),
        Fault("unknown_code", "closure_reason",
              _with(t[6], referral_id=next(new), closure_reason="RC10",
                    closure_date=t[6]["closure_date"] or t[6]["referral_date"])),
        Fault("bad_yes_no", "neglect_flag", _with(t[7], referral_id=next(new), neglect_flag="Maybe")),
        Fault("duplicate", "referral_id", None),
    ]


def assessments_faults(rng, table: pa.Table, referral_dates: dict[str, str]) -> list[Fault]:
    t = _rows(table, rng, 6)
    new = iter(f"A9{i:06d}" for i in range(1, 100))
    start = parse_date(referral_dates[t[1]["referral_id"]]) - dt.timedelta(days=10)
    authorised = parse_date(t[4]["start_date"]) - dt.timedelta(days=5)
    return [
        Fault("orphan_referral", "referral_id", _with(t[0], assessment_id=next(new), referral_id="R9999999")),
        Fault("before_referral", "start_date",
              _with(t[1], assessment_id=next(new), start_date=start.isoformat(), authorised_date=None)),
        Fault("bad_combination", "factors", _with(t[2], assessment_id=next(new), factors="21;16A")),
        Fault("unknown_code", "factors", _with(t[3], assessment_id=next(new), factors="16A;99Z")),
        Fault("end_before_start", "authorised_date",
              _with(t[4], assessment_id=next(new), authorised_date=authorised.isoformat())),
        Fault("duplicate", "assessment_id", None),
    ]


def cin_plans_faults(rng, table: pa.Table) -> list[Fault]:
    t = _rows(table, rng, 2)
    new = iter(f"CIN9{i:06d}" for i in range(1, 100))
    end = parse_date(t[0]["start_date"]) - dt.timedelta(days=1)
    return [
        Fault("end_before_start", "end_date", _with(t[0], cin_plan_id=next(new), end_date=end.isoformat())),
        Fault("required", "start_date", _with(t[1], cin_plan_id=next(new), start_date=None, end_date=None), ""),
    ]


def cp_plans_faults(rng, table: pa.Table) -> list[Fault]:
    t = _rows(table, rng, 4)
    new = iter(f"CP9{i:06d}" for i in range(1, 100))
    return [
        Fault("end_before_start", "end_date", _with(t[0], cp_plan_id=next(new), end_date=t[0]["start_date"])),
        Fault("unknown_code", "initial_category", _with(t[1], cp_plan_id=next(new), initial_category="Neglected")),
        Fault("bad_integer", "previous_cp_plans", _with(t[2], cp_plan_id=next(new), previous_cp_plans="one")),
        Fault("out_of_range", "previous_cp_plans", _with(t[3], cp_plan_id=next(new), previous_cp_plans="-1")),
        Fault("duplicate", "cp_plan_id", None),
    ]


def early_help_faults(rng, table: pa.Table, dates: Dates) -> list[Fault]:
    t = _rows(table, rng, 5)
    new = iter(f"EH9{i:06d}" for i in range(1, 100))
    end = parse_date(t[2]["start_date"]) - dt.timedelta(days=14)
    return [
        Fault("unknown_code", "source", _with(t[0], episode_id=next(new), source="SCHOOL")),
        Fault("bad_yes_no", "neglect_identified", _with(t[1], episode_id=next(new), neglect_identified="Maybe")),
        Fault("end_before_start", "end_date", _with(t[2], episode_id=next(new), end_date=end.isoformat())),
        Fault("bad_date", "start_date", _with(t[3], episode_id=next(new), start_date=dates.two_digit_year(),
                                              assessment_date=None, end_date=None)),
        Fault("required", "lead_agency", _with(t[4], episode_id=next(new), lead_agency=None), ""),
    ]


def neglect_tools_faults(rng, table: pa.Table) -> list[Fault]:
    t = _rows(table, rng, 6)
    new = iter(f"T9{i:06d}" for i in range(1, 100))
    return [
        Fault("out_of_range", "overall_grade", _with(t[0], tool_assessment_id=next(new), overall_grade="6")),
        Fault("out_of_range", "safety", _with(t[1], tool_assessment_id=next(new), safety="0")),
        Fault("unknown_code", "tool", _with(t[2], tool_assessment_id=next(new), tool="GCP3")),
        Fault("bad_integer", "overall_grade", _with(t[3], tool_assessment_id=next(new), overall_grade="3.5")),
        Fault("bad_date", "completed_date", _with(t[4], tool_assessment_id=next(new), completed_date="31/02/2025")),
        Fault("required", "agency", _with(t[5], tool_assessment_id=next(new), agency=None), ""),
        Fault("duplicate", "tool_assessment_id", None),
    ]


def two_year_olds_faults(rng, table: pa.Table) -> list[Fault]:
    t = _rows(table, rng, 3)
    new = iter(f"9{i:08d}" for i in range(50, 100))
    bad_term = t[0]["term"][:4] + "-WIN"
    return [
        Fault("bad_format", "term", _with(t[0], child_id=next(new), term=bad_term)),
        Fault("bad_yes_no", "registered", _with(t[1], child_id=next(new), registered="Maybe")),
        Fault("required", "registered", _with(t[2], child_id=next(new), registered=None), ""),
        Fault("duplicate", "child_id", None),
    ]


def inject(rng, table: pa.Table, faults: list[Fault]) -> tuple[pa.Table, list[tuple[int, Fault, str]]]:
    """Spread the fault rows through ``table``; returns the new table and, per fault,
    (line, fault, offending value). A duplicate is placed after the row it copies."""
    n = len(table)
    if n == 0:
        faults = [f for f in faults if f.row is not None]
    rows, gaps, values = [], [], []
    for fault in faults:
        row = fault.row
        if row is None:  # copy row j and insert it somewhere after it
            j = int(rng.integers(0, n))
            row = table.slice(j, 1).to_pylist()[0]
            gaps.append(int(rng.integers(j + 1, n + 1)))
        else:
            gaps.append(int(rng.integers(0, n + 1)))  # inserted before original row `gap`
        rows.append(row)
        values.append(fault.value if fault.value is not None else (row[fault.column] or ""))
    k = len(rows)
    extra = pa.Table.from_pylist(rows, schema=table.schema)
    primary = np.concatenate([np.arange(n), np.array(gaps, dtype=np.int64)])
    before_original = np.concatenate([np.ones(n), np.zeros(k)])
    among_faults = np.concatenate([np.zeros(n), np.arange(k)])
    order = np.lexsort((among_faults, before_original, primary))
    position = np.empty(n + k, dtype=np.int64)
    position[order] = np.arange(n + k)
    combined = pa.concat_tables([table, extra]).take(pa.array(order))
    return combined, [(int(position[n + i]) + 2, f, v)
                      for i, (f, v) in enumerate(zip(faults, values, strict=True))]
