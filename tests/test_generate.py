"""`lscp generate`: determinism, the spec's columns, realistic rates, and every fault kind.

Rates are measured with DuckDB over the generated CSVs (dates parsed the way the spec
allows), for the last 12 months of the window, and compared with bands around England's
published figures that the generator aims for.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import duckdb
import numpy as np
import pytest

from lscp_core.errors import UserError
from pipelines.synthetic import generate

END = dt.date(2026, 10, 31)
STAMP = "2026-10"

# spec/extracts.md, every column in the spec's order
EXTRACT_COLUMNS = {
    "children": ["child_id", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity",
                 "disability", "postcode", "upn"],
    "referrals": ["referral_id", "child_id", "referral_date", "referral_source", "primary_need",
                  "referral_nfa", "closure_date", "closure_reason", "neglect_flag"],
    "assessments": ["assessment_id", "referral_id", "child_id", "start_date", "authorised_date",
                    "factors"],
    "cin_plans": ["cin_plan_id", "referral_id", "child_id", "start_date", "end_date"],
    "cp_plans": ["cp_plan_id", "referral_id", "child_id", "start_date", "end_date",
                 "initial_category", "latest_category", "previous_cp_plans"],
    "looked_after": ["period_id", "child_id", "start_date", "end_date", "category_of_need",
                     "starts_care"],
    "early_help": ["episode_id", "child_id", "family_id", "lead_agency", "start_date",
                   "assessment_date", "end_date", "neglect_identified", "source", "end_reason"],
    "neglect_tools": ["tool_assessment_id", "child_id", "family_id", "tool", "agency",
                      "completed_date", "overall_grade", "physical_care", "safety",
                      "emotional_care", "developmental_care"],
    "two_year_olds": ["term", "child_id", "postcode", "registered"],
    "attendance": ["child_id", "academic_year", "term", "sessions_possible", "sessions_missed"],
    "manual_measures": ["measure_id", "period_end", "agency", "locality", "numerator",
                        "denominator", "value", "source", "owner", "note"],
    "contacts": ["contact_id", "child_id", "contact_date", "contact_source", "outcome"],
    "s47_enquiries": ["s47_id", "referral_id", "child_id", "start_date", "icpc_target_date",
                      "icpc_date", "icpc_not_required"],
    "cp_reviews": ["cp_plan_id", "review_date"],
    "health_appointments": ["appointment_id", "child_id", "agency", "appointment_date",
                            "service", "outcome"],
    "police_notifications": ["notification_id", "child_id", "incident_date", "kind",
                             "school_notified_date"],
    "missing_episodes": ["child_id", "kind", "start_date", "end_date"],
}
# extracts an agency sends as its own part (<extract>_<AGENCY>_<anything>)
PARTS = {"health_appointments": "HEALTH", "police_notifications": "POLICE"}


def fname(extract: str) -> str:
    """The generated file of an extract (an agency's part named with its code)."""
    agency = PARTS.get(extract)
    return f"{extract}_{agency}_{STAMP}.csv" if agency else f"{extract}_{STAMP}.csv"
SEED_COLUMNS = {
    "localities": ["locality_code", "locality_name", "idaci_decile"],
    "postcode_localities": ["postcode_prefix", "locality_code"],
    "population": ["locality_code", "year", "population_0_17"],
    "agencies": ["agency_code", "agency_name", "sector", "referral_sources"],
    "bank_holidays": ["date", "name"],
    "benchmarks": ["indicator_id", "geography", "period_label", "value", "source"],
    "targets": ["indicator_id", "target", "tolerance"],
    "strategies": ["strategy", "success_measure", "indicator_id", "launch_date", "how_measured",
                   "reason"],
    "spc_baselines": ["indicator_id", "kind", "month", "label", "reason"],
    "manual_measures": ["id", "title", "unit", "polarity", "frequency"],
}
RULES = {"required", "bad_date", "future_date", "unknown_code", "bad_yes_no", "bad_integer",
         "bad_format", "out_of_range", "bad_combination", "end_before_start", "duplicate",
         "orphan_child", "orphan_referral", "before_referral"}


def run(out: Path, **kw) -> Path:
    args = {"seed": 1, "children": 4000, "years": 5, "faults": False, "end_date": END}
    args.update(kw)
    generate(out, progress=None, **args)
    return out


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def header(path: Path, encoding: str = "utf-8") -> list[str]:
    with open(path, encoding=encoding, newline="") as f:
        return next(csv.reader(f))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("gen") / "demo", children=20_000)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("gen") / "faulty", faults=True, seed=3)


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path):
    a = digest(run(tmp_path / "a", faults=True, children=3000))
    b = digest(run(tmp_path / "b", faults=True, children=3000))
    c = digest(run(tmp_path / "c", seed=2, faults=True, children=3000))
    assert a == b
    assert len(a) > 12
    differing = [k for k in a if k.startswith("inbox/") and a[k] != c.get(k)]
    assert len(differing) >= 8


