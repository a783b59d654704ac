"""Figures that are not current are said so: on the scorecard, the board pack's first page
and the data-quality page (an extract whose delivery failed, or with no new file for longer
than its contract's rhythm: monthly 35 days, termly 130)."""

from __future__ import annotations

import duckdb

from dashboard import boardpack, freshness
from tests.dashboard import fake_db
from tests.dashboard.test_pages import texts


def _with_reports(path, rows):
    """Replace the fake database's load report with ``rows`` for a run 2025-10-05."""
    con = duckdb.connect(str(path))
    run = con.execute("select max(run_id) from runs").fetchall()[0][0]
    con.execute("delete from load_report")
    for extract, status, run_id in rows:
        con.execute("insert into load_report (run_id, extract, file, status) values (?, ?, ?, ?)",
                    [run_id or run, extract, f"{extract}.csv", status])
    con.close()


def test_the_rule_failed_late_never_and_current(use_db, tmp_path):
    path = fake_db.build(tmp_path / "lscp.duckdb")
    _with_reports(path, [("referrals", "loaded", "20250905T023000Z"),  # 30 days before
                         ("referrals", "failed", None),
                         ("children", "loaded", "20250905T023000Z"),
                         ("children", "unchanged", None),
                         ("attendance", "loaded", "20250905T023000Z"),
                         ("cp_plans", "loaded", None)])
    use_db(path)
    by = {f.extract: f for f in freshness.check({})}
    assert by["referrals"].status == "failed"
    assert by["children"].status == "current" and by["children"].age_days == 30
    assert by["attendance"].limit_days == 130 and by["attendance"].current
    assert by["cp_plans"].current
    late = {f.extract: f for f in freshness.check({"children": 20})}
    assert late["children"].status == "stale"  # lscp.toml overrides the contract's 35 days
    assert "no new file for 30 days (expected every 20)" in late["children"].sentence()
    assert "5 September 2025" in by["referrals"].sentence()


def test_the_scorecard_and_the_pack_name_what_is_not_current(app, use_db, tmp_path):
    path = fake_db.build(tmp_path / "lscp.duckdb")
    _with_reports(path, [("referrals", "loaded", "20250905T023000Z"),
                         ("referrals", "failed", None), ("children", "loaded", None)])
    use_db(path)
    at = app.run()
    shown = texts(at)
    assert "Some figures are not current" in shown
    assert "referrals: the latest delivery failed" in shown
    assert "children:" not in shown.split("Some figures are not current")[1].split("\n")[0]
    pack = boardpack.build("viewer", None, fake_db.pd.Timestamp("2025-09-30"))
    assert "Not all figures are current" in pack and "referrals: the latest delivery" in pack


def test_all_current_no_banner(app, use_db, tmp_path):
    path = fake_db.build(tmp_path / "lscp.duckdb")
    _with_reports(path, [(e, "loaded", None) for e in ("referrals", "children")])
    use_db(path)
    at = app.run()
    assert "Some figures are not current" not in texts(at)


def test_one_freshness_default_read_by_the_app_the_contracts_and_the_example(tmp_path):
    """Termly extracts were 130 days in the app and 120 in lscp.example.toml: now one default
    (lscp_core.settings), which the example only overrides when it names an extract."""
    import re
    import tomllib
    from pathlib import Path

    from data_contracts import extract_contracts
    from lscp_core import settings as s

    assert s.DEFAULT_FRESHNESS_DAYS["attendance"] == s.TERMLY_FRESHNESS_DAYS == 130
    contracts = extract_contracts()
    assert {n: c.expected_every_days for n, c in contracts.items()} == {
        n: s.DEFAULT_FRESHNESS_DAYS[n] for n in contracts}
    example = Path(__file__).parents[2] / "lscp.example.toml"
    text = example.read_text(encoding="utf-8")
    assert tomllib.loads(text)["dashboard"].get("freshness_days", {}) == {}
    said = text[text.index("[dashboard.freshness_days]") - 400:]
    assert f"monthly extracts {s.MONTHLY_FRESHNESS_DAYS}" in said
    assert re.search(rf"termly [a-z_ ]*{s.TERMLY_FRESHNESS_DAYS}\b", said)
    conf = tmp_path / "lscp.toml"
    conf.write_text("[dashboard.freshness_days]\nattendance = 150\n")
    loaded = s.load_settings(conf).freshness_days
    assert loaded == {**s.DEFAULT_FRESHNESS_DAYS, "attendance": 150}
    assert s.freshness_limit("attendance", loaded) == 150
    assert s.freshness_limit("two_year_olds", {}) == 130
    assert s.freshness_limit("no_such_extract") == s.MONTHLY_FRESHNESS_DAYS
