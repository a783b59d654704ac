"""The board's own words: commentary per indicator and month, and the actions log.

A small SQLite file beside the published database (``<db>.commentary.sqlite`` unless
``[dashboard] commentary_db`` names another), written only by the dashboard (analysts). It is
not part of the published database: a run replaces ``<db>`` and never opens this file for
writing; at each publish it takes a consistent copy beside the database backup
(``copy_store``, SQLite's online backup API).

Nothing is ever updated or deleted: every save adds a version (author, UTC time), so the
history of each text is kept, and triggers refuse UPDATE and DELETE. Saves are optimistic:
the editor says which version it started from and a save on top of a newer version is
refused (``StaleEdit``, carrying the newer text) instead of overwriting it.

Here, in the core, because the dashboard writes it and the pipeline backs it up.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from lscp_core.stores import FILE_MODE

ACTION_STATUSES = ("Open", "In progress", "Done", "Dropped")
CLOSED_STATUSES = ("Done", "Dropped")
# what the statuses mean on the form: an action is closed (done) or withdrawn (dropped)
STATUS_LABELS = {"Open": "Open", "In progress": "In progress", "Done": "Done (closed)",
                 "Dropped": "Dropped (withdrawn)"}
BUSY_TIMEOUT_S = 5.0

SCHEMA = """
create table if not exists commentary (
  indicator_id text not null,
  month text not null,              -- YYYY-MM, the data month the words are about
  version integer not null,
  body text not null,               -- Markdown, rendered sanitised (no raw HTML)
  author text not null,
  saved_at text not null,           -- ISO 8601 UTC
  primary key (indicator_id, month, version)
);
create table if not exists actions (
  action_id integer not null,
  version integer not null,
  action text not null,
  owner text not null,              -- agency code
  due_date text not null,           -- ISO date
  status text not null,
  indicators text not null,         -- indicator ids, ';'-separated
  meeting text not null,            -- the meeting it was raised at (ISO date and board)
  author text not null,
  saved_at text not null,
  save_key text,                    -- the form instance that saved it: a resubmit is a no-op
  reason text,                      -- why it was closed or withdrawn (a closed status needs one)
  primary key (action_id, version)
);
create trigger if not exists commentary_no_update before update on commentary
  begin select raise(abort, 'commentary history is append-only'); end;
create trigger if not exists commentary_no_delete before delete on commentary
  begin select raise(abort, 'commentary history is append-only'); end;
create trigger if not exists actions_no_update before update on actions
  begin select raise(abort, 'the actions log is append-only'); end;
create trigger if not exists actions_no_delete before delete on actions
  begin select raise(abort, 'the actions log is append-only'); end;
"""


class CommentaryUnavailable(Exception):
    """The commentary file cannot be read or written (corrupt, read-only, unreachable)."""


@dataclass(frozen=True)
class Comment:
    indicator_id: str
    month: str
    version: int
    body: str
    author: str
    saved_at: str


@dataclass(frozen=True)
class Action:
    action_id: int
    version: int
    action: str
    owner: str
    due_date: str
    status: str
    indicators: tuple[str, ...]
    meeting: str
    author: str
    saved_at: str
    reason: str = ""  # why it was closed or withdrawn

    def overdue(self, today: dt.date) -> bool:
        return self.status not in CLOSED_STATUSES and dt.date.fromisoformat(self.due_date) < today


class StaleEdit(Exception):
    """A save made on top of an older version than the one stored: refused, with the newer."""

    def __init__(self, newer: Comment | Action):
        self.newer = newer
        who = f"{newer.author} at {newer.saved_at}"
        super().__init__(f"someone else saved a newer version ({newer.version}, by {who}) "
                         "after you started editing: nothing was overwritten")


def store_path(db: Path, settings=None) -> Path:
    configured = getattr(settings, "commentary_db", None)
    return Path(configured) if configured else Path(str(db) + ".commentary.sqlite")


def backup_copy_path(db: Path) -> Path:
    """Where each publish keeps a copy: beside the database backup ``<db>.bak``."""
    return Path(str(db) + ".bak.commentary.sqlite")


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _open_read(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"file:{quote(str(Path(path).absolute()))}?mode=ro", uri=True,
                          timeout=BUSY_TIMEOUT_S)
    con.row_factory = sqlite3.Row
    return con


def _open_write(path: Path) -> sqlite3.Connection:
    path = Path(path)
    if path.exists() and not os.access(path, os.W_OK):
        raise CommentaryUnavailable(f"the commentary file {path} is read-only")
    if not path.exists():
        if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            raise CommentaryUnavailable(f"the commentary file {path} cannot be created")
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    try:
        con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.executescript(SCHEMA)
        _migrate(con)
    except sqlite3.Error as exc:
        raise CommentaryUnavailable(
            f"the commentary file {path} cannot be written ({_first_line(exc)})") from None
    return con


def _migrate(con: sqlite3.Connection) -> None:
    """Stores made before saves carried a key (or a reason) gain the (nullable) column: DDL,
    not an UPDATE, so the append-only triggers are untouched and no row changes."""
    columns = {r[1] for r in con.execute("pragma table_info(actions)")}
    for column in ("save_key", "reason"):
        if column not in columns:
            con.execute(f"alter table actions add column {column} text")
    con.execute("create unique index if not exists actions_save_key on actions(save_key)")


def _select(path: Path, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
    """Rows from the store; [] when the file does not exist yet (nothing written)."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        with closing(_open_read(path)) as con:
            have = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
            if not {"commentary", "actions"} <= have:
                if have or path.stat().st_size:
                    raise CommentaryUnavailable(f"the commentary file {path} is not an lscp "
                                                "commentary store")
                return []
            return con.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        raise CommentaryUnavailable(
            f"the commentary file {path} cannot be read ({_first_line(exc)})") from None