def test_every_extract_and_seed_file_has_the_spec_columns(demo):
    for extract, columns in EXTRACT_COLUMNS.items():
        assert header(demo / "inbox" / fname(extract)) == columns, extract
    for seed, columns in SEED_COLUMNS.items():
        assert header(demo / "seeds" / f"{seed}.csv") == columns, seed
    assert sorted(p.name for p in (demo / "inbox").iterdir()) == sorted(
        fname(e) for e in EXTRACT_COLUMNS)


def test_no_date_after_the_end_date_and_none_unreadable(demo):
    con = duckdb.connect()
    for extract in EXTRACT_COLUMNS:
        path = demo / "inbox" / fname(extract)
        for col in [c for c in EXTRACT_COLUMNS[extract] if c.endswith("_date") or c == "date_of_birth"]:
            bad, late = con.execute(
                f"select count(*) filter (where v is not null and d is null), "
                f"count(*) filter (where d > DATE '{END}') from (select v, {DATE.format('v')} d "
                f"from (select \"{col}\" v from read_csv(?, all_varchar=true)))", [str(path)]
            ).fetchall()[0]
            # a conference's target may fall after the data end (an enquiry just started)
            assert (bad, late if col != "icpc_target_date" else 0) == (0, 0), (extract, col)


def test_seeds_match_the_generated_partnership(demo):
    con = duckdb.connect()
    seeds = demo / "seeds"
    pop = con.execute(f"select min(year), max(year), sum(population_0_17) filter (where year = 2026) "
                      f"from read_csv('{seeds}/population.csv')").fetchall()[0]
    assert pop[0] == 2021 and pop[1] == 2026 and abs(pop[2] - 20_000) <= 10
    holidays = con.execute(f"select count(*), count(*) filter (where dayofweek(date) in (0, 6)) "
                           f"from read_csv('{seeds}/bank_holidays.csv')").fetchall()[0]
    assert holidays[0] >= 6 * 8 and holidays[1] == 0
    codes = {r[0] for r in con.execute(f"select locality_code from read_csv('{seeds}/localities.csv')").fetchall()}
    mapped = {r[0] for r in con.execute(
        f"select locality_code from read_csv('{seeds}/postcode_localities.csv')").fetchall()}
    assert 4 <= len(codes) <= 6 and mapped == codes
    agencies = list(csv.DictReader(open(seeds / "agencies.csv", encoding="utf-8")))
    listed = [c for a in agencies for c in a["referral_sources"].split(";") if c]
    assert len(listed) == len(set(listed))
    assert any(a["referral_sources"] == "" for a in agencies)
    assert not {"1A", "1B", "1C", "1D", "8", "9", "10"} & set(listed)
    # the repo's seeds describe the same partnership
    repo = Path(__file__).resolve().parents[1] / "seeds"
    for name in ("localities", "postcode_localities", "agencies"):
        assert (repo / f"{name}.csv").read_bytes() == (seeds / f"{name}.csv").read_bytes(), name


DATE = ("coalesce(try_strptime({0}, '%Y-%m-%d'), try_strptime({0}, '%d/%m/%Y'))::DATE")


def load(con, inbox: Path) -> None:
    """The extracts as views with dates parsed (ISO or UK)."""
    for extract, columns in EXTRACT_COLUMNS.items():
        cols = ", ".join(DATE.format(f'"{c}"') + f' as "{c}"' if c.endswith("_date") or
                         c == "date_of_birth" else f'"{c}"' for c in columns)
        con.execute(f"create view {extract} as select {cols} from "
                    f"read_csv('{inbox}/{fname(extract)}', all_varchar=true)")


