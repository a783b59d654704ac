"""Every board pack made is kept, so what a board saw stays available after later runs revise
the figures: ``<db>.packs/`` beside the published database, one file per pack and an
append-only ``index.jsonl`` (time made, data month, scope, who, role, format, file).

A run never touches the folder (it replaces ``<db>`` only). Files are 0600, the folder 0700:
an analyst's pack holds unsuppressed figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from lscp_core.errors import UserError
from lscp_core.stores import FILE_MODE

INDEX = "index.jsonl"
FIELDS = ("made_at", "month", "scope", "who", "role", "format", "file")


def packs_dir(db: Path) -> Path:
    return Path(str(db) + ".packs")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "pack"


def keep(db: Path, content: bytes, *, kind: str, month: str, scope: str, who: str, role: str,
         now: dt.datetime | None = None) -> Path:
    """Store one pack and add its line to the index. Returns the kept file."""
    if kind not in ("pdf", "html"):
        raise ValueError("a pack is kept as pdf or html")
    now = now or dt.datetime.now(dt.UTC)
    folder = packs_dir(db)
    folder.mkdir(mode=0o700, exist_ok=True)
    stem = f"{now:%Y%m%dT%H%M%SZ}-{month}-{_slug(scope)}-{_slug(role)}"
    for n in range(1000):
        path = folder / f"{stem}{'' if n == 0 else f'-{n}'}.{kind}"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        break
    entry = {"made_at": now.isoformat(timespec="seconds"), "month": month, "scope": scope,
             "who": who, "role": role, "format": kind, "file": path.name}
    fd = os.open(folder / INDEX, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:  # one write per line, as in the audit log: two makers never interleave a line
        os.write(fd, (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    return path


def index(db: Path) -> list[dict]:
    """Every pack kept, newest first (lines that cannot be read are skipped)."""
    path = packs_dir(db) / INDEX
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UserError(f"cannot read the packs index {path}: {exc.strerror}") from None
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and entry.get("file"):
            out.append({k: entry.get(k) for k in FIELDS})
    return out[::-1]


def kept_file(db: Path, name: str) -> Path:
    """A kept pack by its index name (never a path outside the folder)."""
    path = packs_dir(db) / Path(name).name
    if not path.is_file():
        raise UserError(f"no kept pack {name}")
    return path
