"""Run history: ``<db>.history.jsonl`` beside the database, and the published ``runs`` table.

A failed run cannot write into the live database (that would break the atomic publish), so
every run is also logged as JSON lines in ``<db>.history.jsonl``: one line when it starts
(``status = "running"``) and one when it ends (``published`` or ``failed``). The last line of
a run id wins. A run killed before its last line (kill -9, power cut) is settled by the next
run, which holds the lock and so knows nobody else is running: it is ``published`` if the
live database carries its run id, else ``failed`` with an "interrupted" message.

The ``runs`` table published in each database is this history at publish time, merged with
the previous database's ``runs`` (so deleting the jsonl file loses nothing published).
Format documented in docs/operations.md (the dashboard reads both).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lscp_core.private import narrow
from lscp_core.run_log import history_path, read_lines

if TYPE_CHECKING:  # imported where used: the run starts without pandas (seconds of import)
    import pandas as pd

__all__ = ["history_path", "read", "append", "settle_interrupted", "write_runs_table"]

RUNS_COLUMNS = [
    ("run_id", "VARCHAR"), ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"),
    ("status", "VARCHAR"), ("as_at", "DATE"), ("inbox", "VARCHAR"), ("seeds", "VARCHAR"),
    ("message", "VARCHAR"),
]
FIELDS = [c for c, _ in RUNS_COLUMNS]
INTERRUPTED = "interrupted: the run stopped before it finished (killed or the machine went down)"


def utc_now() -> dt.datetime:
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def iso(ts: dt.datetime | None) -> str | None:
    """UTC wall time as ISO 8601 with milliseconds and a Z (sorts as text)."""
    if ts is None:
        return None
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def append(db: Path, record: dict) -> None:
    """Append one line; O_APPEND + one write keeps concurrent lines whole; fsync'd."""
    line = json.dumps({k: record.get(k) for k in FIELDS}, default=str) + "\n"
    fd = os.open(history_path(db), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        narrow(fd)  # a history an older lscp left 0644 is narrowed before it grows
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read(db: Path) -> list[dict]:
    """Every run once (its last line), oldest first. Torn or foreign lines are skipped."""
    runs: dict[str, dict] = {}
    for row in read_lines(history_path(db)):
        runs[str(row["run_id"])] = {k: row.get(k) for k in FIELDS}
    return sorted(runs.values(), key=lambda r: (str(r.get("started_at")), str(r["run_id"])))


def settle_interrupted(db: Path, live_run_id: str | None) -> list[str]:
    """Give every run still 'running' its final line. Call only while holding the lock."""
    settled = []
    for row in read(db):
        if row.get("status") != "running":
            continue
        published = row["run_id"] == live_run_id
        append(db, {**row, "status": "published" if published else "failed",
                    "message": "published (its last history line was lost)" if published
                    else INTERRUPTED})
        settled.append(row["run_id"])
    return settled


def previous_runs(con, previous: str | None, prev_tables: set[str]) -> pd.DataFrame | None:
    """The ``runs`` table of the previous database (as text), read before it is detached."""
    if not previous or "runs" not in prev_tables:
        return None
    have = {r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = ? "
        "and table_name = 'runs'", [previous]).fetchall()}
    cols = ", ".join(f'cast("{c}" as varchar) as "{c}"' if c in have
                     else f'null::varchar as "{c}"' for c in FIELDS)
    return con.execute(f"select {cols} from {previous}.runs").df()


def write_runs_table(con, db: Path, this_run: dict, prev_runs: pd.DataFrame | None) -> int:
    """Create ``runs`` = previous database's runs + the jsonl history + this run (last wins)."""
    import pandas as pd

    frames = [] if prev_runs is None else [prev_runs]
    frames.append(pd.DataFrame(read(db) + [this_run], columns=FIELDS))
    merged = pd.concat([f.astype(object) for f in frames if len(f)], ignore_index=True)
    merged = merged.astype(object).where(merged.notna(), None)
    merged["run_id"] = merged["run_id"].astype(str)
    merged = merged.drop_duplicates("run_id", keep="last")
    body = ", ".join(f'"{c}" {t}' for c, t in RUNS_COLUMNS)
    con.execute(f"create or replace table runs ({body})")
    con.register("_runs_frame", merged)
    try:
        # Timestamps are UTC wall time; try_cast so one odd line cannot fail a run.
        con.execute(
            "insert into runs select run_id, "
            "try_cast(replace(replace(cast(started_at as varchar), 'T', ' '), 'Z', '') as timestamp), "
            "try_cast(replace(replace(cast(finished_at as varchar), 'T', ' '), 'Z', '') as timestamp), "
            "status, try_cast(cast(as_at as varchar) as date), inbox, seeds, message "
            "from _runs_frame order by 2, 1"
        )
    finally:
        con.unregister("_runs_frame")
    return con.execute("select count(*) from runs").fetchall()[0][0]