def rates(folder: Path) -> dict[str, float]:
    con = duckdb.connect()
    load(con, folder / "inbox")
    pop = con.execute(f"select sum(population_0_17) from read_csv('{folder}/seeds/population.csv') "
                      "where year = 2026").fetchall()[0][0]
    year_start = "DATE '2025-11-01'"
    end = f"DATE '{END}'"
    q = lambda sql: con.execute(sql).fetchall()[0][0]  # noqa: E731
    out = {}
    out["referrals_per_10k"] = q(f"select count(*) from referrals where referral_date >= {year_start}") / pop * 1e4
    out["rereferral"] = q(
        f"select avg(case when exists (select 1 from referrals p where p.child_id = r.child_id "
        f"and p.referral_date < r.referral_date and p.referral_date >= r.referral_date - interval 12 month) "
        f"then 1 else 0 end) from referrals r where referral_date >= {year_start}")
    open_cp = (f"from cp_plans where start_date <= {end} and (end_date is null or end_date > {end})")
    out["cp_per_10k"] = q(f"select count(distinct child_id) {open_cp}") / pop * 1e4
    out["cp_neglect_share"] = q(
        f"select avg(case when upper(initial_category) in ('NEG', 'NEGLECT') then 1 else 0 end) {open_cp}")
    out["cp_repeat"] = q(
        "select avg(case when cast(previous_cp_plans as int) > 0 or exists (select 1 from cp_plans e "
        "where e.child_id = c.child_id and e.start_date < c.start_date) then 1 else 0 end) "
        "from cp_plans c where start_date >= DATE '2024-11-01'")
    auth = con.execute(f"select start_date, authorised_date from assessments "
                       f"where authorised_date >= {year_start}").fetchnumpy()
    holidays = np.array(con.execute(f"select date from read_csv('{folder}/seeds/bank_holidays.csv')")
                        .fetchnumpy()["date"], dtype="datetime64[D]")
    start = auth["start_date"].astype("datetime64[D]") + 1
    done = auth["authorised_date"].astype("datetime64[D]") + 1
    out["assessments_within_45"] = float((np.busday_count(start, done, holidays=holidays) <= 45).mean())
    out["two_year_takeup"] = q(
        "select avg(case when lower(registered) in ('y', 'yes', 'true', '1') then 1 else 0 end) "
        "from two_year_olds where term = '2026-SUM'")
    out["persistent_absence_eh"] = q(
        "with pupils as (select child_id, sum(sessions_missed::int) m, sum(sessions_possible::int) p "
        "from attendance where academic_year = '2025/26' and term = 'SUM' group by child_id) "
        "select avg(case when m / p >= 0.1 then 1 else 0 end) from pupils where child_id in "
        "(select child_id from early_help where start_date <= DATE '2026-07-31' "
        "and (end_date is null or end_date > DATE '2026-04-01'))")
    out["persistent_absence_all"] = q(
        "select avg(case when sessions_missed::int / sessions_possible::int >= 0.1 then 1 else 0 end) "
        "from attendance where academic_year = '2025/26' and term = 'SUM'")
    out["rc9"] = q("select count(*) from referrals where closure_reason = 'RC9'")
    out["rc7_step_downs"] = q(
        "select count(*) from referrals r where closure_reason = 'RC7' and exists (select 1 from "
        "early_help e where e.child_id = r.child_id and e.start_date between "
        "r.closure_date - 7 and r.closure_date + 28)")
    out["care_n1_share"] = q("select avg(case when category_of_need = 'N1' then 1 else 0 end) from looked_after")
    # the child's journey (the 12 months to the end)
    out["contacts_per_referral"] = q(
        f"select count(*) from contacts where contact_date >= {year_start}") / q(
        f"select count(*) from referrals where referral_date >= {year_start}")
    out["s47_per_10k"] = q(f"select count(*) from s47_enquiries where start_date >= {year_start}") / pop * 1e4
    out["s47_per_cp_start"] = q(
        f"select count(*) from s47_enquiries where start_date >= {year_start}") / q(
        f"select count(*) from cp_plans where start_date >= {year_start}")
    out["icpc_within_15"] = q(
        f"select avg(case when icpc_date <= icpc_target_date then 1 else 0 end) from s47_enquiries "
        f"where icpc_date >= {year_start} and icpc_target_date is not null")
    out["cla_missing"] = q(
        f"select count(distinct m.child_id) / (select count(distinct child_id) from looked_after "
        f"where start_date <= {end} and (end_date is null or end_date >= {year_start})) "
        f"from missing_episodes m where kind = 'M' and start_date >= {year_start}")
    out["was_not_brought"] = q(
        f"select avg(case when outcome = 'WAS_NOT_BROUGHT' then 1 else 0 end) from health_appointments "
        f"where appointment_date >= {year_start} and outcome <> 'CANCELLED_BY_SERVICE'")
    out["tool_rescores_improved"] = q(
        "with t as (select overall_grade::int g, lag(overall_grade::int) over (partition by child_id, tool "
        "order by completed_date, tool_assessment_id) prev from neglect_tools) "
        "select avg(case when g < prev then 1 else 0 end) from t where g is not null and prev is not null")
    return out


