"""The indicators of spec/indicators.md (the catalogue and the further measures), in plain pandas, one small function each.

    frames = frames_from_duckdb(con)            # every src_* and seed_* table
    table = compute_all(frames, as_at)          # indicator_values without `suppressed`

Written from the spec alone (never from metrics/), so that a cross-check with the product's
SQL means something. Clarity over speed: it is meant for test-sized data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_contracts.schema import SEED_TABLES, SRC_TABLES

from .dates import (
    add_months,
    month_ends_before,
    monthly_periods,
    school_term_bounds,
    two_year_term_end,
    window_start,
    working_days_after,
)
from .places import ALL, UNKNOWN, Places

COLUMNS = ["indicator_id", "period_end", "locality", "agency", "numerator", "denominator", "value"]


@dataclass(frozen=True)
class Spec:
    kind: str  # "percent", "rate" (per 10,000 children 0-17) or "count"
    by_agency: bool = False
    termly: bool = False


CATALOGUE: dict[str, Spec] = {
    "cp_neglect_rate": Spec("rate"),
    "cp_neglect_share": Spec("percent"),
    "cp_rate": Spec("rate"),
    "cp_neglect_starts": Spec("count"),
    "cp_repeat": Spec("percent"),
    "cp_repeat_neglect": Spec("percent"),
    "cp_repeat_2y": Spec("percent"),
    "rereferral": Spec("percent", by_agency=True),
    "rereferral_neglect": Spec("percent", by_agency=True),
    "referrals_neglect": Spec("rate", by_agency=True),
    "referral_nfa": Spec("percent", by_agency=True),
    "assessment_timeliness": Spec("percent"),
    "cin_to_cp_neglect": Spec("percent"),
    "cla_neglect_starts": Spec("count"),
    "eh_neglect_starts": Spec("count", by_agency=True),
    "eh_assessments": Spec("count", by_agency=True),
    "eh_neglect_outcomes_met": Spec("percent", by_agency=True),
    "eh_step_up": Spec("percent", by_agency=True),
    "step_downs": Spec("count"),
    "step_down_sustained": Spec("percent"),
    "two_year_takeup": Spec("percent", termly=True),
    "persistent_absence_eh": Spec("percent", termly=True),
    "neglect_tools_completed": Spec("count", by_agency=True),
    "neglect_tools_improved": Spec("percent", by_agency=True),
    # further measures the strategies name
    "cla_rate": Spec("rate"),
    "cla_neglect_rate": Spec("rate"),
    "cp_long": Spec("percent"),
    "referral_nfa_neglect": Spec("percent", by_agency=True),
    "rereferral_after_assessment": Spec("percent", by_agency=True),
    "attendance_eh": Spec("percent", termly=True),
    "persistent_absence_cin_cp": Spec("percent", termly=True),
    "tool_before_neglect_referral": Spec("percent", by_agency=True),
    # the child's journey
    "contacts_rate": Spec("rate", by_agency=True),
    "contact_to_referral": Spec("percent", by_agency=True),
    "s47_rate": Spec("rate"),
    "icpc_timely": Spec("percent"),
    "icpc_to_plan": Spec("percent"),
    "cp_reviews_timely": Spec("percent"),
    "was_not_brought": Spec("percent", by_agency=True),
    "da_notifications_rate": Spec("rate"),
    "encompass_timely": Spec("percent"),
    "cla_missing": Spec("percent"),
}
# "a missing extract means the indicator is not computed (no rows), never zero": the
# extracts each journey indicator reads (an extract with no rows was not delivered)
NEEDS = {
    "contacts_rate": ("contacts",), "contact_to_referral": ("contacts",),
    "s47_rate": ("s47_enquiries",), "icpc_timely": ("s47_enquiries",),
    "icpc_to_plan": ("s47_enquiries",), "cp_reviews_timely": ("cp_reviews", "cp_plans"),
    "was_not_brought": ("health_appointments",),
    "da_notifications_rate": ("police_notifications",),
    "encompass_timely": ("police_notifications",),
    "cla_missing": ("missing_episodes", "looked_after"),
}


# ---------------------------------------------------------------------------------------
# input: typed frames
# ---------------------------------------------------------------------------------------

def frames_from_duckdb(con) -> dict[str, pd.DataFrame]:
    """Every src_<extract> and seed_<name> table of a connection, as DataFrames."""
    names = [f"src_{t}" for t in SRC_TABLES] + [f"seed_{t}" for t in SEED_TABLES]
    return {name: con.table(name).df() for name in names}


def _typed(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Missing tables become empty ones; dates -> datetime64, booleans -> bool (NULL = False
    is applied per use, not here), codes trimmed and upper-cased."""
    out = {}
    for prefix, tables in (("src_", SRC_TABLES), ("seed_", SEED_TABLES)):
        for table, columns in tables.items():
            name = prefix + table
            df = frames.get(name)
            df = pd.DataFrame(columns=[c for c, _ in columns]) if df is None else df.copy()
            df = df.reset_index(drop=True)
            for column, dtype in columns:
                if dtype == "DATE":
                    df[column] = pd.to_datetime(df[column]).astype("datetime64[us]")
                elif dtype == "BOOLEAN":
                    df[column] = df[column].astype("boolean")
                elif dtype in ("INTEGER", "BIGINT"):
                    df[column] = pd.to_numeric(df[column]).astype("Int64")
                elif dtype == "VARCHAR" and column not in ("postcode",):
                    df[column] = df[column].astype("object")
            out[name] = df
    return out


