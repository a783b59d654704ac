"""Two stores (issue 17): the published database holds only what the pages read, no child's
record and no identifier; the working database holds pseudonymised child-level rows only.

A small generated partnership with every kind of fault (duplicate ids, orphans... so that
quarantined rows carry ids) goes through the real pipeline; then every table of each store is
scanned for identifying columns and for every raw identifier the inbox held.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import stat
from pathlib import Path

import duckdb
import pytest

from data_contracts import extract_contracts
from lscp_core.errors import UserError
from lscp_core.settings import Settings
from lscp_core.stores import PUBLISHED_TABLES
from pipelines.run import publish, run_pipeline

KEY = "73746f7265732d746573742d6b65792d6865782d3332"
END = dt.date(2025, 3, 31)
IDENTIFYING_COLUMN = re.compile(r"birth|dob|postcode|upn|name$", re.IGNORECASE)


@pytest.fixture(scope="module")
def partnership(tmp_path_factory) -> tuple[Path, Path]:
    from pipelines.synthetic import generate

    out = tmp_path_factory.mktemp("faulty")
    generate(out, seed=7, children=500, years=2, faults=True, end_date=END)
    return out / "inbox", out / "seeds"


@pytest.fixture(scope="module")
def stores(partnership, tmp_path_factory) -> tuple[Path, Path]:
    """(published, working) after one run."""
    inbox, seeds = partnership
    db = tmp_path_factory.mktemp("stores") / "lscp.duckdb"
    _run(inbox, seeds, db)
    return db, publish.work_path(db)


def _run(inbox: Path, seeds: Path, db: Path):
    mp = pytest.MonkeyPatch()
    mp.setenv("LSCP_KEY", KEY)
    try:
        return run_pipeline(inbox, db, seeds, as_at=END, settings=Settings())
    finally:
        mp.undo()


def _tables(db: Path) -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("select table_name, column_name, data_type from duckdb_columns() "
                           "where database_name = current_database()").fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        out.setdefault(table, []).append((column, dtype))
    return out


def _texts(db: Path) -> set[str]:
    """Every distinct text value in every table of ``db``."""
    con = duckdb.connect(str(db), read_only=True)
    seen: set[str] = set()
    try:
        for table, columns in _tables(db).items():
            for column, dtype in columns:
                if dtype == "VARCHAR":
                    seen.update(r[0] for r in con.execute(
                        f'select distinct "{column}" from "{table}" where "{column}" is not null'
                    ).fetchall())
    finally:
        con.close()
    return seen


def _raw_identifiers(inbox: Path, *, hashed_only: bool = False) -> set[str]:
    """Each id, UPN and postcode as the agencies sent it (CSV files of the inbox)."""
    contracts = extract_contracts()
    found: set[str] = set()
    for path in inbox.glob("*.csv"):
        extract = next((n for n in contracts if path.name.startswith(n + "_")), None)
        if extract is None:
            continue
        # hashed_only: what the working database must not hold either (it keeps postcodes
        # and the tool_assessment_id as sent)
        wanted = {c.name for c in contracts[extract].columns
                  if (c.pseudonymise or not c.stored) if hashed_only
                  or c.identifying and "birth" not in c.name}
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            text = path.read_text(encoding="cp1252")
        for row in csv.DictReader(text.splitlines()):
            found.update(v.strip() for k, v in row.items()
                         if k in wanted and isinstance(v, str) and len(v.strip()) >= 4)
    return found


def test_the_published_database_holds_only_the_tables_the_pages_read(stores):
    published, _work = stores
    tables = _tables(published)
    assert set(tables) <= set(PUBLISHED_TABLES)
    assert {"indicator_values", "quarantine", "load_report", "seed_localities"} <= set(tables)
    for table, columns in tables.items():
        for column, _type in columns:
            # reference data names places and agencies, never a person (the councils table
            # is seeds/councils.csv as the pages name the councils)
            assert not IDENTIFYING_COLUMN.search(column) or table.startswith("seed_") \
                or table == "councils", (table, column)
            assert column not in ("child_id", "referral_id", "family_id", "episode_id"), table


def test_no_raw_identifier_from_the_inbox_in_the_published_database(stores, partnership):
    published, _work = stores
    raw = _raw_identifiers(partnership[0])
    assert len(raw) > 300  # the scan has something to find
    texts = _texts(published)
    assert not raw & texts
    # nor inside a longer text (a message, a file name)
    long_texts = [t for t in texts if len(t) > 8]
    assert not [r for r in raw if any(r in t for t in long_texts)]


def test_the_working_database_holds_pseudonyms_not_ids_and_no_upn(stores, partnership):
    _published, work = stores
    tables = _tables(work)
    assert "src_children" in tables and "land_referrals" in tables
    raw = _raw_identifiers(partnership[0], hashed_only=True)
    assert len(raw) > 300
    assert not raw & _texts(work)
    con = duckdb.connect(str(work), read_only=True)
    try:
        assert con.execute("select count(*), count(upn) from src_children").fetchall()[0] > (0, 0)
        assert con.execute("select count(upn) from src_children").fetchall()[0][0] == 0
    finally:
        con.close()


def test_quarantine_is_published_without_identifying_values(stores):
    published, work = stores
    identifying = {(n, c.name) for n, con in extract_contracts().items() for c in con.columns
                   if c.identifying}
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute('select extract, "column", value from quarantine').fetchall()
    finally:
        con.close()
    ids = [r for r in rows if (r[0], r[1]) in identifying]
    others = [r for r in rows if (r[0], r[1]) not in identifying and r[1] is not None]
    assert ids and others  # the faults hit both kinds
    assert all(v is None for _e, _c, v in ids)
    assert any(v is not None for _e, _c, v in others)  # what can be shown still is
    wcon = duckdb.connect(str(work), read_only=True)
    try:
        assert wcon.execute("select count(*) from quarantine").fetchall()[0][0] == len(rows)
    finally:
        wcon.close()


def test_both_stores_are_readable_by_their_owner_only(stores):
    for path in stores:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_the_first_run_of_this_version_replaces_an_old_database_and_its_backup(
        stores, partnership, tmp_path):
    """An earlier version published everything in one file and kept it as .bak: both go, and
    the run still reuses the unchanged files from it."""
    inbox, seeds = partnership
    db = tmp_path / "lscp.duckdb"
    old = stores[1]  # a file with every child-level table, like an old published database
    shutil.copy2(old, db)
    shutil.copy2(old, publish.backup_path(db))
    assert publish.holds_more_than_published(db)

    result = _run(inbox, seeds, db)

    assert set(_tables(db)) <= set(PUBLISHED_TABLES)
    bak = publish.backup_path(db)
    assert not bak.exists()
    assert "src_children" in _tables(publish.work_path(db))
    con = duckdb.connect(str(db), read_only=True)
    try:
        statuses = {r[0] for r in con.execute(
            "select distinct status from load_report where run_id = ?", [result.run_id]
        ).fetchall()}
    finally:
        con.close()
    assert "unchanged" in statuses  # reused from the old file, not loaded again

    # the next run keeps a backup again: a published-only one
    _run(inbox, seeds, db)
    assert set(_tables(bak)) <= set(PUBLISHED_TABLES)
    assert stat.S_IMODE(bak.stat().st_mode) == 0o600


def test_serve_refuses_a_working_database(stores):
    from lscp_cli.serve import refuse_child_level

    published, work = stores
    refuse_child_level(published)  # the published one is fine
    with pytest.raises(UserError, match="children's records"):
        refuse_child_level(work)


def test_the_dashboard_will_not_read_a_working_database(stores):
    from dashboard.data import DatabaseUnavailable, LiveDatabase

    published, work = stores
    ok = LiveDatabase(published)
    try:
        assert len(ok.query("select * from meta")) > 0
    finally:
        ok.close()
    bad = LiveDatabase(work)
    try:
        with pytest.raises(DatabaseUnavailable, match="children's records"):
            bad.query("select * from meta")
    finally:
        bad.close()


def test_the_audit_log_survives_a_publish(stores, partnership):
    from lscp_core import audit

    published, _work = stores
    log = audit.audit_path(published)
    audit.record(log, user="ana@example.org", role="analyst", action="page_view", page="About")
    _run(*partnership, published)
    assert [e["user"] for e in audit.read(log)] == ["ana@example.org"]


def test_retention_deletes_old_deliveries_no_longer_in_force(partnership, tmp_path):
    import datetime as dt_
    import os

    from pipelines.run import retention

    src_inbox, seeds = partnership
    inbox = tmp_path / "inbox"
    shutil.copytree(src_inbox, inbox)
    day = 24 * 3600
    now = dt_.datetime.now().timestamp()
    current = sorted(inbox.glob("referrals_*"))[-1]
    stale = inbox / f"referrals_2020-01-01{current.suffix}"
    shutil.copy2(current, stale)
    os.utime(stale, (now - 730 * day, now - 730 * day))      # two years old, replaced
    os.utime(current, (now - 600 * day, now - 600 * day))    # old, but still in force
    recent = inbox / f"children_2020-01-01{current.suffix}"
    shutil.copy2(sorted(inbox.glob("children_*"))[-1], recent)
    os.utime(recent, (now - 1000 * day, now - 1000 * day))   # old and replaced
    notes = inbox / "notes.csv"
    notes.write_text("not an extract\n")
    os.utime(notes, (now - 2000 * day, now - 2000 * day))
    db = tmp_path / "lscp.duckdb"

    result = _run(inbox, seeds, db)

    assert sorted(result.purged) == sorted([stale.name, recent.name])
    assert not stale.exists() and not recent.exists()
    assert current.exists() and notes.exists()

    # months_before keeps to the calendar (month ends, leap years)
    assert retention.months_before(dt_.date(2025, 3, 31), 1) == dt_.date(2025, 2, 28)
    assert retention.months_before(dt_.date(2024, 3, 31), 13) == dt_.date(2023, 2, 28)
    assert retention.months_before(dt_.date(2025, 1, 15), 13) == dt_.date(2023, 12, 15)
    # 0 keeps everything; an unknown in-force set deletes nothing
    assert retention.purge_inbox(inbox, set(), 0, dt_.date.today()) == []
    os.utime(current, (now - 900 * day, now - 900 * day))
    assert retention.purge_inbox(inbox, None, 13, dt_.date.today()) == []
    assert current.exists()


def test_every_table_the_dashboard_reads_is_published():
    """A table a page queries but the publish leaves out would break that page in production
    only (the dashboard tests use a hand-built database): the queries are read for names."""
    root = Path(__file__).resolve().parents[1] / "dashboard"
    text = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    read = set(re.findall(r"\b(?:from|join)\s+([a-z][a-z_]+)\b(?=[\s\"')])", text))
    tables = {t for t in read if t.startswith("seed_") or t in PUBLISHED_TABLES
              or t.startswith(("indicator_", "spc"))}
    assert "seed_meetings" in tables and "load_report" in tables
    assert tables <= set(PUBLISHED_TABLES), tables - set(PUBLISHED_TABLES)