def test_rates_are_close_to_englands(demo):
    r = rates(demo)
    assert 400 <= r["referrals_per_10k"] <= 620, r
    assert 0.14 <= r["rereferral"] <= 0.27, r
    assert 28 <= r["cp_per_10k"] <= 55, r
    assert 0.38 <= r["cp_neglect_share"] <= 0.62, r
    assert 0.15 <= r["cp_repeat"] <= 0.32, r
    assert 0.70 <= r["assessments_within_45"] <= 0.90, r
    assert 0.60 <= r["two_year_takeup"] <= 0.82, r
    assert 0.30 <= r["persistent_absence_eh"] <= 0.52, r
    assert r["persistent_absence_all"] < r["persistent_absence_eh"] - 0.1, r
    assert r["rc9"] > 0 and r["rc7_step_downs"] > 0, r
    assert r["care_n1_share"] > 0.5, r
    assert r["tool_rescores_improved"] > 0.45, r
    assert 1.8 <= r["contacts_per_referral"] <= 3.5, r
    assert 120 <= r["s47_per_10k"] <= 260, r
    assert 3.5 <= r["s47_per_cp_start"] <= 6.5, r
    assert 0.7 <= r["icpc_within_15"] <= 0.9, r
    assert 0.05 <= r["cla_missing"] <= 0.2, r
    assert 0.05 <= r["was_not_brought"] <= 0.15, r


def test_the_journey_extracts_hang_together(demo):
    """Contacts before referrals, enquiries and conferences before plans, reviews of plans,
    appointments and notifications of children known to services, missing in care."""
    con = duckdb.connect()
    load(con, demo / "inbox")
    q = lambda sql: con.execute(sql).fetchall()[0][0]  # noqa: E731
    # every referral has a REFERRAL contact of its child 0-2 days before, same source
    assert q("select count(*) from referrals r where not exists (select 1 from contacts c "
             "where c.child_id = r.child_id and c.outcome = 'REFERRAL' and c.contact_date "
             "between r.referral_date - 2 and r.referral_date)") == 0
    # every CP plan: a conference of the child on its start day or up to 7 days before,
    # after the enquiry's start
    assert q("select count(*) from cp_plans p where not exists (select 1 from s47_enquiries s "
             "where s.child_id = p.child_id and s.icpc_date between p.start_date - 7 and "
             "p.start_date and s.start_date <= s.icpc_date)") == 0
    # reviews are of plans, between the plan's start and end
    assert q("select count(*) from cp_reviews r left join cp_plans p using (cp_plan_id) "
             "where p.cp_plan_id is null or r.review_date <= p.start_date or "
             "r.review_date > coalesce(p.end_date, DATE '9999-12-31')") == 0
    assert q("select count(*) from cp_reviews") > q("select count(*) from cp_plans")
    for extract in ("health_appointments", "police_notifications", "contacts",
                    "missing_episodes"):
        assert q(f"select count(*) from {extract} where child_id not in "
                 "(select child_id from children)") == 0, extract
    # most appointments while an early help episode or a plan is open
    assert q("select avg(case when exists (select 1 from early_help e where e.child_id = a.child_id "
             "and a.appointment_date between e.start_date and coalesce(e.end_date, DATE '9999-12-31')) "
             "or exists (select 1 from cp_plans p where p.child_id = a.child_id and "
             "a.appointment_date between p.start_date and coalesce(p.end_date, DATE '9999-12-31')) "
             "or exists (select 1 from cin_plans p where p.child_id = a.child_id and "
             "a.appointment_date between p.start_date and coalesce(p.end_date, DATE '9999-12-31')) "
             "then 1 else 0 end) from health_appointments a") > 0.6
    # every missing episode starts in a period of care of the child
    assert q("select count(*) from missing_episodes m where not exists (select 1 from "
             "looked_after l where l.child_id = m.child_id and m.start_date between "
             "l.start_date and coalesce(l.end_date, DATE '9999-12-31'))") == 0
    assert q("select count(distinct outcome) from health_appointments") == 4
    assert q("select count(*) from police_notifications where kind = 'DOMESTIC_ABUSE' "
             "and school_notified_date is null") > 0


