"""Retention: a delivered inbox file no longer in force is deleted once it is older than
``[pipeline] retention_months`` (13 by default: a year of monthly deliveries plus a month to
look back; 0 keeps files for ever).

"In force" is the working database's ``archive_files.in_force``: the version of each extract
whose rows the published figures come from (a newer file that failed keeps the older one in
force, and then the older one is kept whatever its age). Only files named like an extract
(``<extract>_*.csv|xlsx``) are considered; anything else in the inbox is left alone. The age is
the file's modification time (when it was delivered). Runs only after a successful publish.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from data_contracts import EXTRACTS

SUFFIXES = (".csv", ".xlsx")


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)


# between the files of a delivery of several (pipelines.ingest.sources.SEPARATOR; not
# imported: the run stays independent of how ingest is put together)
DELIVERY_SEPARATOR = " + "


def delivered_extract(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(SUFFIXES) and any(lower.startswith(e + "_") for e in EXTRACTS)


def purge_inbox(inbox: Path, in_force: set[str] | None, months: int,
                today: dt.date) -> list[Path]:
    """Delete the inbox's delivered files not in force and older than ``months``; returns them."""
    if months <= 0 or in_force is None:
        return []
    cutoff = months_before(today, months)
    removed = []
    for path in sorted(Path(inbox).iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name in in_force:
            continue
        if not delivered_extract(path.name):
            continue
        delivered = dt.datetime.fromtimestamp(path.stat().st_mtime).date()
        if delivered < cutoff:
            path.unlink()
            removed.append(path)
    return removed


def in_force_files(con) -> set[str] | None:
    """The in-force file of each extract, from the build's ``archive_files`` (None when there
    is no archive to tell: then nothing is purged)."""
    import duckdb

    try:
        # a delivery of several files (census years + the children CSV) is one label
        return {name for r in con.execute("select file from archive_files where in_force")
                .fetchall() for name in r[0].split(DELIVERY_SEPARATOR)}
    except duckdb.Error:
        return None