def _blank(value) -> bool:
    """NULL in any of the shapes pandas gives it (None, NaN, NA, NaT)."""
    return value is None or (not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value))


def _yes(series: pd.Series) -> pd.Series:
    """Y -> True; N and blank -> False."""
    return series.astype("boolean").fillna(False).astype(bool)


def _code(series: pd.Series) -> pd.Series:
    return series.map(lambda v: None if v is None or pd.isna(v) else str(v).strip().upper())


def _shift_months(series: pd.Series, months: int) -> pd.Series:
    shifted = series.map(lambda t: pd.NaT if pd.isna(t) else pd.Timestamp(add_months(t.date(), months)))
    return pd.to_datetime(shifted).astype("datetime64[us]")


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


# ---------------------------------------------------------------------------------------
# periods
# ---------------------------------------------------------------------------------------

def earliest_date(frames) -> dt.date | None:
    """Earliest referral date or plan, care or early help start date."""
    t = _typed(frames)
    dates = pd.concat([
        t["src_referrals"]["referral_date"], t["src_cin_plans"]["start_date"],
        t["src_cp_plans"]["start_date"], t["src_looked_after"]["start_date"],
        t["src_early_help"]["start_date"],
    ]).dropna()
    return None if dates.empty else dates.min().date()


def default_as_at(frames) -> dt.date | None:
    """Newest referral, plan or episode date seen, end and closure dates included; not after
    today (lscp's guard against planned or typo'd future end dates; see metrics/README)."""
    t = _typed(frames)
    dates = pd.concat([
        t["src_referrals"]["referral_date"], t["src_referrals"]["closure_date"],
        t["src_cin_plans"]["start_date"], t["src_cin_plans"]["end_date"],
        t["src_cp_plans"]["start_date"], t["src_cp_plans"]["end_date"],
        t["src_looked_after"]["start_date"], t["src_looked_after"]["end_date"],
        t["src_early_help"]["start_date"], t["src_early_help"]["end_date"],
    ]).dropna()
    return None if dates.empty else min(dates.max().date(), dt.date.today())


def _window_from(end: dt.date, months: int) -> dt.date:
    """First day of the ``months`` whole calendar months ending with ``end``'s month: 12 for
    the rolling figures, 1 for the in-month series the SPC charts use."""
    return add_months(dt.date(end.year, end.month, 1), -(months - 1))


def _monthly(frames, as_at: dt.date, window_months: int = 12) -> pd.DataFrame:
    ends = monthly_periods(earliest_date(frames), as_at)
    return pd.DataFrame({
        "period_end": [_ts(e) for e in ends],
        "win_start": [_ts(_window_from(e, window_months)) for e in ends],
        "win_end": [_ts(e) for e in ends],
    }).astype("datetime64[us]")


def _in_windows(records: pd.DataFrame, date_column: str, periods: pd.DataFrame) -> pd.DataFrame:
    """One row per record and period whose window (win_start..win_end, inclusive) holds the date."""
    pairs = records.merge(periods, how="cross")
    keep = (pairs[date_column] >= pairs["win_start"]) & (pairs[date_column] <= pairs["win_end"])
    return pairs[keep]


