"""Build beside the live database, check, then swap atomically.

Two stores (``lscp_core.stores``): the working database (child-level, pseudonymised, reused by
the next run) and the published one (only what the pages read). Both are built beside their
live file and swapped in the same way; both are created 0600.

The live file is never opened for writing: DuckDB readers (the dashboard) hold a lock that
would block a writer, and a half-written file must never be seen. A run builds
``<db>.building``, CHECKPOINTs and closes it, hard-links the live file to ``<db>.bak`` and
``os.replace()``s the new file over the live one: one rename on one filesystem, so a reader
opening the path sees either the old file or the new one, whole. Readers that already have
the old file open keep reading it (its inode lives on) until they notice the swap.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import yaml

from lscp_core import commentary
from lscp_core.errors import RunFailed
from lscp_core.stores import PUBLISHED_TABLES, REQUIRED_TABLES, unpublishable
from lscp_core.stores import work_path as work_path

CATALOGUE_YAML = Path(__file__).resolve().parents[2] / "metrics" / "catalogue.yaml"


def building_path(db: Path) -> Path:
    return Path(str(db) + ".building")


def backup_path(db: Path) -> Path:
    return Path(str(db) + ".bak")


def remove_build(db: Path) -> None:
    """Remove a partial build (and its WAL), e.g. left by a killed run."""
    building = building_path(db)
    for path in (building, Path(str(building) + ".wal")):
        path.unlink(missing_ok=True)


def attach_previous(con, db: Path, alias: str = "prev") -> tuple[str | None, str | None]:
    """ATTACH the live database READ_ONLY; (alias, None) or (None, why it could not be used)."""
    if not db.exists():
        return None, None
    quoted = str(db).replace("'", "''")
    try:
        con.execute(f"attach '{quoted}' as {alias} (read_only)")
        con.execute(f"select count(*) from duckdb_tables() where database_name = '{alias}'")
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"previous database {db} could not be opened ({first}); built as a first run"
    return alias, None


def tables_of(path: Path) -> set[str] | None:
    """Table names in the database file ``path`` (None when it cannot be read)."""
    con = duckdb.connect(":memory:")
    try:
        alias, why = attach_previous(con, path, "peek")
        if not alias:
            return None
        return {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'peek'").fetchall()}
    finally:
        con.close()


def holds_more_than_published(path: Path) -> bool:
    """True for a database with child-level tables (a working database, or one an earlier
    version published) or one that cannot be read: a file that must not stay beside the
    published one."""
    if not path.exists():
        return False
    tables = tables_of(path)
    return tables is None or bool(unpublishable(tables))


def _identifying_columns_sql() -> str:
    """(extract, column) pairs whose offending value is never published."""
    from data_contracts import extract_contracts

    pairs = [f"('{c.name}', '{col.name}')" for c in extract_contracts().values()
             for col in c.columns if col.identifying]
    return ", ".join(pairs)


def write_published(work_building: Path, db: Path) -> dict[str, int]:
    """Build ``<db>.building`` from the checked working build: the published tables only, a
    quarantined row's value only where it cannot identify a child. Returns row counts."""
    target = building_path(db)
    remove_build(db)
    con = duckdb.connect(str(target))
    try:
        quoted = str(work_building).replace("'", "''")
        con.execute(f"attach '{quoted}' as work (read_only)")
        present = {r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = 'work'").fetchall()}
        for table in PUBLISHED_TABLES:
            if table == "quarantine" or table not in present:
                continue
            con.execute(f"create table main.{table} as select * from work.main.{table}")
        con.execute(
            "create table main.quarantine as select run_id, extract, file, line, rule, "
            "\"column\", case when (extract, \"column\") in "
            f"({_identifying_columns_sql()}) then null else value end as value "
            "from work.main.quarantine")
        con.execute("detach work")
        counts = check_database(con)
        con.execute("checkpoint")
    finally:
        con.close()
    return counts


def expected_indicator_ids() -> list[str]:
    # libyaml's safe loader when PyYAML has it (the same entries, a tenth of the time)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries = yaml.load(CATALOGUE_YAML.read_text(encoding="utf-8"), Loader=loader) or []  # noqa: S506
    return [str(e["id"]) for e in entries if isinstance(e, dict) and e.get("id")]


def check_database(con) -> dict[str, int]:
    """Refuse to publish a database the dashboard could not use. Returns row counts."""
    present = {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database()"
    ).fetchall()}
    missing = [t for t in REQUIRED_TABLES if t not in present]
    if missing:
        raise RunFailed(f"the new database has no {', '.join(missing)} table; nothing published")
    counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
              for t in REQUIRED_TABLES}
    if counts["indicator_values"] == 0:
        raise RunFailed("the new database has no indicator values; nothing published")
    have = {r[0] for r in con.execute(
        "select distinct indicator_id from indicator_catalogue").fetchall()}
    absent = [i for i in expected_indicator_ids() if i not in have]
    if absent:
        raise RunFailed(f"the indicator catalogue lacks {', '.join(absent[:5])}"
                        f"{' ...' if len(absent) > 5 else ''}; nothing published")
    computed = {r[0] for r in con.execute(
        "select distinct indicator_id from indicator_values").fetchall()}
    if not computed & have:
        raise RunFailed("no catalogued indicator has values; nothing published")
    return counts


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def keep_backup(db: Path) -> None:
    """``<db>.bak`` = the live file (a hard link: instant, no extra space; a copy elsewhere).

    A live file or a ``.bak`` holding more than the published tables (written by an earlier
    version, with children's records in it) is not kept: the ``.bak`` is removed."""
    bak = backup_path(db)
    if holds_more_than_published(bak):
        bak.unlink()
    if not db.exists() or holds_more_than_published(db):
        return
    tmp = Path(str(db) + ".bak.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(db, tmp)
    except OSError:  # a filesystem without hard links
        import shutil

        shutil.copy2(db, tmp)
    os.replace(tmp, bak)


def copy_commentary(db: Path, settings=None) -> str | None:
    """A consistent copy of the app's commentary store beside the database backup, so what
    the board read can be restored with the figures it was about. The store itself is only
    read (the app alone writes it); a store that cannot be read is a note, never a failed run.
    Returns the note, or None."""
    source = commentary.store_path(db, settings)
    try:
        commentary.copy_store(source, commentary.backup_copy_path(db))
    except (commentary.CommentaryUnavailable, OSError) as exc:
        return f"commentary: no copy taken ({exc})"
    return None


def swap_in(db: Path) -> float:
    """Make the closed, checked build live. Returns the swap's duration in milliseconds."""
    building = building_path(db)
    if Path(str(building) + ".wal").exists():
        raise RunFailed(f"{building}.wal still exists after CHECKPOINT; nothing published")
    _fsync_file(building)
    t0 = time.perf_counter()
    os.replace(building, db)
    try:  # make the rename durable; it has happened either way
        _fsync_dir(db.parent)
    except OSError:
        pass
    return (time.perf_counter() - t0) * 1000
