"""``lscp export``: indicator_values as CSV, suppressed cells as `c`, formula injection
guarded, and a suppressed cell cannot be recovered from the rest of the export."""

import csv
from collections import defaultdict
from datetime import date

import duckdb
import pytest

from lscp_core.errors import UserError
from pipelines.export import export_csv
from tests.metrics.conftest import SOUTH, Partnership

E = "2024-06-30"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """One published database for the module's tests (they only read it)."""
    path = tmp_path_factory.mktemp("export") / "lscp.duckdb"
    con = duckdb.connect(str(path))
    p = Partnership(con)
    p.add("seed_localities", [{"locality_code": "X", "locality_name": "=HYPERLINK(\"x\")"},
                              {"locality_code": "Y", "locality_name": "-East"}])
    p.add("seed_postcode_localities", [{"postcode_prefix": "NS5", "locality_code": "X"},
                                       {"postcode_prefix": "NS6", "locality_code": "Y"}])
    p.add("seed_agencies", {"agency_code": "@AG", "referral_sources": "9"})
    p.anchor()
    # cla_neglect_starts in the year to E: North 3, South 9, East 7, =HYPERLINK 12
    for locality, postcode, n in [("n", "NS1 1AA", 3), ("s", SOUTH, 9), ("e", "NS6 1AA", 7),
                                  ("x", "NS5 1AA", 12)]:
        for i in range(n):
            p.child(f"{locality}{i}", postcode)
            p.add("looked_after", {"period_id": f"{locality}{i}", "child_id": f"{locality}{i}",
                                   "start_date": "2024-01-01", "category_of_need": "N1"})
    p.build(as_at="2024-12-31")
    con.close()
    return path


def read(path):
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_export_suppressed_and_unsuppressed(db, tmp_path):
    out = tmp_path / "values.csv"
    n = export_csv(db, out, unsuppressed=False)
    rows = read(out)
    assert n == len(rows) > 0
    assert list(rows[0]) == ["indicator_id", "period_end", "period_label", "council",
                             "locality", "agency", "numerator", "denominator", "value",
                             "suppressed"]
    assert {r["council"] for r in rows} == {"All"}  # a partnership of one council
    labels = {(r["indicator_id"], r["period_end"]): r["period_label"] for r in rows}
    assert labels[("cla_neglect_starts", E)] == "12 months to June 2024"
    assert labels[("cp_rate", E)] == "end of June 2024"
    assert labels[("step_down_sustained", "2024-12-31")] == (
        "12 months to June 2024, followed to December 2024")
    cla = {r["locality"]: r for r in rows
           if r["indicator_id"] == "cla_neglect_starts" and r["period_end"] == E}
    assert (cla["North"]["numerator"], cla["North"]["denominator"], cla["North"]["value"]) == (
        "c", "c", "c")
    assert cla["'-East"]["numerator"] == "c"  # secondary: the smallest other count
    assert cla["All"]["numerator"] == "31"
    assert cla["Unknown"]["numerator"] == "0"
    assert cla["Unknown"]["denominator"] == ""  # a count has no denominator

    full = tmp_path / "full.csv"
    assert export_csv(db, full, unsuppressed=True) == n
    cla = {r["locality"]: r for r in read(full)
           if r["indicator_id"] == "cla_neglect_starts" and r["period_end"] == E}
    assert cla["North"]["numerator"] == "3"
    assert cla["North"]["suppressed"] == "true"


def test_formula_injection_guard(db, tmp_path):
    out = tmp_path / "values.csv"
    export_csv(db, out, unsuppressed=False)
    rows = read(out)
    localities = {r["locality"] for r in rows}
    assert "'=HYPERLINK(\"x\")" in localities
    assert "'-East" in localities
    assert {"North", "South", "Unknown", "All"} <= localities
    assert "'@AG" in {r["agency"] for r in rows}
    assert not any(r[c][:1] in ("=", "+", "-", "@", "\t", "\r")
                   for r in rows for c in ("indicator_id", "locality", "agency"))