def _open_at(records: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """Open at E: start_date <= E and (end_date blank or end_date > E)."""
    pairs = records.merge(periods, how="cross")
    end = pairs["period_end"]
    keep = (pairs["start_date"] <= end) & (pairs["end_date"].isna() | (pairs["end_date"] > end))
    return pairs[keep]


# ---------------------------------------------------------------------------------------
# tabulation: every locality x agency x period, numerator 0 where nothing happened
# ---------------------------------------------------------------------------------------

def _tabulate(indicator: str, recs: pd.DataFrame, periods: list, places: Places) -> pd.DataFrame:
    """``recs``: one row per counted thing and period, with period_end, locality, agency
    (None = no listed agency), unit (what is counted once), num and den (booleans)."""
    spec = CATALOGUE[indicator]
    agencies = places.all_agencies() if spec.by_agency else [ALL]
    recs = recs[["period_end", "locality", "agency", "unit", "num", "den"]].copy()
    if not spec.by_agency:
        recs["agency"] = ALL
    levels = [recs, recs.assign(locality=ALL)]
    if spec.by_agency:
        levels += [recs.assign(agency=ALL), recs.assign(locality=ALL, agency=ALL)]
    stacked = pd.concat(levels, ignore_index=True)
    stacked = stacked[stacked["agency"].notna()]
    stacked["period_end"] = pd.to_datetime(stacked["period_end"]).dt.date
    keys = ["period_end", "locality", "agency"]
    num = stacked[stacked["num"]].groupby(keys)["unit"].nunique().to_dict()
    den = stacked[stacked["den"]].groupby(keys)["unit"].nunique().to_dict()

    rows = []
    for period in periods:
        day = pd.Timestamp(period).date()
        for locality in places.all_localities():
            for agency in agencies:
                key = (day, locality, agency)
                n = int(num.get(key, 0))
                if spec.kind == "count":
                    denominator, value = np.nan, float(n)
                elif spec.kind == "percent":
                    denominator = float(den.get(key, 0))
                    value = n / denominator * 100 if denominator else np.nan
                else:  # rate per 10,000 children 0-17 of the locality (agency rows too)
                    denominator = float(places.children_0_17(locality, day))
                    value = n / denominator * 10000 if denominator else np.nan
                rows.append((indicator, day, locality, agency, n, denominator, value))
    return pd.DataFrame(rows, columns=COLUMNS)


def _recs(df: pd.DataFrame, unit: str | None = None, num=True, den=True, agency=None) -> pd.DataFrame:
    """Shape a period-expanded frame for _tabulate; unit None = each row is its own thing."""
    out = pd.DataFrame({
        "period_end": df["period_end"].values,
        "locality": df["locality"].values,
        "agency": df["agency"].values if agency is None else agency,
        "unit": np.arange(len(df)) if unit is None else df[unit].values,
        "num": df[num].values.astype(bool) if isinstance(num, str) else np.full(len(df), num),
        "den": df[den].values.astype(bool) if isinstance(den, str) else np.full(len(df), den),
    })
    return out


# ---------------------------------------------------------------------------------------
# the model: records with locality, agency and the flags the definitions need
# ---------------------------------------------------------------------------------------

class Model:
    def __init__(self, frames, as_at: dt.date, repeat_window_months: int,
                 window_months: int = 12):
        t = _typed(frames)
        self.t = t
        self.as_at = as_at
        self.repeat_window_months = repeat_window_months
        self.places = Places(t["seed_localities"], t["seed_postcode_localities"],
                             t["seed_population"], t["seed_agencies"])
        children = t["src_children"]
        self.child_locality = dict(zip(children["child_id"],
                                       children["postcode"].map(self.places.locality_of_postcode),
                                       strict=True))
        self.window_months = window_months
        self.periods = _monthly(frames, as_at, window_months)
        self.period_list = list(self.periods["period_end"])

    def locality(self, child_ids: pd.Series) -> pd.Series:
        return child_ids.map(lambda c: self.child_locality.get(c, UNKNOWN)).astype(object)

    # -- CP plans -----------------------------------------------------------------------
    def cp_plans(self) -> pd.DataFrame:
        cp = self.t["src_cp_plans"].copy()
        cp["locality"] = self.locality(cp["child_id"])
        cp["agency"] = None
        cp["initial"] = _code(cp["initial_category"])
        cp["latest"] = _code(cp["latest_category"])
        cp["neg"] = cp["initial"] == "NEG"
        # second or subsequent: previous_cp_plans > 0, or another plan with an earlier start
        first_start = cp.groupby("child_id")["start_date"].transform("min")
        previous = cp["previous_cp_plans"].fillna(0) > 0
        cp["repeat"] = (previous | (cp["start_date"] > first_start)).astype(bool)
        # another plan that ended in [start - N months, start)
        floor = _shift_months(cp["start_date"], -self.repeat_window_months)
        pairs = cp[["cp_plan_id", "child_id", "start_date"]].assign(floor=floor).merge(
            cp[["cp_plan_id", "child_id", "end_date"]], on="child_id", suffixes=("", "_other"))
        hit = ((pairs["cp_plan_id"] != pairs["cp_plan_id_other"]) & pairs["end_date"].notna()
               & (pairs["end_date"] >= pairs["floor"]) & (pairs["end_date"] < pairs["start_date"]))
        cp["repeat_2y"] = cp["cp_plan_id"].isin(pairs.loc[hit, "cp_plan_id"])
        return cp

    # -- referrals ----------------------------------------------------------------------
    def neglect_referral_ids(self, own_record_only: bool = False) -> set:
        """Neglect-related referrals; `own_record_only`: by the flag or a 16A factor alone,
        not a CP plan's category (cin_to_cp_neglect's edge rule)."""
        refs = self.t["src_referrals"]
        flagged = set(refs.loc[_yes(refs["neglect_flag"]), "referral_id"])
        asm = self.t["src_assessments"]
        has_16a = asm["factors"].map(
            lambda fs: not _blank(fs) and any(str(f).strip().upper() == "16A" for f in list(fs)))
        by_assessment = set(asm.loc[has_16a.astype(bool), "referral_id"])
        if own_record_only:
            return (flagged | by_assessment) & set(refs["referral_id"])
        cp = self.t["src_cp_plans"]
        neg_plan = (_code(cp["initial_category"]) == "NEG") | (_code(cp["latest_category"]) == "NEG")
        by_plan = set(cp.loc[neg_plan.astype(bool), "referral_id"].dropna())
        # a neglect-related referral must be a referral
        return (flagged | by_assessment | by_plan) & set(refs["referral_id"])

    def referrals(self) -> pd.DataFrame:
        ref = self.t["src_referrals"].copy()
        ref["locality"] = self.locality(ref["child_id"])
        ref["agency"] = ref["referral_source"].map(self.places.agency_of_source).astype(object)
        ref["neglect"] = ref["referral_id"].isin(self.neglect_referral_ids())
        ref["nfa"] = _yes(ref["referral_nfa"])
        # re-referral: another referral of the child with d - 12 months <= p < d
        floor = _shift_months(ref["referral_date"], -12)
        pairs = ref[["referral_id", "child_id", "referral_date"]].assign(floor=floor).merge(
            ref[["referral_id", "child_id", "referral_date"]], on="child_id", suffixes=("", "_p"))
        hit = ((pairs["referral_id"] != pairs["referral_id_p"])
               & (pairs["referral_date_p"] >= pairs["floor"])
               & (pairs["referral_date_p"] < pairs["referral_date"]))
        ref["rereferral"] = ref["referral_id"].isin(pairs.loc[hit, "referral_id"])
        return ref

    def step_downs(self) -> pd.DataFrame:
        """Referrals closed RC9, or RC7 with early help starting closure-7d .. closure+28d;
        with `sustained`: no referral of the child in (closure, closure + 6 months]."""
        ref = self.referrals()
        ref["reason"] = _code(ref["closure_reason"])
        closed = ref[ref["closure_date"].notna()].copy()
        eh = self.t["src_early_help"][["child_id", "start_date"]]
        pairs = closed[["referral_id", "child_id", "closure_date"]].merge(eh, on="child_id")
        near = ((pairs["start_date"] >= pairs["closure_date"] - pd.Timedelta(days=7))
                & (pairs["start_date"] <= pairs["closure_date"] + pd.Timedelta(days=28)))
        rc7_with_eh = set(pairs.loc[near, "referral_id"])
        is_step_down = (closed["reason"] == "RC9") | (
            (closed["reason"] == "RC7") & closed["referral_id"].isin(rc7_with_eh))
        sd = closed[is_step_down.astype(bool)].copy()
        ceiling = _shift_months(sd["closure_date"], 6)
        later = sd[["referral_id", "child_id", "closure_date"]].assign(ceiling=ceiling).merge(
            ref[["child_id", "referral_date"]], on="child_id")
        again = ((later["referral_date"] > later["closure_date"])
                 & (later["referral_date"] <= later["ceiling"]))
        sd["sustained"] = ~sd["referral_id"].isin(later.loc[again, "referral_id"])
        return sd

    # -- early help and neglect tools ---------------------------------------------------
    def early_help(self) -> pd.DataFrame:
        eh = self.t["src_early_help"].copy()
        eh["locality"] = self.locality(eh["child_id"])
        eh["agency"] = eh["lead_agency"].map(self.places.agency_of_code).astype(object)
        eh["neglect"] = _yes(eh["neglect_identified"])
        eh["reason"] = _code(eh["end_reason"])
        return eh

    def neglect_tools(self) -> pd.DataFrame:
        nt = self.t["src_neglect_tools"].copy()
        nt["locality"] = self.locality(nt["child_id"])
        nt["agency"] = nt["agency"].map(self.places.agency_of_code).astype(object)
        nt["tool_code"] = _code(nt["tool"])
        # the previous assessment: same child and tool, ordered by completed_date then id
        nt = nt.sort_values(["child_id", "tool_code", "completed_date", "tool_assessment_id"],
                            kind="stable")
        group = nt.groupby(["child_id", "tool_code"], sort=False)
        nt["rescore"] = group.cumcount() > 0
        nt["previous_grade"] = group["overall_grade"].shift(1)
        graded = nt["overall_grade"].notna() & nt["previous_grade"].notna()
        nt["graded_rescore"] = (nt["rescore"] & graded).astype(bool)
        better = nt["overall_grade"].astype("Float64") < nt["previous_grade"].astype("Float64")
        nt["improved"] = (nt["graded_rescore"] & better.fillna(False)).astype(bool)
        return nt


# ---------------------------------------------------------------------------------------
# the indicators
# ---------------------------------------------------------------------------------------

def _cp_indicators(m: Model) -> list[pd.DataFrame]:
    cp = m.cp_plans()
    p = m.period_list
    opened = _open_at(cp, m.periods)
    started = _in_windows(cp, "start_date", m.periods)
    started_neg = started[started["neg"]]
    return [
        _tabulate("cp_neglect_rate", _recs(opened, "child_id", num="neg"), p, m.places),
        _tabulate("cp_neglect_share", _recs(opened, "child_id", num="neg"), p, m.places),
        _tabulate("cp_rate", _recs(opened, "child_id"), p, m.places),
        _tabulate("cp_neglect_starts", _recs(started_neg), p, m.places),
        _tabulate("cp_repeat", _recs(started, num="repeat"), p, m.places),
        _tabulate("cp_repeat_neglect", _recs(started_neg, num="repeat"), p, m.places),
        _tabulate("cp_repeat_2y", _recs(started, num="repeat_2y"), p, m.places),
    ]


def _referral_indicators(m: Model) -> list[pd.DataFrame]:
    ref = m.referrals()
    p = m.period_list
    in_window = _in_windows(ref, "referral_date", m.periods)
    neglect = in_window[in_window["neglect"]]
    return [
        _tabulate("rereferral", _recs(in_window, num="rereferral"), p, m.places),
        _tabulate("rereferral_neglect", _recs(neglect, num="rereferral"), p, m.places),
        _tabulate("referrals_neglect", _recs(neglect), p, m.places),
        _tabulate("referral_nfa", _recs(in_window, num="nfa"), p, m.places),
    ]


def _assessment_timeliness(m: Model) -> pd.DataFrame:
    asm = m.t["src_assessments"]
    asm = asm[asm["authorised_date"].notna()].copy()
    holidays = [d.date() for d in m.t["seed_bank_holidays"]["date"].dropna()]
    asm["on_time"] = [
        working_days_after(s.date(), a.date(), holidays) <= 45
        for s, a in zip(asm["start_date"], asm["authorised_date"], strict=True)
    ]
    asm["locality"] = m.locality(asm["child_id"])
    asm["agency"] = None
    in_window = _in_windows(asm, "authorised_date", m.periods)
    return _tabulate("assessment_timeliness", _recs(in_window, num="on_time"), m.period_list,
                     m.places)


def _cin_to_cp_neglect(m: Model) -> pd.DataFrame:
    cin = m.t["src_cin_plans"]
    cin = cin[cin["referral_id"].isin(m.neglect_referral_ids(own_record_only=True))
              & cin["end_date"].notna()].copy()
    cp = m.t["src_cp_plans"][["child_id", "start_date"]].rename(columns={"start_date": "cp_start"})
    pairs = cin[["cin_plan_id", "child_id", "start_date", "end_date"]].merge(cp, on="child_id")
    follows = ((pairs["cp_start"] >= pairs["start_date"])
               & (pairs["cp_start"] <= pairs["end_date"] + pd.Timedelta(days=7)))
    cin["escalated"] = cin["cin_plan_id"].isin(pairs.loc[follows, "cin_plan_id"])
    cin["locality"] = m.locality(cin["child_id"])
    cin["agency"] = None
    ending = _in_windows(cin, "end_date", m.periods)
    return _tabulate("cin_to_cp_neglect", _recs(ending, num="escalated"), m.period_list, m.places)


def _cla_neglect_starts(m: Model) -> pd.DataFrame:
    la = m.t["src_looked_after"].copy()
    # a start of care: starts_care Y or blank (N: already looked after when the data begin)
    starts = la["starts_care"].fillna(True).astype(bool)
    la = la[(_code(la["category_of_need"]) == "N1").astype(bool) & starts].copy()
    la["locality"] = m.locality(la["child_id"])
    la["agency"] = None
    started = _in_windows(la, "start_date", m.periods)
    return _tabulate("cla_neglect_starts", _recs(started), m.period_list, m.places)


def _early_help_indicators(m: Model) -> list[pd.DataFrame]:
    eh = m.early_help()
    p = m.period_list
    starts = _in_windows(eh[eh["neglect"]], "start_date", m.periods)
    assessed = _in_windows(eh, "assessment_date", m.periods)
    ending = _in_windows(eh, "end_date", m.periods)
    ending = ending.assign(outcomes_met=ending["reason"] == "OUTCOMES_MET",
                           step_up=ending["reason"] == "STEP_UP_CSC")
    ending_neglect = ending[ending["neglect"]]
    return [
        _tabulate("eh_neglect_starts", _recs(starts), p, m.places),
        _tabulate("eh_assessments", _recs(assessed), p, m.places),
        _tabulate("eh_neglect_outcomes_met", _recs(ending_neglect, num="outcomes_met"), p, m.places),
        _tabulate("eh_step_up", _recs(ending, num="step_up"), p, m.places),
    ]


def _step_down_indicators(m: Model) -> list[pd.DataFrame]:
    sd = m.step_downs()
    sd["agency"] = None
    p = m.period_list
    closed = _in_windows(sd, "closure_date", m.periods)
    # the rolling 12 months ending at the month end six months before E
    shifted = m.periods.copy()
    shifted["win_end"] = [_ts(month_ends_before(e.date(), 6)) for e in shifted["period_end"]]
    shifted["win_start"] = [_ts(_window_from(e.date(), m.window_months))
                            for e in shifted["win_end"]]
    shifted = shifted.astype("datetime64[us]")
    earlier = _in_windows(sd, "closure_date", shifted)
    return [
        _tabulate("step_downs", _recs(closed), p, m.places),
        _tabulate("step_down_sustained", _recs(earlier, num="sustained"), p, m.places),
    ]


def _two_year_takeup(m: Model) -> pd.DataFrame:
    tyo = m.t["src_two_year_olds"].copy()
    tyo["term_end"] = tyo["term"].map(two_year_term_end)
    tyo = tyo[tyo["term_end"].notna()]
    tyo = tyo[tyo["term_end"] <= m.as_at].copy()
    given = tyo["postcode"].map(lambda v: v is not None and not pd.isna(v) and str(v).strip() != "")
    from_list = tyo["postcode"].map(m.places.locality_of_postcode)
    tyo["locality"] = np.where(given.astype(bool), from_list, m.locality(tyo["child_id"]))
    tyo["agency"] = None
    tyo["period_end"] = pd.to_datetime(tyo["term_end"]).astype("datetime64[us]")
    tyo["registered_y"] = _yes(tyo["registered"])
    terms = sorted(set(tyo["term_end"]))
    return _tabulate("two_year_takeup", _recs(tyo, "child_id", num="registered_y"), terms,
                     m.places)


def _term_children(m: Model, episodes: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """Per term: children with an attendance row and an episode (start_date, end_date) open
    on any day of the term, their rows for the term summed; and every term with attendance."""
    att = m.t["src_attendance"].copy()
    bounds = [school_term_bounds(y, t) if isinstance(y, str) and isinstance(t, str) else None
              for y, t in zip(att["academic_year"], att["term"], strict=True)]
    att["term_start"] = [b[0] if b else None for b in bounds]
    att["term_end"] = [b[1] if b else None for b in bounds]
    att = att[att["term_end"].notna()]
    att = att[att["term_end"] <= m.as_at]
    terms = sorted(set(att["term_end"]))
    # several rows of one child and term are summed
    per_child = (att.groupby(["child_id", "term_start", "term_end"], as_index=False)
                 [["sessions_possible", "sessions_missed"]].sum())
    pairs = per_child.merge(episodes[["child_id", "start_date", "end_date"]], on="child_id")
    start = pd.to_datetime(pairs["term_start"])
    end = pd.to_datetime(pairs["term_end"])
    open_in_term = (pairs["start_date"] <= end) & (pairs["end_date"].isna() | (pairs["end_date"] > start))
    kids = pairs[open_in_term].drop_duplicates(["child_id", "term_end"]).copy()
    # missed / possible >= 10%, in whole numbers to avoid rounding
    kids["persistent"] = (kids["sessions_missed"].astype("int64") * 10
                          >= kids["sessions_possible"].astype("int64"))
    kids["locality"] = m.locality(kids["child_id"])
    kids["agency"] = None
    kids["period_end"] = pd.to_datetime(kids["term_end"]).astype("datetime64[us]")
    return kids, terms


def _persistent_absence_eh(m: Model) -> pd.DataFrame:
    kids, terms = _term_children(m, m.t["src_early_help"])
    return _tabulate("persistent_absence_eh", _recs(kids, "child_id", num="persistent"), terms,
                     m.places)


def _persistent_absence_cin_cp(m: Model) -> pd.DataFrame:
    plans = pd.concat([m.t["src_cin_plans"][["child_id", "start_date", "end_date"]],
                       m.t["src_cp_plans"][["child_id", "start_date", "end_date"]]])
    kids, terms = _term_children(m, plans)
    return _tabulate("persistent_absence_cin_cp", _recs(kids, "child_id", num="persistent"),
                     terms, m.places)


def _attendance_eh(m: Model) -> pd.DataFrame:
    """Sessions, not children: sum(possible - missed) / sum(possible) over the children."""
    kids, terms = _term_children(m, m.t["src_early_help"])
    kids = kids.assign(attended=kids["sessions_possible"].astype("int64")
                       - kids["sessions_missed"].astype("int64"),
                       possible=kids["sessions_possible"].astype("int64"))
    both = pd.concat([kids, kids.assign(locality=ALL)])
    both["period_end"] = pd.to_datetime(both["period_end"]).dt.date
    sums = both.groupby(["period_end", "locality"])[["attended", "possible"]].sum()
    rows = []
    for term in terms:
        day = pd.Timestamp(term).date()
        for locality in m.places.all_localities():
            n, d = (sums.loc[(day, locality)] if (day, locality) in sums.index else (0, 0))
            rows.append(("attendance_eh", day, locality, ALL, int(n), float(d),
                         n / d * 100 if d else np.nan))
    return pd.DataFrame(rows, columns=COLUMNS)


def _further_measures(m: Model) -> list[pd.DataFrame]:
    p = m.period_list
    # children looked after at E: all, and those whose open period is N1
    la = m.t["src_looked_after"].copy()
    la["locality"] = m.locality(la["child_id"])
    la["agency"] = None
    la["n1"] = (_code(la["category_of_need"]) == "N1").astype(bool)
    in_care = _open_at(la, m.periods)
    # CP plans open at E that started on or before E - 24 months
    cp = m.cp_plans()
    open_cp = _open_at(cp, m.periods).copy()
    floor = [add_months(e.date(), -24) for e in open_cp["period_end"]]
    open_cp["long"] = (open_cp["start_date"].dt.date <= pd.Series(floor, index=open_cp.index))
    long_children = open_cp.groupby(["period_end", "child_id"])["long"].transform("any")
    open_cp["long_child"] = long_children.astype(bool)
    # neglect-related referrals in the window
    ref = m.referrals()
    asm = m.t["src_assessments"][["referral_id", "start_date"]]
    pairs = ref[["referral_id", "child_id", "referral_date"]].merge(
        ref[["referral_id", "child_id", "referral_date"]], on="child_id", suffixes=("", "_p"))
    pairs = pairs[(pairs["referral_id"] != pairs["referral_id_p"])
                  & (pairs["referral_date_p"] < pairs["referral_date"])
                  & (pairs["referral_date_p"]
                     >= _shift_months(pairs["referral_date"], -12))]
    assessed = pairs.merge(asm, left_on="referral_id_p", right_on="referral_id",
                           suffixes=("", "_a"))
    assessed = assessed[assessed["start_date"] < assessed["referral_date"]]
    ref["after_assessment"] = ref["referral_id"].isin(assessed["referral_id"])
    # the referring agency's own tool in [referral - 6 months, referral]
    nt = m.neglect_tools()[["child_id", "agency", "completed_date"]]
    tools = ref[["referral_id", "child_id", "agency", "referral_date"]].merge(
        nt, on=["child_id", "agency"])
    tools = tools[(tools["completed_date"] >= _shift_months(tools["referral_date"], -6))
                  & (tools["completed_date"] <= tools["referral_date"])]
    ref["tool_first"] = ref["referral_id"].isin(tools["referral_id"])
    in_window = _in_windows(ref, "referral_date", m.periods)
    neglect = in_window[in_window["neglect"]]
    from_agency = neglect[neglect["agency"].notna()]
    return [
        _tabulate("cla_rate", _recs(in_care, "child_id"), p, m.places),
        _tabulate("cla_neglect_rate", _recs(in_care, "child_id", num="n1"), p, m.places),
        _tabulate("cp_long", _recs(open_cp, "child_id", num="long_child"), p, m.places),
        _tabulate("referral_nfa_neglect", _recs(neglect, num="nfa"), p, m.places),
        _tabulate("rereferral_after_assessment", _recs(neglect, num="after_assessment"), p,
                  m.places),
        _tabulate("tool_before_neglect_referral", _recs(from_agency, num="tool_first"), p,
                  m.places),
        _attendance_eh(m),
        _persistent_absence_cin_cp(m),
    ]


def _neglect_tool_indicators(m: Model) -> list[pd.DataFrame]:
    nt = m.neglect_tools()
    p = m.period_list
    completed = _in_windows(nt, "completed_date", m.periods)
    return [
        _tabulate("neglect_tools_completed", _recs(completed), p, m.places),
        _tabulate("neglect_tools_improved",
                  _recs(completed, num="improved", den="graded_rescore"), p, m.places),
    ]


def _nth_working_day_after(start: dt.date, n: int, holidays: set) -> dt.date:
    """The n-th weekday that is not a bank holiday after ``start`` (the start not counted)."""
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


def _in_windows_open(records: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """Records open on some day of the window: start_date <= window end and (end_date blank
    or end_date >= window start)."""
    pairs = records.merge(periods, how="cross")
    keep = (pairs["start_date"] <= pairs["win_end"]) & (
        pairs["end_date"].isna() | (pairs["end_date"] >= pairs["win_start"]))
    return pairs[keep]


def _journey(m: Model) -> list[pd.DataFrame]:
    """The child's journey: front door, conferences, reviews, health, police, missing."""
    t, p = m.t, m.period_list
    out = []
    delivered = {name: not t[f"src_{name}"].empty for names in NEEDS.values() for name in names}

    def wanted(indicator: str) -> bool:
        return all(delivered[name] for name in NEEDS[indicator])

    # contacts: the agency listing the contact's source code
    contacts = t["src_contacts"].copy()
    contacts["locality"] = m.locality(contacts["child_id"])
    contacts["agency"] = contacts["contact_source"].map(m.places.agency_of_source).astype(object)
    contacts["referral"] = (_code(contacts["outcome"]) == "REFERRAL").astype(bool)
    in_window = _in_windows(contacts, "contact_date", m.periods)
    if wanted("contacts_rate"):
        out.append(_tabulate("contacts_rate", _recs(in_window), p, m.places))
        out.append(_tabulate("contact_to_referral", _recs(in_window, num="referral"), p,
                             m.places))

    # section 47 enquiries and their initial conferences
    s47 = t["src_s47_enquiries"].copy()
    s47["locality"] = m.locality(s47["child_id"])
    s47["agency"] = None
    if wanted("s47_rate"):
        started = _in_windows(s47, "start_date", m.periods)
        out.append(_tabulate("s47_rate", _recs(started), p, m.places))
        holidays = {d.date() for d in t["seed_bank_holidays"]["date"].dropna()}
        held = s47[s47["icpc_date"].notna() & ~_yes(s47["icpc_not_required"])].copy()
        held["target"] = [
            target.date() if not pd.isna(target) else
            _nth_working_day_after(start.date(), 15, holidays)
            for start, target in zip(held["start_date"], held["icpc_target_date"], strict=True)]
        held["on_time"] = [icpc.date() <= target
                           for icpc, target in zip(held["icpc_date"], held["target"], strict=True)]
        plans = t["src_cp_plans"][["child_id", "start_date"]]
        pairs = held[["s47_id", "child_id", "icpc_date"]].merge(plans, on="child_id")
        soon = ((pairs["start_date"] >= pairs["icpc_date"])
                & (pairs["start_date"] <= pairs["icpc_date"] + pd.Timedelta(days=7)))
        held["to_plan"] = held["s47_id"].isin(pairs.loc[soon, "s47_id"])
        conferences = _in_windows(held, "icpc_date", m.periods)
        out.append(_tabulate("icpc_timely", _recs(conferences, num="on_time"), p, m.places))
        out.append(_tabulate("icpc_to_plan", _recs(conferences, num="to_plan"), p, m.places))

    # CP plans reviewed on time, judged at each month end (a snapshot, whatever the window)
    if wanted("cp_reviews_timely"):
        cp = t["src_cp_plans"].copy()
        cp["locality"] = m.locality(cp["child_id"])
        cp["agency"] = None
        reviews = t["src_cp_reviews"].drop_duplicates()
        by_plan = {plan: sorted(d.date() for d in days)
                   for plan, days in reviews.groupby("cp_plan_id")["review_date"]}
        month_ends = m.periods[["period_end"]]
        opened = _open_at(cp, month_ends).copy()
        eligible = [s.date() <= add_months(e.date(), -3)
                    for s, e in zip(opened["start_date"], opened["period_end"], strict=True)]
        opened = opened[pd.Series(eligible, index=opened.index, dtype=bool)].copy()

        def reviewed_on_time(plan, start: dt.date, end: dt.date) -> bool:
            due = add_months(start, 3)  # the first review
            for review in by_plan.get(plan, []):
                if review > end:
                    break
                if review > due:
                    return False
                due = add_months(review, 6)
            return due >= end  # not overdue at the month end

        opened["plan_on_time"] = [
            reviewed_on_time(plan, s.date(), e.date()) for plan, s, e in
            zip(opened["cp_plan_id"], opened["start_date"], opened["period_end"], strict=True)]
        # a child counts once, on time only if every such plan is
        opened["on_time"] = opened.groupby(["period_end", "child_id"])["plan_on_time"
                                                                         ].transform("all")
        out.append(_tabulate("cp_reviews_timely", _recs(opened, "child_id", num="on_time"), p,
                             m.places))

    # health appointments of children known to services on the day (the end day counts)
    if wanted("was_not_brought"):
        appts = t["src_health_appointments"].copy()
        appts["locality"] = m.locality(appts["child_id"])
        appts["agency"] = appts["agency"].map(m.places.agency_of_code).astype(object)
        outcome = _code(appts["outcome"])
        appts = appts[(outcome != "CANCELLED_BY_SERVICE").astype(bool)].copy()
        appts["wnb"] = (_code(appts["outcome"]) == "WAS_NOT_BROUGHT").astype(bool)
        spans = pd.concat([t[f"src_{x}"][["child_id", "start_date", "end_date"]]
                           for x in ("early_help", "cin_plans", "cp_plans")])
        pairs = appts[["appointment_id", "child_id", "appointment_date"]].merge(spans,
                                                                                 on="child_id")
        known = ((pairs["start_date"] <= pairs["appointment_date"])
                 & (pairs["end_date"].isna() | (pairs["end_date"] >= pairs["appointment_date"])))
        appts = appts[appts["appointment_id"].isin(pairs.loc[known, "appointment_id"])]
        booked = _in_windows(appts, "appointment_date", m.periods)
        out.append(_tabulate("was_not_brought", _recs(booked, num="wnb"), p, m.places))

    # police domestic abuse notifications
    if wanted("da_notifications_rate"):
        police = t["src_police_notifications"].copy()
        police = police[(_code(police["kind"]) == "DOMESTIC_ABUSE").astype(bool)].copy()
        police["locality"] = m.locality(police["child_id"])
        police["agency"] = None
        police["shared"] = (police["school_notified_date"].notna() & (
            police["school_notified_date"] <= police["incident_date"] + pd.Timedelta(days=1))
                            ).astype(bool)
        incidents = _in_windows(police, "incident_date", m.periods)
        out.append(_tabulate("da_notifications_rate", _recs(incidents, "child_id"), p,
                             m.places))
        out.append(_tabulate("encompass_timely", _recs(incidents, num="shared"), p, m.places))

    # looked-after children who went missing while looked after
    if wanted("cla_missing"):
        la = t["src_looked_after"].copy()
        la["locality"] = m.locality(la["child_id"])
        la["agency"] = None
        missing = t["src_missing_episodes"]
        missing = missing[(_code(missing["kind"]) == "M").astype(bool)]
        pairs = missing[["child_id", "start_date"]].rename(columns={"start_date": "went"}).merge(
            la[["child_id", "start_date", "end_date"]], on="child_id")
        in_care = ((pairs["start_date"] <= pairs["went"])
                   & (pairs["end_date"].isna() | (pairs["end_date"] >= pairs["went"])))
        went = pairs.loc[in_care, ["child_id", "went"]].drop_duplicates()
        went_in_window = _in_windows(went, "went", m.periods)
        missing_keys = set(zip(went_in_window["child_id"], went_in_window["period_end"],
                               strict=True))
        looked_after = _in_windows_open(la, m.periods).copy()
        looked_after["went_missing"] = [
            (c, e) in missing_keys for c, e in
            zip(looked_after["child_id"], looked_after["period_end"], strict=True)]
        out.append(_tabulate("cla_missing", _recs(looked_after, "child_id", num="went_missing"),
                             p, m.places))
    return out


def _withhold(table: pd.DataFrame, frames, repeat_window_months: int) -> pd.DataFrame:
    """Spec "Month end": an indicator that looks back before its window has no row for the
    month ends whose look-back reaches before the earliest date (referral, plan, care or
    early help start)."""
    if table.empty:
        return table
    indicator = table["indicator_id"].iloc[0]
    look_back = {"rereferral": 12, "rereferral_neglect": 12, "rereferral_after_assessment": 12,
                 "cp_repeat_2y": repeat_window_months, "step_down_sustained": 6}.get(indicator)
    if look_back is None:
        return table
    earliest = earliest_date(frames)
    # the earliest record a window can hold is on its first day; its look-back reaches
    # back `look_back` months from there (for step_down_sustained: its window starts that
    # much earlier)
    keep = table["period_end"].map(
        lambda e: add_months(window_start(e), -look_back) >= earliest)
    return table[keep.astype(bool)]


def compute_all(frames: dict[str, pd.DataFrame], as_at: dt.date | None = None,
                repeat_window_months: int = 24, window_months: int = 12) -> pd.DataFrame:
    """indicator_values (without `suppressed`) for every indicator, period, locality, agency.
    ``window_months=1``: the windowed indicators over each month end's own month (the
    in-month series of spec "Statistical process control")."""
    if as_at is None:
        as_at = default_as_at(frames)
    if as_at is None:
        return pd.DataFrame(columns=COLUMNS)
    m = Model(frames, as_at, repeat_window_months, window_months)
    parts = [
        *_cp_indicators(m),
        *_referral_indicators(m),
        _assessment_timeliness(m),
        _cin_to_cp_neglect(m),
        _cla_neglect_starts(m),
        *_early_help_indicators(m),
        *_step_down_indicators(m),
        _two_year_takeup(m),
        _persistent_absence_eh(m),
        *_neglect_tool_indicators(m),
        *_further_measures(m),
        *_journey(m),
    ]
    parts = [_withhold(part, frames, repeat_window_months) for part in parts]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    table = pd.concat(parts, ignore_index=True)
    table["numerator"] = table["numerator"].astype("int64")
    table["denominator"] = table["denominator"].astype("float64")
    table["value"] = table["value"].astype("float64")
    return table.sort_values(["indicator_id", "period_end", "locality", "agency"],
                             ignore_index=True)
