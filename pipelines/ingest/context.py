"""What every step of one ingest shares (``IngestRun``), and the few helpers they all use."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest import councils as council_rules

PSEUDONYM = "lscp_pseudonym"  # the macro pseudonymising ids (its key is the run's)


def say(progress, text: str) -> None:
    if progress is not None:
        print(text, file=progress, flush=True)


@dataclass
class IngestRun:
    """What every step of one ingest shares, passed as one."""

    con: object  # the DuckDB connection building the database
    run_id: str
    run_date: dt.date
    now: dt.datetime
    fingerprint: str  # of the pseudonymisation key
    previous: str | None  # the previous database's catalog, attached read-only
    prev_tables: set[str]
    executor: Executor  # the GX worker (behind its kept answers: gx_cache.Checks)
    workdir: Path | None = None
    agencies: set[str] = field(default_factory=set)  # agency codes (seeds/agencies.csv)
    councils: council_rules.Councils = field(default_factory=council_rules.Councils)
    inbox: Path | None = None
    # extracts that failed with no version in force: the cross-file checks against them
    # cannot be made (their children's rows are not orphans), with why
    unchecked: dict[str, str] = field(default_factory=dict)


def tables_of(con, catalog: str | None) -> set[str]:
    if not catalog:
        return set()
    rows = con.execute("select table_name from duckdb_tables() where database_name = ?",
                       [catalog]).fetchall()
    return {r[0] for r in rows}


def current_catalog(con) -> str:
    return con.execute("select current_database()").fetchall()[0][0]
