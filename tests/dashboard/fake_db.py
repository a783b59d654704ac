"""A small published database with the real table shapes, for dashboard tests.

``build(path)`` writes indicator_values (the full grid, with suppressed cells),
indicator_catalogue, spc (from metrics.spc, as the pipeline does), the seeds,
load_report, quarantine, runs and meta. With ``poison=True`` every suppressed
cell's numerator, denominator and value are replaced by sentinels (424xx) that
appear nowhere else, so a test can scan what a viewer sees for them.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from metrics.quarterly import build_quarterly_tables
from metrics.spc import build_spc_table

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"

LOCALITIES = [("L1", "North"), ("L2", "South"), ("L3", "East"), ("L4", "West"), ("L5", "Central")]
POPULATION = {"North": 21000, "South": 18500, "East": 15200, "West": 24800, "Central": 12100}
AGENCIES = [
    ("POL", "Police", "police", "5A;5B"),
    ("HLTH", "Health", "health", "3A;3B;3C;3D;3E;3F"),
    ("EDU", "Schools", "education", "2A;2B"),
    ("LA", "Local authority", "local authority", "1A;1B;1C;1D;4;6"),
    ("VCS", "Voluntary sector", "voluntary", ""),
]
# the two-council variant (``build(..., councils=2)``): each locality's council, and the
# cells forced small so that a council's own figures are suppressed (primary rule)
COUNCILS = [("901", "Ashvale", ("North", "South", "East")), ("902", "Corrie Bay", ("West", "Central"))]
SMALL_COUNCIL_CELLS = [  # (indicator, council, agency, numerator) at the latest month
    ("cp_neglect_share", "Corrie Bay", "All", 3),
    ("eh_step_up", "Ashvale", "POL", 2),
    ("eh_step_up", "Ashvale", "HLTH", 4),
]
SENTINEL_NUM, SENTINEL_DEN, SENTINEL_VALUE = 42401, 42402.0, 42403.0
SNAPSHOTS = {"cp_neglect_rate", "cp_neglect_share", "cp_rate"}  # month-end counts

# id, title, unit, polarity, breakdown, frequency, mean numerator, mean denominator
CATALOGUE = [
    ("cp_neglect_rate", "Children on a CP plan under neglect", "rate", "lower", "locality", "monthly", 40, None),
    ("cp_neglect_share", "Share of CP plans that are for neglect", "percent", "lower", "locality", "monthly", 40, 90),
    ("cp_rate", "Children on a CP plan (all categories)", "rate", "context", "locality", "monthly", 90, None),
    ("cp_neglect_starts", "CP plans starting under neglect", "count", "lower", "locality", "monthly", 30, None),
    ("cp_repeat", "Second or subsequent CP plans", "percent", "lower", "locality", "monthly", 20, 90),
    ("cp_repeat_neglect", "Children on a neglect plan for a second time or more", "percent", "lower", "locality", "monthly", 9, 40),
    ("cp_repeat_2y", "Repeat CP plans within two years", "percent", "lower", "locality", "monthly", 6, 90),
    ("rereferral", "Re-referrals within 12 months", "percent", "lower", "locality_agency", "monthly", 60, 280),
    ("rereferral_neglect", "Neglect re-referrals within 12 months", "percent", "lower", "locality_agency", "monthly", 15, 70),
    ("referrals_neglect", "Referrals where neglect is a factor", "rate", "lower", "locality_agency", "monthly", 70, None),
    ("referral_nfa", "Referrals closed with no further action", "percent", "lower", "locality_agency", "monthly", 25, 280),
    ("assessment_timeliness", "Assessments completed within 45 working days", "percent", "higher", "locality", "monthly", 200, 240),
    ("cin_to_cp_neglect", "Neglect CIN plans escalating to CP", "percent", "lower", "locality", "monthly", 8, 50),
    ("cla_neglect_starts", "Children starting care for abuse or neglect", "count", "lower", "locality", "monthly", 12, None),
    ("eh_neglect_starts", "Early help episodes for neglect", "count", "higher", "locality_agency", "monthly", 40, None),
    ("eh_assessments", "Early help assessments completed", "count", "higher", "locality_agency", "monthly", 120, None),
    ("eh_neglect_outcomes_met", "Neglect early help closed with outcomes met", "percent", "higher", "locality_agency", "monthly", 25, 38),
    ("eh_step_up", "Early help stepping up to social care", "percent", "lower", "locality_agency", "monthly", 15, 110),
    ("step_downs", "Step-downs from social care to early help", "count", "higher", "locality", "monthly", 30, None),
    ("step_down_sustained", "Step-downs sustained for six months", "percent", "higher", "locality", "monthly", 24, 30),
    ("two_year_takeup", "Two-year-old offer take-up", "percent", "higher", "locality", "termly", 160, 210),
    ("persistent_absence_eh", "Persistent absence of children open to early help", "percent", "lower", "locality", "termly", 30, 85),
    ("neglect_tools_completed", "Neglect assessment tools completed", "count", "higher", "locality_agency", "monthly", 50, None),
    ("neglect_tools_improved", "Rescores showing improvement", "percent", "higher", "locality_agency", "monthly", 10, 17),
]


def _periods(frequency: str, months: int, end: pd.Timestamp) -> list[pd.Timestamp]:
    ends = pd.date_range(end=end, periods=months, freq="ME")
    if frequency == "monthly":
        return list(ends)
    return [d for d in ends if d.month in (3, 7, 12)]


def _grid(rng: np.random.Generator, months: int, end: pd.Timestamp,
          councils: int = 1) -> pd.DataFrame:
    """Cells for every locality (and agency) below All, then sums up to All; with two
    councils, the sums of each council too, and no locality under the partnership."""
    frames = []
    if councils == 1:
        localities = [name for _, name in LOCALITIES] + ["Unknown"]
    else:
        localities = [n for _c, c, names in COUNCILS for n in [*names, f"Unknown ({c})"]]
    for sort, (iid, _t, unit, _p, breakdown, freq, mean_num, mean_den) in enumerate(CATALOGUE):
        periods = _periods(freq, months, end)
        agencies = [a[0] for a in AGENCIES] if breakdown == "locality_agency" else ["All"]
        idx = pd.MultiIndex.from_product([periods, localities, agencies],
                                         names=["period_end", "locality", "agency"])
        cells = idx.to_frame(index=False)
        share = np.where(cells["locality"].str.startswith("Unknown"), 0.02, 0.2) / len(agencies)
        trend = 1 + 0.15 * np.sin(np.arange(len(cells)) / 40 + sort)
        cells["numerator"] = rng.poisson(mean_num * share * trend * 4)
        if unit == "percent":
            cells["denominator"] = cells["numerator"] + rng.poisson(
                max(mean_den - mean_num, 1) * share * 4)
        cells["indicator_id"] = iid
        frames.append(cells)
    low = pd.concat(frames, ignore_index=True)
    keys = ["indicator_id", "period_end"]
    sums = [low]
    agg = {"numerator": "sum", "denominator": "sum"}
    by_loc = low.groupby(keys + ["locality"], as_index=False).agg(agg).assign(agency="All")
    by_agency = low.groupby(keys + ["agency"], as_index=False).agg(agg).assign(locality="All")
    total = low.groupby(keys, as_index=False).agg(agg).assign(locality="All", agency="All")
    multi = low["agency"] != "All"
    sums = [low[multi], by_loc, by_agency[by_agency["agency"] != "All"], total]
    if councils == 1:
        return pd.concat(sums, ignore_index=True)
    council_of = {n: c for _code, c, names in COUNCILS for n in [*names, f"Unknown ({c})"]}
    low = low.assign(council=low["locality"].map(council_of))
    keys = ["indicator_id", "period_end", "council"]
    by_loc = by_loc.assign(council=by_loc["locality"].map(council_of))
    c_agency = low.groupby(keys + ["agency"], as_index=False).agg(agg).assign(locality="All")
    c_total = low.groupby(keys, as_index=False).agg(agg).assign(locality="All", agency="All")
    return pd.concat([low[multi], by_loc, c_agency[c_agency["agency"] != "All"], c_total,
                      by_agency[by_agency["agency"] != "All"].assign(council="All"),
                      total.assign(council="All")], ignore_index=True)


def _values(rng: np.random.Generator, months: int, end: pd.Timestamp, threshold: int,
            poison: bool, councils: int = 1, council_column: bool = False) -> pd.DataFrame:
    cells = _grid(rng, months, end, councils)
    if "council" not in cells:
        cells["council"] = "All"
    latest = cells["period_end"] == cells["period_end"].max()
    for iid, council, agency, n in SMALL_COUNCIL_CELLS if councils > 1 else []:
        cells.loc[latest & (cells["indicator_id"] == iid) & (cells["council"] == council)
                  & (cells["locality"] == "All") & (cells["agency"] == agency), "numerator"] = n
    # one partnership-level month small enough to be suppressed (the SPC series must hide it)
    tiny = ((cells["indicator_id"] == "cin_to_cp_neglect") & (cells["locality"] == "All")
            & (cells["agency"] == "All") & (cells["council"] == "All") & (cells["period_end"] == cells["period_end"].max()
                                            - pd.offsets.MonthEnd(2)))
    cells.loc[tiny, "numerator"] = 4
    units = {c[0]: c[2] for c in CATALOGUE}
    unit = cells["indicator_id"].map(units)
    population = cells["locality"].map(POPULATION).fillna(0.0)
    population[cells["locality"] == "All"] = float(sum(POPULATION.values()))
    for _code, council, names in COUNCILS if councils > 1 else []:
        population[(cells["locality"] == "All") & (cells["council"] == council)] = float(
            sum(POPULATION[n] for n in names))
    cells["denominator"] = np.where(unit == "rate", population,
                                    np.where(unit == "count", np.nan, cells["denominator"]))
    num = cells["numerator"].astype(float)
    den = cells["denominator"]
    cells["value"] = np.select(
        [unit == "count", (unit == "rate") & (den > 0), (unit == "percent") & (den > 0)],
        [num, num / den * 10_000, num / den * 100], default=np.nan)
    small = lambda s: (s >= 1) & (s <= threshold)  # noqa: E731
    cells["suppressed"] = small(cells["numerator"]) | (small(den.fillna(0)) & (unit == "percent"))
    if poison:
        hide = cells["suppressed"]
        cells.loc[hide, "numerator"] = SENTINEL_NUM
        cells.loc[hide & den.notna(), "denominator"] = SENTINEL_DEN
        cells.loc[hide, "value"] = SENTINEL_VALUE + rng.integers(0, 90, hide.sum()) / 100
    cells["numerator"] = cells["numerator"].astype("int64")
    cols = ["indicator_id", "period_end", "council", "locality", "agency", "numerator",
            "denominator", "value", "suppressed"]
    if councils == 1 and not council_column:  # a database published before councils
        cols.remove("council")
    return cells[cols]


# the "Who" breakdowns: category shares of the partnership figure per dimension
BREAKDOWN_SHARES = {
    "age_band": {"Unborn": 0.02, "Under 1": 0.06, "1-4": 0.24, "5-9": 0.3, "10-15": 0.3,
                 "16-17": 0.08, "18 and over": 0.0, "Not known": 0.0},
    "sex": {"Female": 0.5, "Male": 0.48, "Not known": 0.02},
    "ethnicity": {"White": 0.8, "Mixed": 0.07, "Asian or Asian British": 0.06,
                  "Black or Black British": 0.04, "Other ethnic group": 0.02, "Not known": 0.01},
    "disability": {"Disabled": 0.1, "Not disabled": 0.85, "Not known": 0.05},
}
TOOL_SHARES = {"tool": {"GCP2": 0.6, "NTK": 0.1, "WECAN": 0.3}}
TOOL_INDICATORS = {"neglect_tools_completed", "neglect_tools_improved"}
NOT_ABOUT_CHILDREN = {"assessment_timeliness", "two_year_takeup", "referrals_neglect",
                      "referral_nfa", "step_downs", "step_down_sustained"}


def _breakdowns(values: pd.DataFrame, threshold: int, poison: bool) -> pd.DataFrame:
    """indicator_breakdowns rows: each dimension's categories split the partnership figure
    (the last category takes the remainder, so they sum to All)."""
    units = {c[0]: c[2] for c in CATALOGUE}
    rows = []
    partnership = values[(values["locality"] == "All") & (values["agency"] == "All")]
    if "council" in values:
        partnership = partnership[partnership["council"] == "All"]
    for r in partnership.itertuples():
        if r.indicator_id in NOT_ABOUT_CHILDREN:
            continue
        percent = units[r.indicator_id] == "percent"
        shares = TOOL_SHARES if r.indicator_id in TOOL_INDICATORS else BREAKDOWN_SHARES
        for dimension, split in shares.items():
            rows.append((r.indicator_id, r.period_end, dimension, "All", r.numerator,
                         r.denominator if percent else None))
            left_n = r.numerator
            left_d = r.denominator if percent else None
            for i, (category, share) in enumerate(split.items()):
                last = i == len(split) - 1
                n = left_n if last else min(left_n, int(r.numerator * share))
                d = (left_d if last else min(left_d, int(r.denominator * share))) if percent else None
                left_n -= n
                left_d = left_d - d if percent else None
                rows.append((r.indicator_id, r.period_end, dimension, category, n, d))
    cells = pd.DataFrame(rows, columns=["indicator_id", "period_end", "dimension", "category",
                                        "numerator", "denominator"])
    den = cells["denominator"].astype(float)
    cells["value"] = np.where(den.notna(), np.where(den > 0, cells["numerator"] / den * 100,
                                                   np.nan), cells["numerator"])
    small = lambda s: (s >= 1) & (s <= threshold)  # noqa: E731
    cells["suppressed"] = small(cells["numerator"]) | small(den.fillna(0))
    if poison:
        hide = cells["suppressed"]
        cells.loc[hide, "numerator"] = SENTINEL_NUM
        cells.loc[hide & den.notna(), "denominator"] = SENTINEL_DEN
        cells.loc[hide, "value"] = SENTINEL_VALUE
    cells["numerator"] = cells["numerator"].astype("int64")
    cells["denominator"] = cells["denominator"].astype(float)
    return cells


def _manual(end: pd.Timestamp, poison: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """seed_manual_measures (the repo's) and manual_values: quarterly entered figures."""
    declared = pd.read_csv(SEEDS / "manual_measures.csv")
    rows = []
    quarters = pd.date_range(end=end, periods=8, freq="QE-MAR")
    for m in declared.itertuples():
        for i, q in enumerate(quarters):
            if m.frequency == "annual" and q.month != 3:
                continue
            if m.unit == "percent":
                den = 20 + i
                num = 10 + i
                rows.append((m.id, q, "All", "All", num, float(den), num / den * 100, False))
                # an agency's own small audit: suppressed for viewers
                rows.append((m.id, q, "All", "POL", 3, 4.0, 75.0, True))
            else:
                rows.append((m.id, q, "All", "All", 5 + i, None, float(5 + i), False))
    values = pd.DataFrame(rows, columns=["measure_id", "period_end", "locality", "agency",
                                         "numerator", "denominator", "value", "suppressed"])
    if poison:
        hide = values["suppressed"]
        values.loc[hide, "numerator"] = SENTINEL_NUM
        values.loc[hide, "denominator"] = SENTINEL_DEN
        values.loc[hide, "value"] = SENTINEL_VALUE
    values["source"] = "Multi-agency audit (test)"
    values["owner"] = "Quality assurance lead (test)"
    values["note"] = None
    return declared, values


def _catalogue(groups: dict[str, str] | None = None,
               sectors: dict[str, str] | None = None) -> pd.DataFrame:
    strategies = pd.read_csv(SEEDS / "strategies.csv")
    by_ind = strategies.groupby("indicator_id")["strategy"].agg(lambda s: "; ".join(dict.fromkeys(s)))
    rows = []
    for sort, (iid, title, unit, polarity, breakdown, freq, _n, _d) in enumerate(CATALOGUE, 1):
        rows.append({
            "indicator_id": iid, "title": title, "unit": unit, "polarity": polarity,
            "breakdown": breakdown, "frequency": freq,
            "definition": f"{title}: numerator ÷ denominator over the rolling 12 months (test).",
            "numerator_label": "records counted", "denominator_label": (
                "children 0-17" if unit == "rate" else "records" if unit == "percent" else ""),
            "strategies": by_ind.get(iid, ""), "sort_order": sort,
            "period_kind": ("term" if freq == "termly" else
                            "month_end" if iid in SNAPSHOTS else "rolling_12_months"),
            "window_lag_months": 6 if iid == "step_down_sustained" else 0,
            "spc_series": (None if freq == "termly" else
                           "snapshot" if iid in SNAPSHOTS else "in_month"),
            "look_back_months": 0, "first_period": None,
            "breakdowns": (None if iid in NOT_ABOUT_CHILDREN else
                           "tool" if iid in TOOL_INDICATORS else "characteristics"),
            # catalogue `group` and `agency_sectors` when a test names them (build(groups=...));
            # without, a database published before the catalogue had them
            **({"indicator_group": groups.get(iid, "")} if groups else {}),
            **({"agency_sectors": sectors.get(iid, "")} if sectors else {}),
        })
    return pd.DataFrame(rows)


_BUILT: dict[str, Path] = {}  # the options of each database built in this process -> it


def build(path: Path, **options) -> Path:
    """Write the fake published database (``_build``'s options) to ``path``, replacing it,
    and return the path. Each set of options is built once per test process (about a CPU
    second each) and copied after that: the same tables, in a file of the caller's own."""
    path = Path(path)
    key = repr(sorted(options.items()))
    built = _BUILT.get(key)
    if built is None or not built.exists():
        folder = Path(tempfile.mkdtemp(prefix="lscp-fake-db-"))
        atexit.register(shutil.rmtree, folder, True)
        built = _BUILT[key] = _build(folder / "lscp.duckdb", **options)
    path.unlink(missing_ok=True)
    shutil.copyfile(built, path)
    history = Path(str(path) + ".history.jsonl")
    history.unlink(missing_ok=True)
    if Path(str(built) + ".history.jsonl").exists():
        shutil.copyfile(str(built) + ".history.jsonl", history)
    return path


def _build(path: Path, *, poison: bool = False, seed: int = 7, months: int = 30,
          end: str = "2025-09-30", failed_run_after: bool = False, threshold: int = 5,
          councils: int = 1, council_column: bool = False,
          groups: dict[str, str] | None = None, sectors: dict[str, str] | None = None) -> Path:
    """Write the fake published database to ``path`` (replacing it) and return the path.

    ``councils=2``: a partnership of two councils (COUNCILS) as outputs.md publishes it: a
    ``council`` column, the ``councils`` table, localities with their council's code, each
    council's ``Unknown (<council>)``, and SMALL_COUNCIL_CELLS suppressed. With one council,
    ``council_column=True`` adds the column (all ``All``); without, the table is as published
    before councils."""
    path = Path(path)
    path.unlink(missing_ok=True)
    rng = np.random.default_rng(seed)
    end_ts = pd.Timestamp(end)
    values = _values(rng, months, end_ts, threshold, poison, councils, council_column)
    catalogue = _catalogue(groups, sectors)
    manual = _manual(end_ts, poison)
    localities = pd.DataFrame(LOCALITIES, columns=["locality_code", "locality_name"])
    localities["idaci_decile"] = [2, 5, 3, 9, 7][:len(localities)]  # fictional deprivation
    council_table = pd.DataFrame([(code, name) for code, name, _ in COUNCILS[:councils]]
                                 if councils > 1 else [], columns=["la_code", "name"],
                                 dtype=str)
    if councils > 1:
        code_of = {n: code for code, _c, names in COUNCILS for n in names}
        localities["la_code"] = localities["locality_name"].map(code_of)
    agencies = pd.DataFrame(AGENCIES, columns=["agency_code", "agency_name", "sector",
                                               "referral_sources"])
    benchmarks = pd.read_csv(SEEDS / "benchmarks.csv")
    targets = pd.read_csv(SEEDS / "targets.csv")
    strategies = pd.read_csv(SEEDS / "strategies.csv", keep_default_na=False)
    strategies["launch_date"] = pd.to_datetime(strategies["launch_date"].replace("", None))
    run_id = "20251005T023000Z"
    started = pd.Timestamp("2025-10-05 02:30:00")
    runs = pd.DataFrame([
        {"run_id": "20250905T023000Z", "started_at": pd.Timestamp("2025-09-05 02:30:00"),
         "finished_at": pd.Timestamp("2025-09-05 02:31:10"), "status": "published",
         "as_at": pd.Timestamp("2025-08-31").date(), "inbox": "/srv/lscp/inbox",
         "seeds": "/srv/lscp/seeds", "message": "published"},
        {"run_id": run_id, "started_at": started, "finished_at": started + pd.Timedelta(minutes=1),
         "status": "published", "as_at": end_ts.date(), "inbox": "/srv/lscp/inbox",
         "seeds": "/srv/lscp/seeds", "message": "published with 3 quarantined rows"},
    ])
    extracts = ["children", "referrals", "assessments", "cin_plans", "cp_plans", "looked_after",
                "early_help", "attendance", "two_year_olds", "neglect_tools"]
    load_report = pd.DataFrame([{
        "run_id": run_id, "extract": e, "file": f"{e}.csv", "sha256": f"{i:02d}" + "ab" * 31,
        "rows_read": 1000 + i, "rows_loaded": 1000 + i - (3 if e == "referrals" else 0),
        "rows_quarantined": 3 if e == "referrals" else 0,
        "status": "unchanged" if e == "two_year_olds" else "loaded", "message": "",
        "source_format": "csv + cin_xml" if e == "children" else "csv",
    } for i, e in enumerate(extracts)])
    quarantine = pd.DataFrame([
        {"run_id": run_id, "extract": "referrals", "file": "referrals.csv", "line": 17,
         "rule": "bad_date", "column": "referral_date", "value": "31/02/2025"},
        {"run_id": run_id, "extract": "referrals", "file": "referrals.csv", "line": 240,
         "rule": "unknown_code", "column": "referral_source", "value": "ZZ"},
        {"run_id": run_id, "extract": "referrals", "file": "referrals.csv", "line": 512,
         "rule": "orphan_child", "column": "child_id", "value": "9f2c1a7e"},
    ])
    meta = pd.DataFrame([("as_at", str(end_ts.date())), ("run_id", run_id),
                         ("built_at", "2025-10-05T02:31:10+00:00"), ("lscp_version", "0.1.0"),
                         ("suppression_threshold", str(threshold))], columns=["key", "value"])
    con = duckdb.connect(str(path))
    try:
        tables = {"indicator_values": values, "indicator_catalogue": catalogue,
                  "indicator_breakdowns": _breakdowns(values, threshold, poison),
                  "seed_manual_measures": manual[0], "manual_values": manual[1],
                  "seed_localities": localities, "seed_agencies": agencies,
                  "seed_benchmarks": benchmarks, "seed_targets": targets,
                  "seed_strategies": strategies, "runs": runs, "load_report": load_report,
                  "quarantine": quarantine, "meta": meta}
        if councils > 1 or council_column:
            tables["councils"] = council_table
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create table {name} as select * from frame")
            con.unregister("frame")
        con.execute("alter table indicator_values alter period_end type date")
        con.execute("alter table indicator_values alter numerator type bigint")
        con.execute("alter table indicator_breakdowns alter period_end type date")
        con.execute("alter table manual_values alter period_end type date")
        con.execute("alter table manual_values alter numerator type bigint")
        con.execute("alter table indicator_catalogue alter first_period type date")
        # the SPC series: the partnership's monthly values stand in for the in-month series
        con.execute("""create table indicator_monthly as
            select v.indicator_id, v.period_end, c.spc_series as series, v.numerator,
                   v.denominator, v.value, v.suppressed
            from indicator_values v join indicator_catalogue c using (indicator_id)
            where c.spc_series is not null and v.locality = 'All' and v.agency = 'All'
            """ + (" and v.council = 'All'" if "council" in values else ""))
        build_spc_table(con)
        # each quarter's own figure, as a run does; a poisoned month holds a sentinel, not its
        # count, so the quarters sum a small count (3 of 40) in its place
        con.execute(f"""update indicator_monthly set numerator = 3,
            denominator = case when denominator is null then null else 40 end
            where numerator = {SENTINEL_NUM}""")
        build_quarterly_tables(con, threshold)
        con.execute("checkpoint")
    finally:
        con.close()
    history = Path(str(path) + ".history.jsonl")
    history.unlink(missing_ok=True)
    if failed_run_after:
        failed = {"run_id": "20251006T023000Z", "started_at": "2025-10-06T02:30:00",
                  "finished_at": "2025-10-06T02:30:20", "status": "failed",
                  "as_at": None, "inbox": "/srv/lscp/inbox", "seeds": "/srv/lscp/seeds",
                  "message": "referrals.csv: missing required column: referral_date"}
        history.write_text(json.dumps(failed) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":  # python -m tests.dashboard.fake_db OUT.duckdb
    import sys

    print(build(Path(sys.argv[1]), poison="--poison" in sys.argv))


def context_only() -> set[str]:
    """The catalogue's indicators listed only under Context in the seeds' strategies (the
    pack gives them a summary line and no section)."""
    from dashboard.boardpack import context_only as only

    rows = pd.read_csv(SEEDS / "strategies.csv", keep_default_na=False)
    return only(rows) & {row[0] for row in CATALOGUE}