def check(path: Path) -> str | None:
    """None when the store can be read (or simply does not exist yet); otherwise why not."""
    try:
        _select(path, "select 1")
    except CommentaryUnavailable as exc:
        return str(exc)
    return None


def writable(path: Path) -> str | None:
    """None when an analyst's save could be stored; otherwise why not."""
    path = Path(path)
    if path.exists():
        return check(path) or (None if os.access(path, os.W_OK)
                               else f"the commentary file {path} is read-only")
    return None if path.parent.is_dir() and os.access(path.parent, os.W_OK) else \
        f"the commentary file {path} cannot be created"


# --- commentary ---------------------------------------------------------------------------

def _comment(row) -> Comment:
    return Comment(row["indicator_id"], row["month"], int(row["version"]), row["body"],
                   row["author"], row["saved_at"])


def history(path: Path, indicator_id: str, month: str) -> list[Comment]:
    """Every version of one indicator-month's commentary, newest first."""
    return [_comment(r) for r in _select(
        path, "select * from commentary where indicator_id = ? and month = ? "
              "order by version desc", (indicator_id, month))]


def latest(path: Path, month: str | None = None,
           indicator_id: str | None = None) -> list[Comment]:
    """The current version of each commentary (for one month and/or indicator), newest month
    first. An empty body is a withdrawn commentary and is left out."""
    rows = _select(
        path,
        "select c.* from commentary c join (select indicator_id, month, max(version) v "
        "from commentary group by indicator_id, month) m on c.indicator_id = m.indicator_id "
        "and c.month = m.month and c.version = m.v "
        "where (? is null or c.month = ?) and (? is null or c.indicator_id = ?) "
        "order by c.month desc, c.indicator_id",
        (month, month, indicator_id, indicator_id))
    return [c for c in map(_comment, rows) if c.body.strip()]


def save_comment(path: Path, indicator_id: str, month: str, body: str, author: str,
                 base_version: int) -> Comment:
    """Store a new version on top of ``base_version`` (0: the first); StaleEdit when another
    save got there first. The same text by the same author on the same base, sent again (a
    second click, a double submit), returns the version it made instead of a second one."""
    dt.date.fromisoformat(month + "-01")  # a YYYY-MM month or ValueError
    with closing(_open_write(path)) as con:
        try:
            con.execute("begin immediate")
            current = con.execute(
                "select * from commentary where indicator_id = ? and month = ? "
                "order by version desc limit 1", (indicator_id, month)).fetchone()
            if (int(current["version"]) if current else 0) != base_version:
                con.execute("rollback")
                newer = _comment(current)
                if (newer.version, newer.body, newer.author) == (base_version + 1, body, author):
                    return newer  # this very save, sent again (a double click): stored once
                raise StaleEdit(newer)
            saved = Comment(indicator_id, month, base_version + 1, body, author, _now())
            con.execute("insert into commentary values (?, ?, ?, ?, ?, ?)",
                        (saved.indicator_id, saved.month, saved.version, saved.body,
                         saved.author, saved.saved_at))
            con.execute("commit")
        except sqlite3.Error as exc:
            raise CommentaryUnavailable(
                f"the commentary could not be saved ({_first_line(exc)})") from None
    return saved


