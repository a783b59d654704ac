"""Who saw unsuppressed figures: an append-only log beside the published database.

``<db>.audit.jsonl`` (or ``[dashboard] audit_log``): one JSON line per unsuppressed page view,
CSV download, board pack or ``lscp export --unsuppressed`` by anyone but a restricted viewer —
time (UTC), user, role, action, page, indicator, month. Publishing never touches it (a run
replaces ``<db>`` only), lines are only ever appended (O_APPEND, one write per line, so two
dashboard processes never interleave a line), and the file is created 0600.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from lscp_core.errors import UserError
from lscp_core.viewer import VIEWER

FIELDS = ("time", "user", "role", "action", "page", "indicator", "month")


def audit_path(db: Path, settings=None) -> Path:
    configured = getattr(settings, "audit_log", None)
    return Path(configured) if configured else Path(str(db) + ".audit.jsonl")


def audited(role: str | None) -> bool:
    """Everyone but a restricted viewer is recorded (analysts, champions)."""
    return bool(role) and role != VIEWER


def record(path: Path, *, user: str, role: str, action: str, page: str,
           indicator: str | None = None, month: str | None = None,
           now: dt.datetime | None = None) -> dict:
    entry = {"time": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
             "user": user, "role": role, "action": action, "page": page,
             "indicator": indicator, "month": month}
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return entry


def read(path: Path, since: dt.date | None = None) -> list[dict]:
    """The entries from ``since`` (a UTC date) on, oldest first; unreadable lines are skipped."""
    if not Path(path).exists():
        return []
    out = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserError(f"cannot read the audit log {path}: {exc.strerror}") from None
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(entry, dict) or "time" not in entry:
            continue
        if since and str(entry["time"])[:10] < since.isoformat():
            continue
        out.append({k: entry.get(k) for k in FIELDS})
    return out
