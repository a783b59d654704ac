"""The board pack of the newest month, built when a run publishes and kept beside the
published database, so the dashboard's pack button serves a file instead of building one.

``lscp run`` (lscp_cli) calls :func:`build_at_publish` after the swap: for each role in
:func:`publish_roles` the pack of every strategy for the newest month, compared with the
same month last year, as PDF and as HTML, in ``<db>.packs/published/`` (folder 0700, files
0600: an analyst's pack holds unsuppressed figures). Beside each pack a small JSON file
says what it was built from (:func:`inputs_key`: the published run, the role, the month,
and the commentary and actions it printed, with their overdue flags as of today). The
button serves the kept file only while that key still holds; after a commentary or action
is saved (or an action falls overdue) the pack is built again on request and kept.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import commentary, data
from lscp_core import packs
from lscp_core.private import open_private

KINDS = ("pdf", "html")
ALL_STRATEGIES_COMPARE = "last_year"  # what the pack button offers first


def publish_roles() -> tuple[str, ...]:
    """The packs a publish builds: the restricted (viewer) pack and the board's
    (unsuppressed, marked OFFICIAL-SENSITIVE on every page)."""
    return ("viewer", "board")


def folder(db: Path) -> Path:
    return packs.packs_dir(db) / "published"


def _stem(role: str, month: str) -> str:
    return f"{month}-all-strategies-{role.replace(':', '-')}"


def newest_month() -> pd.Timestamp | None:
    months = data.periods("monthly") or data.periods()
    return pd.Timestamp(months[0]) if months else None


def inputs_key(role: str, strategy: str | None, period: pd.Timestamp, compare: str) -> str:
    """What a pack printed, as one digest: the published run, who it is for, the month and
    comparison, and the commentary and actions (with today's overdue flags) it shows."""
    period = pd.Timestamp(period)
    info = data.meta()
    today = commentary.today()
    comments = commentary.for_month(period)
    actions = commentary.all_actions()
    parts = {
        "run": info.get("run_id"), "built": info.get("built_at"), "role": role,
        "strategy": strategy, "month": period.strftime("%Y-%m"), "compare": compare,
        "comments": sorted((k, c.version, c.saved_at, c.body) for k, c in comments.items()),
        "actions": [(repr(a), a.overdue(today)) for a in actions],
    }
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Kept:
    """A pack built ahead, with the key of what it printed."""

    path: Path
    key: str

    def read(self) -> bytes:
        return self.path.read_bytes()


def kept(role: str, strategy: str | None, period: pd.Timestamp, compare: str,
         kind: str) -> Kept | None:
    """The pack built ahead for exactly this request, if its inputs still hold; else None."""
    if strategy is not None or compare != ALL_STRATEGIES_COMPARE:
        return None
    try:
        db = data.db_path()
    except data.DatabaseUnavailable:
        return None
    month = pd.Timestamp(period).strftime("%Y-%m")
    stem = folder(db) / _stem(role, month)
    path, meta = stem.with_suffix(f".{kind}"), stem.with_suffix(".json")
    try:
        stored = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not path.is_file() or stored.get(kind) != inputs_key(role, strategy, period, compare):
        return None
    return Kept(path, stored[kind])


def _write(path: Path, content: bytes) -> None:
    """Owner-only, whole or not at all (a reader never sees half a pack)."""
    part = path.with_name(path.name + ".part")
    with open_private(part, "wb") as out:
        out.write(content)
    os.replace(part, path)


def store(role: str, period: pd.Timestamp, kind: str, content: bytes, key: str) -> Path:
    """Keep ``content`` as the pack built ahead of ``role`` for ``period`` (the newest
    month's, or a pack built again after its commentary changed)."""
    db = data.db_path()
    where = folder(db)
    where.parent.mkdir(mode=0o700, exist_ok=True)
    where.mkdir(mode=0o700, exist_ok=True)
    month = pd.Timestamp(period).strftime("%Y-%m")
    stem = where / _stem(role, month)
    path = stem.with_suffix(f".{kind}")
    _write(path, content)
    meta = stem.with_suffix(".json")
    try:
        stored = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    stored[kind] = key
    _write(meta, json.dumps(stored).encode("utf-8"))
    return path


def _build_role(role: str, period: pd.Timestamp) -> tuple[list[Path], str]:
    """One role's pack of ``period`` (every strategy), as HTML and PDF, kept; with where the
    time went (its figures and HTML, then the PDF), in words."""
    import time

    from dashboard import boardpack

    started = time.perf_counter()
    key = inputs_key(role, None, period, ALL_STRATEGIES_COMPARE)
    html = boardpack.build(role, None, period, ALL_STRATEGIES_COMPARE)
    built = time.perf_counter()
    pages: list[str] = []
    pdf = boardpack.to_pdf(html, lambda what: pages.append(what))
    printed = time.perf_counter()
    written = [store(role, period, "html", html.encode("utf-8"), key),
               store(role, period, "pdf", pdf, key)]
    count = next((w.split()[1] for w in pages if w.startswith("writing ")), "?")
    return written, (f"{role} pack for {period:%B %Y}: figures and HTML {built - started:.1f} s, "
                     f"PDF {printed - built:.1f} s, {count} pages")


def build_at_publish(say: Callable[[str], None] = lambda _t: None) -> list[Path]:
    """Build and keep the newest month's packs (every strategy) for each publish role,
    a process per role when there are cores to spare (the run has finished with them).
    Returns the files written. Other months' files are removed (a new run revises them)."""
    period = newest_month()
    if period is None:
        return []
    db = data.db_path()
    where = folder(db)
    if where.is_dir():
        for old in where.iterdir():
            if not old.name.startswith(period.strftime("%Y-%m") + "-"):
                old.unlink(missing_ok=True)
    roles = publish_roles()
    workers = min(len(roles), os.cpu_count() or 1)
    if workers < 2:
        written = []
        for role in roles:
            files, words = _build_role(role, period)
            written += files
            say(words)
        return written
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # each process opens the published file itself: no DuckDB connection crosses a fork
    data.live().close()
    data._live.clear()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        done = [pool.submit(_build_role, role, period) for role in roles]
        written = []
        for future in done:
            files, words = future.result()
            written += files
            say(words)
    return written