# --- actions ------------------------------------------------------------------------------

def _action(row) -> Action:
    return Action(int(row["action_id"]), int(row["version"]), row["action"], row["owner"],
                  row["due_date"], row["status"],
                  tuple(i for i in row["indicators"].split(";") if i), row["meeting"],
                  row["author"], row["saved_at"],
                  (row["reason"] or "") if "reason" in row.keys() else "")


def actions(path: Path, indicator_id: str | None = None) -> list[Action]:
    """The current version of every action (those linked to ``indicator_id`` when given),
    by due date."""
    rows = _select(
        path,
        "select a.* from actions a join (select action_id, max(version) v from actions "
        "group by action_id) m on a.action_id = m.action_id and a.version = m.v "
        "order by a.due_date, a.action_id")
    found = [_action(r) for r in rows]
    return [a for a in found if indicator_id is None or indicator_id in a.indicators]


def action_history(path: Path, action_id: int) -> list[Action]:
    return [_action(r) for r in _select(
        path, "select * from actions where action_id = ? order by version desc", (action_id,))]


def save_action(path: Path, *, action: str, owner: str, due_date: dt.date, status: str,
                indicators: list[str], meeting: str, author: str,
                action_id: int | None = None, base_version: int = 0,
                save_key: str | None = None, reason: str = "") -> Action:
    """A new action (``action_id`` None) or a new version of one; StaleEdit as for commentary.

    ``save_key`` names the form instance (one token per form shown): a save whose key is
    already stored is a resubmit (a second click, a double submit, a rerun) and returns the
    version it saved the first time instead of adding a record. Closing (Done) or
    withdrawing (Dropped) an action needs its ``reason``; every version is kept."""
    if status not in ACTION_STATUSES:
        raise ValueError(f"status must be one of {', '.join(ACTION_STATUSES)}")
    if not action.strip() or not owner.strip():
        raise ValueError("an action needs its text and an owner agency")
    if status in CLOSED_STATUSES and not reason.strip():
        raise ValueError(f"say why the action is {STATUS_LABELS[status].split('(')[1][:-1]}: "
                         "a closed or withdrawn action needs a reason")
    with closing(_open_write(path)) as con:
        try:
            con.execute("begin immediate")
            if save_key:
                done = con.execute("select * from actions where save_key = ?",
                                   (save_key,)).fetchone()
                if done is not None:
                    con.execute("rollback")
                    return _action(done)
            if action_id is None:
                action_id = int(con.execute(
                    "select coalesce(max(action_id), 0) + 1 from actions").fetchone()[0])
            else:
                current = con.execute(
                    "select * from actions where action_id = ? order by version desc limit 1",
                    (action_id,)).fetchone()
                if (int(current["version"]) if current else 0) != base_version:
                    con.execute("rollback")
                    if current is None:
                        raise ValueError(f"there is no action {action_id}")
                    raise StaleEdit(_action(current))
            saved = Action(action_id, base_version + 1, action.strip(), owner.strip(),
                           due_date.isoformat(), status, tuple(indicators), meeting, author,
                           _now(), reason.strip())
            con.execute("insert into actions (action_id, version, action, owner, due_date, "
                        "status, indicators, meeting, author, saved_at, save_key, reason) "
                        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (saved.action_id, saved.version, saved.action, saved.owner,
                         saved.due_date, saved.status, ";".join(saved.indicators),
                         saved.meeting, saved.author, saved.saved_at, save_key or None,
                         saved.reason or None))
            con.execute("commit")
        except sqlite3.Error as exc:
            raise CommentaryUnavailable(
                f"the action could not be saved ({_first_line(exc)})") from None
    return saved


# --- the publish-time copy ----------------------------------------------------------------

def copy_store(source: Path, dest: Path) -> bool:
    """A consistent copy of the store (SQLite's online backup: a save in progress is either
    in it whole or not at all), written beside and swapped in; False when there is no store.
    The source is opened read-only: the pipeline never writes it."""
    source, dest = Path(source), Path(dest)
    if not source.exists():
        return False
    tmp = Path(str(dest) + ".tmp")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    try:
        with closing(_open_read(source)) as src, closing(sqlite3.connect(str(tmp))) as out:
            src.backup(out)
        os.replace(tmp, dest)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise CommentaryUnavailable(
            f"the commentary file {source} could not be copied ({_first_line(exc)})") from None
    return True