def test_suppressed_cells_cannot_be_recovered_from_all(db, tmp_path):
    out = tmp_path / "values.csv"
    export_csv(db, out, unsuppressed=False)
    groups = defaultdict(dict)
    for r in read(out):
        groups[(r["indicator_id"], r["period_end"], r["agency"])][r["locality"]] = r
    checked = 0
    for cells in groups.values():
        if cells["All"]["suppressed"] == "true":
            continue
        hidden = [loc for loc, r in cells.items() if loc != "All" and r["suppressed"] == "true"]
        if hidden:
            checked += 1
            # All minus the visible localities is the total of at least two hidden cells
            assert len(hidden) >= 2
    assert checked > 0


def test_the_database_is_opened_read_only(db, tmp_path):
    reader = duckdb.connect(str(db), read_only=True)  # e.g. the dashboard
    try:
        assert export_csv(db, tmp_path / "v.csv", unsuppressed=False) > 0
    finally:
        reader.close()


def test_errors_are_plain(tmp_path, db):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(UserError, match="no indicator_values"):
        export_csv(empty, tmp_path / "v.csv", unsuppressed=False)
    with pytest.raises(UserError, match="does not exist"):
        export_csv(db, tmp_path / "missing" / "v.csv", unsuppressed=False)


def test_values_keep_full_precision(db, tmp_path):
    out = tmp_path / "full.csv"
    export_csv(db, out, unsuppressed=True)
    con = duckdb.connect(str(db), read_only=True)
    expected = con.execute(
        "select value from indicator_values where indicator_id = 'cla_neglect_starts' "
        "and period_end = ? and locality = 'All' and agency = 'All'",
        [date(2024, 6, 30)]).fetchall()[0][0]
    con.close()
    row = next(r for r in read(out) if r["indicator_id"] == "cla_neglect_starts"
               and r["period_end"] == E and r["locality"] == "All")
    assert float(row["value"]) == expected


def test_numbers_are_unquoted_and_dates_iso(db, tmp_path):
    out = tmp_path / "plain.csv"
    export_csv(db, out, unsuppressed=True)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    row = next(line for line in lines if line.startswith(f"cla_neglect_starts,{E},"))
    fields = next(csv.reader([row]))
    assert fields[1] == E  # ISO date
    numerator = fields[6]  # after period_label, council, locality, agency
    assert f",{numerator}," in row and '"' not in row  # numbers as bare digits
    assert numerator.isdigit()


@pytest.mark.parametrize("unsuppressed", [True, False])
def test_counts_are_whole_numbers_and_values_full_precision(db, tmp_path, unsuppressed):
    out = tmp_path / "numbers.csv"
    export_csv(db, out, unsuppressed=unsuppressed)
    rows = read(out)
    con = duckdb.connect(str(db), read_only=True)
    fractional = con.execute(
        "select indicator_id, period_end, locality, agency, value from indicator_values "
        "where value <> trunc(value) and not suppressed and regexp_matches(locality, '^\\w') "
        "order by all limit 1").fetchall()
    whole_counts = con.execute(
        "select count(*) from indicator_values where denominator is not null").fetchall()[0][0]
    con.close()
    assert fractional and whole_counts
    for r in rows:
        for column in ("numerator", "denominator"):  # counts: "2492", never "2492.0"
            assert r[column] in ("", "c") or r[column].isdigit(), (column, r[column])
        assert r["value"] in ("", "c") or "." not in r["value"] or \
            not r["value"].endswith(".0"), r["value"]
    iid, day, locality, agency, value = fractional[0]
    row = next(r for r in rows if (r["indicator_id"], r["period_end"], r["locality"],
                                   r["agency"]) == (iid, str(day), locality, agency))
    assert row["value"] == repr(value)  # every digit Python prints for the double
    assert float(row["value"]) == value