def test_localities_differ_and_rates_move_over_time(demo):
    con = duckdb.connect()
    load(con, demo / "inbox")
    con.execute(f"create table pl as select * from read_csv('{demo}/seeds/postcode_localities.csv')")
    by_loc = con.execute(
        "select pl.locality_code, count(*) from referrals r join children c using (child_id) "
        "join pl on pl.postcode_prefix = regexp_extract(upper(c.postcode), '^(NS[0-9]+)') "
        "group by 1").fetchall()
    assert len(by_loc) == 5
    counts = sorted(n for _c, n in by_loc)
    assert counts[-1] > 1.5 * counts[0]
    takeup = con.execute(
        "select left(term, 4) y, avg(case when lower(registered) in ('y','yes','true','1') then 1 else 0 end) "
        "from two_year_olds group by 1 order by 1").fetchall()
    assert takeup[-1][1] > takeup[0][1] + 0.02


def test_awkward_cases_are_present(demo):
    con = duckdb.connect()
    load(con, demo / "inbox")
    raw = {e: f"read_csv('{demo}/inbox/{fname(e)}', all_varchar=true)" for e in EXTRACT_COLUMNS}
    q = lambda sql: con.execute(sql).fetchall()[0][0]  # noqa: E731
    assert q("select max(n) from (select count(*) n from referrals group by child_id)") >= 5
    assert q("select count(*) from (select 1 from referrals group by child_id, referral_date having count(*) > 1)") > 0
    assert q("select count(*) from cp_plans where end_date is null") > 0
    assert q("select count(*) from children where date_of_birth is null "
             "and expected_date_of_birth is not null") > 0
    assert q("select count(*) from referrals where referral_date = DATE '2024-02-29'") > 0
    assert q(f"select count(*) from {raw['children']} where postcode is null") > 0
    assert q(f"select count(*) from {raw['children']} where regexp_full_match(postcode, 'NS[0-9]+[0-9][A-Z]{{2}}')") > 0
    assert q(f"select count(*) from {raw['children']} where postcode <> upper(postcode)") > 0
    assert q(f"select count(*) from {raw['children']} where postcode like 'NS14 %' or postcode like 'NS99 %'") > 0
    assert q(f"select count(*) from {raw['children']} where sex in ('1', '2', '0', '9')") > 0
    assert q(f"select count(*) from {raw['referrals']} where regexp_full_match(referral_date, '[0-9]{{2}}/[0-9]{{2}}/[0-9]{{4}}')") > 0
    assert q(f"select count(*) from {raw['early_help']} where regexp_full_match(start_date, '[0-9]/[0-9]{{1,2}}/[0-9]{{4}}')") > 0
    assert q(f"select count(*) from {raw['cp_plans']} where initial_category = 'Neglect'") > 0
    assert q(f"select count(*) from {raw['referrals']} where referral_nfa in ('Yes', 'true', '1', 'yes', 'TRUE', 'y')") > 0
    assert q(f"select count(*) from {raw['neglect_tools']} where overall_grade is null") > 0
    assert q("select count(*) from referrals where closure_reason = 'RC9'") > 0
    # a sector that the seeds give to another locality than its outward code
    assert q(f"select count(*) from {raw['children']} where postcode like 'NS3 4%'") > 0


def test_faults_manifest_covers_every_rule_and_file_faults(faulty):
    rows = list(csv.DictReader(open(faulty / "faults.csv", encoding="utf-8")))
    assert {r["rule"] for r in rows} == RULES | {"file"}
    files = {(r["extract"], r["value"]) for r in rows if r["rule"] == "file"}
    assert files == {("looked_after", "missing required column: category_of_need"),
                     ("attendance", "empty file")}
    values = {r["value"] for r in rows}
    assert {"12/25/2025", "29/02/2025", "21;16A"} <= values
    assert any(v.startswith("03/04/") and len(v) == 8 for v in values)


