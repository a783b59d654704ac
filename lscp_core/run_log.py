"""The run history file ``<db>.history.jsonl``: its one reader, shared by every layer.

The pipeline writes it (pipelines.run.history), the scheduler reads what a child run
appended, and the dashboard shows the runs that failed after the published one. One line
per event, JSON; a torn line (a crash mid-write) or a foreign line is skipped.
"""

from __future__ import annotations

import json
from pathlib import Path


def history_path(db: Path) -> Path:
    return Path(str(db) + ".history.jsonl")


def read_lines(path: Path, offset: int = 0) -> list[dict]:
    """Every well-formed line with a run id, in file order, from byte ``offset`` on."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", "replace")
    except OSError:  # missing or unreadable: no history yet
        return []
    lines = []
    for line in text.splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and row.get("run_id"):
            lines.append(row)
    return lines