def test_fault_lines_point_at_the_faulty_values(faulty):
    inbox = faulty / "inbox"
    for r in csv.DictReader(open(faulty / "faults.csv", encoding="utf-8")):
        if r["rule"] == "file" or r["file"].endswith(".xlsx"):
            continue
        encoding = "cp1252" if r["extract"] == "children" else "utf-8"
        with open(inbox / r["file"], encoding=encoding, newline="") as f:
            lines = list(csv.reader(f))
        names = lines[0]
        row = lines[int(r["line"]) - 1]
        assert row[names.index(r["column"])] == r["value"], r


def test_bad_files_are_newer_and_encodings_are_real(faulty):
    inbox = faulty / "inbox"
    la = sorted(inbox.glob("looked_after_*"), key=lambda p: (p.stat().st_mtime, p.name))
    assert la[-1].name.endswith("_resend.csv") and "category_of_need" not in header(la[-1])
    att = sorted(inbox.glob("attendance_*"), key=lambda p: (p.stat().st_mtime, p.name))
    assert att[-1].stat().st_size == 0
    children = (inbox / f"children_{STAMP}.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        children.decode("utf-8")
    text = children.decode("cp1252")
    assert "£" in text and "é" in text and "ë" in text
    assert header(inbox / f"children_{STAMP}.csv", "cp1252")[:8] == EXTRACT_COLUMNS["children"]


def test_neglect_tools_workbook_has_date_cells_and_text_dates(faulty):
    import fastexcel

    path = faulty / "inbox" / f"neglect_tools_{STAMP}.xlsx"
    assert zipfile.is_zipfile(path)
    sheet = fastexcel.read_excel(str(path)).load_sheet(0)
    frame = sheet.to_pandas()
    assert list(frame.columns) == EXTRACT_COLUMNS["neglect_tools"]
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert 's="1"><v>' in xml  # date cells
    assert "31/02/2025" in xml  # a text date (bad) among them
    texts = [v for v in frame["completed_date"] if isinstance(v, str)]
    assert texts  # some completed dates typed as text


def test_bad_arguments_and_foreign_folders_are_refused(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(UserError, match="not empty"):
        run(tmp_path / "mine")
    with pytest.raises(UserError, match="--children"):
        run(tmp_path / "x", children=10)
    with pytest.raises(UserError, match="future"):
        run(tmp_path / "x", end_date=dt.date.today() + dt.timedelta(days=40))
    # a previous output is replaced, stale files included
    out = run(tmp_path / "again", faults=True)
    run(out)
    assert not (out / "faults.csv").exists()
    assert not list((out / "inbox").glob("*_resend.csv"))


@pytest.mark.slow  # ingest runs Great Expectations: about 15 s
def test_ingest_quarantines_exactly_the_manifest_and_loads_the_rest(faulty):
    """The manifest is the contract with ingest: every bad row lands in quarantine under
    its rule, file and line; nothing else is quarantined; the bad files fail whole."""
    from pipelines.ingest import ingest

    con = duckdb.connect()
    result = ingest(con, faulty / "inbox", faulty / "seeds", run_id="r1", key=b"test key",
                    run_date=dt.date(2026, 11, 23), previous=None)
    got = set(con.execute('select extract, file, line::varchar, rule, "column" from quarantine')
              .fetchall())
    rows = list(csv.DictReader(open(faulty / "faults.csv", encoding="utf-8")))
    want = {(r["extract"], r["file"], r["line"], r["rule"], r["column"])
            for r in rows if r["rule"] != "file"}
    assert got == want
    failed = {(r["extract"], r["file"], r["message"]) for r in result.reports
              if r["status"] == "failed"}
    assert failed == {(r["extract"], r["file"], r["value"]) for r in rows if r["rule"] == "file"}


def test_a_tiny_partnership_with_faults_still_writes_every_extract(tmp_path):
    # one year of 500 children has almost no CP plans or periods of care to copy from
    out = run(tmp_path / "tiny", children=500, years=1, faults=True)
    names = {p.name.split(f"_{STAMP}")[0].removesuffix("_HEALTH").removesuffix("_POLICE")
             for p in (out / "inbox").iterdir()}
    assert names == set(EXTRACT_COLUMNS)
    rows = list(csv.DictReader(open(out / "faults.csv", encoding="utf-8")))
    assert {"duplicate", "orphan_child", "file"} <= {r["rule"] for r in rows}


def test_census_and_ssd_formats_write_the_files_partnerships_hold(tmp_path):
    from pipelines.ingest.readers import ssd, ssda903

    generate(tmp_path / "census", seed=2, children=500, years=2, progress=None,
             end_date=dt.date(2025, 9, 30), fmt="census")
    names = sorted(p.name for p in (tmp_path / "census" / "inbox").iterdir())
    # one census file per collection year touched (2023-24 to 2025-26), SSDA903, other CSVs
    assert [n for n in names if n.endswith(".xml")] == [
        f"cin_census_{y}_2025-09.xml" for y in ("2023-24", "2024-25", "2025-26")]
    inbox = tmp_path / "census" / "inbox"
    assert ssda903.kind_of(inbox / "ssda903_episodes_2025-09.csv") == "episodes"
    assert ssda903.kind_of(inbox / "ssda903_header_2025-09.csv") == "header"
    assert ssda903.kind_of(inbox / "ssda903_missing_2025-09.csv") == "missing"
    census = "".join(p.read_text() for p in inbox.glob("*.xml"))
    assert "<Section47>" in census and "<CPPreviewDate>" in census
    assert not [n for n in names if n.startswith(("s47_enquiries_", "cp_reviews_",
                                                  "missing_episodes_"))]
    assert "contacts_2025-09.csv" in names and "health_appointments_HEALTH_2025-09.csv" in names
    assert not [n for n in names if n.startswith(("referrals_", "cp_plans_", "looked_after_"))]
    assert "children_2025-09.csv" in names and "early_help_2025-09.csv" in names

    generate(tmp_path / "ssd", seed=2, children=500, years=2, progress=None,
             end_date=dt.date(2025, 9, 30), fmt="ssd")
    inbox = tmp_path / "ssd" / "inbox"
    tables = {ssd.table_of(p) for p in inbox.glob("ssd_*.csv")}
    assert tables == set(ssd.TABLES)
    assert "neglect_tools_2025-09.csv" in {p.name for p in inbox.iterdir()}


def test_faults_only_with_the_csv_format(tmp_path):
    with pytest.raises(UserError, match="--faults"):
        generate(tmp_path / "x", children=500, faults=True, progress=None, fmt="census")
    with pytest.raises(UserError, match="--format"):
        generate(tmp_path / "x", children=500, progress=None, fmt="xml")


def test_twenty_years_of_history_at_the_same_size_a_year(tmp_path):
    """`--years 20`: referrals over the whole twenty years at the five-year partnership's
    yearly rate (the same children on any day, so the rows grow with the years, no faster),
    and children born up to 17 years before the history starts."""
    five, twenty = run(tmp_path / "five", years=5), run(tmp_path / "twenty", years=20)

    def read(folder: Path, extract: str, columns: str):
        return duckdb.sql(f"select {columns} from read_csv('{folder}/inbox/{extract}_{STAMP}.csv',"
                          " all_varchar = true)").fetchall()

    def day(text: str) -> dt.date:  # the extracts write ISO and UK dates, as agencies do
        if "/" in text:
            d, m, y = (int(x) for x in text.split("/"))
            return dt.date(y, m, d)
        return dt.date.fromisoformat(text[:10])

    start = dt.date(END.year - 20, END.month, END.day) + dt.timedelta(days=1)
    dates = [day(d) for (d,) in read(twenty, "referrals", "referral_date")]
    assert min(dates) < start + dt.timedelta(days=60) and max(dates) <= END
    per_year = {y: sum(d.year == y for d in dates) for y in range(start.year + 1, END.year)}
    assert min(per_year.values()) > 0.6 * max(per_year.values())  # no empty or crowded years
    rows = {n: sum(1 for _ in open(f, encoding="utf-8")) for n, f in
            (("five", five / "inbox" / f"referrals_{STAMP}.csv"),
             ("twenty", twenty / "inbox" / f"referrals_{STAMP}.csv"))}
    assert 3.2 < rows["twenty"] / rows["five"] < 4.8
    births = [day(d) for (d,) in read(twenty, "children", "date_of_birth") if d]
    assert min(births) <= dt.date(start.year - 17, start.month, 1)
