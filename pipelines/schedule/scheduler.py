"""``lscp schedule``: run the pipeline on a cron schedule, every interval, and/or when a new
extract lands in the inbox.

    lscp schedule --inbox /data/inbox --db /data/db/lscp.duckdb --cron "30 2 * * *" --on-new-files

A long-running APScheduler 3 ``BlockingScheduler``. Each run is a child process
(``python -m lscp_cli run ...``), not a call in this process, because:
a crash, a memory spike or a leaked DuckDB instance in one run cannot take the scheduler down
or leak into the next run; the child's memory goes back to the OS when it exits; and a stop
signal can end a run without leaving this process in an unknown state. The price is
re-importing Great Expectations (about 5 s) per run, which is nothing next to a nightly or
15-minute schedule. Runs never overlap: one at a time in this process, and the database's
run lock (pipelines/lock.py) against manual ``lscp run``s.

New files are recognised by SHA-256, not by modification time: a file counts as new when
its hash is neither in the live database's ``archive_files`` nor among the files present
when an earlier run started. A file is hashed only once its size and mtime have stayed the
same for one poll, so a half-copied extract is not picked up.

One plain line per event on stdout, for grep:
``2026-11-23T10:15:00Z lscp run_id=20261123T101500Z-ab12 status=published trigger=cron ...``
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from lscp_core.errors import LockBusy, UserError
from lscp_core.private import open_private
from lscp_core.run_log import read_lines
from lscp_core.settings import DEFAULT_SEEDS, load_settings
from lscp_core.stores import work_path
from pipelines.ingest.readers import registry
from pipelines.ingest.readers.tabular import sha256_file
from pipelines.run import history

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str, flag: str) -> float:
    """``30s``, ``15m``, ``2h``, ``1d`` (a bare number is seconds) -> seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(text).lower())
    if not m or float(m.group(1)) <= 0:
        raise UserError(f"{flag} {text!r} is not an interval (use e.g. 30s, 15m, 2h, 1d)")
    return float(m.group(1)) * _UNITS[m.group(2) or "s"]


def log_line(**fields) -> str:
    """``<UTC time> lscp key=value ...``; values with spaces are JSON-quoted."""
    parts = [history.utc_now().strftime("%Y-%m-%dT%H:%M:%SZ"), "lscp"]
    for k, v in fields.items():
        if v is None or v == "":
            v = "-"
        text = str(v)
        if re.search(r'[\s"=]', text):
            text = json.dumps(text)
        parts.append(f"{k}={text}")
    return " ".join(parts)


class InboxWatcher:
    """Which extracts in the inbox are new, by SHA-256."""

    def __init__(self, inbox: Path, db: Path):
        self.inbox, self.db = Path(inbox), Path(db)
        self.seen: set[str] = set()  # hashes present when some run started
        self._stat: dict[str, tuple[int, int]] = {}  # name -> (size, mtime_ns) at last poll
        self._sha: dict[str, tuple[int, int, str]] = {}  # name -> (size, mtime_ns, sha256)
        self._archive: set[str] = set()
        self._archive_sig: tuple | None = None

    def _files(self) -> dict[str, tuple[int, int]]:
        out = {}
        wanted = registry.extensions()  # what any registered reader may take
        try:
            for entry in os.scandir(self.inbox):
                if entry.name.startswith(".") or not entry.name.lower().endswith(wanted):
                    continue
                if entry.is_file(follow_symlinks=False):  # a link is refused, never read
                    st = entry.stat()
                    out[entry.name] = (st.st_size, st.st_mtime_ns)
        except OSError:
            return {}
        return out

    def _archived(self) -> set[str]:
        """SHA-256s the working database has loaded (re-read only when the file was swapped)."""
        try:
            st = self.db.stat()
        except OSError:
            return set()
        sig = (st.st_ino, st.st_mtime_ns, st.st_size)
        if sig != self._archive_sig:
            shas: set[str] = set()
            con = duckdb.connect(":memory:")
            try:
                quoted = str(self.db).replace("'", "''")
                con.execute(f"attach '{quoted}' as live (read_only)")
                shas = {r[0] for r in con.execute("select sha256 from live.archive_files")
                        .fetchall()}
                try:  # the files of a delivery of several (census years, SSDA903, ...)
                    shas |= {sha for r in con.execute(
                        "select part_sha256s from live.archive_files "
                        "where part_sha256s is not null").fetchall() for sha in r[0].split(" + ")}
                except duckdb.Error:
                    pass  # an archive from before deliveries of several files
            except duckdb.Error:
                pass  # no archive yet (or unreadable): every file counts as new
            finally:
                con.close()
            self._archive, self._archive_sig = shas, sig
        return self._archive

    def current(self) -> dict[str, str]:
        """name -> sha256 of the settled files (unchanged since the last poll)."""
        files = self._files()
        settled = {}
        for name, stat in files.items():
            if self._stat.get(name) != stat:
                continue  # new or still being written: look again next poll
            cached = self._sha.get(name)
            if cached and cached[:2] == stat:
                settled[name] = cached[2]
                continue
            try:
                sha = sha256_file(self.inbox / name)
            except OSError:
                continue
            self._sha[name] = (*stat, sha)
            settled[name] = sha
        self._stat = files
        return settled

    def new_files(self) -> dict[str, str]:
        known = self.seen | self._archived()
        return {n: s for n, s in self.current().items() if s not in known}

    def mark_seen(self) -> None:
        """Everything settled in the inbox now will be read by the run about to start."""
        self.seen.update(sha for *_stat, sha in self._sha.values())


class Scheduler:
    def __init__(self, *, inbox: Path, db: Path, seeds: Path, config: Path | None,
                 max_runs: int | None, out=None):
        self.inbox, self.db, self.seeds, self.config = inbox, db, seeds, config
        self.max_runs = max_runs
        self.out = out or sys.stdout
        # files already loaded are listed in the working database (archive_files)
        self.watcher = InboxWatcher(inbox, work_path(db, load_settings(config)))
        self.runs = 0
        self._one_at_a_time = threading.Lock()
        self._child: subprocess.Popen | None = None
        self.scheduler = None
        self.stopping = False
        self.started_fields: dict = {}

    def say(self, **fields) -> None:
        print(log_line(**fields), file=self.out, flush=True)

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "lscp_cli"]
        if self.config:
            cmd += ["--config", str(self.config)]
        return cmd + ["run", "--inbox", str(self.inbox), "--db", str(self.db),
                      "--seeds", str(self.seeds)]

    def run_once(self, trigger: str, files: dict[str, str] | None = None) -> None:
        if not self._one_at_a_time.acquire(blocking=False):
            self.say(run_id=None, status="skipped", trigger=trigger, reason="a run is in progress")
            return
        try:
            self.watcher.mark_seen()
            self._run_child(trigger, files)
        finally:
            self._one_at_a_time.release()
        self.runs += 1
        if self.max_runs and self.runs >= self.max_runs and self.scheduler is not None:
            self.say(status="stopping", reason=f"max runs ({self.max_runs}) reached")
            self.scheduler.shutdown(wait=False)

    def _run_child(self, trigger: str, files: dict[str, str] | None) -> None:
        hist = history.history_path(self.db)
        offset = hist.stat().st_size if hist.exists() else 0
        log = Path(str(self.db) + ".log")
        t0 = time.monotonic()
        self.say(run_id=None, status="starting", trigger=trigger,
                 files=",".join(sorted(files)) if files else None)
        with open_private(log, "ab") as sink:
            sink.write(f"--- {history.iso(history.utc_now())} scheduled run "
                       f"({trigger}): {' '.join(self.command())}\n".encode())
            sink.flush()
            self._child = subprocess.Popen(self.command(), stdout=sink, stderr=subprocess.PIPE,
                                           stdin=subprocess.DEVNULL)
            _out, err = self._child.communicate()
            sink.write(err)
            code = self._child.returncode
            self._child = None
        record = _last_record_since(hist, offset)
        if record:
            status, message = record.get("status"), record.get("message")
        elif code == LockBusy.exit_code:
            status, message = "busy", "another run holds the database lock"
        else:
            status = "published" if code == 0 else "failed"
            lines = err.decode("utf-8", "replace").strip().splitlines()
            message = lines[-1] if lines else None
        self.say(run_id=(record or {}).get("run_id"), status=status, trigger=trigger,
                 exit=code, seconds=f"{time.monotonic() - t0:.1f}",
                 as_at=(record or {}).get("as_at"), message=message)

    def poll_inbox(self) -> None:
        new = self.watcher.new_files()
        if new:
            self.run_once("new-files", new)

    def started(self, _event=None) -> None:
        """Scheduler is running: announce it, or stop at once if a stop came in first."""
        self.say(status="scheduler-started", **self.started_fields)
        if self.stopping:
            self.scheduler.shutdown(wait=False)

    def stop(self, signum=None, _frame=None) -> None:
        self.stopping = True
        self.say(status="stopping", reason=f"signal {signum}" if signum else "asked")
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()  # the run's partial build is cleaned up by the next run
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)


def _last_record_since(path: Path, offset: int) -> dict | None:
    """The last final (not 'running') history line appended after ``offset``."""
    final = [row for row in read_lines(path, offset) if row.get("status") != "running"]
    return final[-1] if final else None


def schedule_command(args, settings) -> int:
    from apscheduler.events import EVENT_SCHEDULER_STARTED
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    inbox = args.inbox or settings.inbox
    db = args.db or settings.db
    if inbox is None:
        raise UserError("--inbox is required (or set inbox in lscp.toml)")
    if db is None:
        raise UserError("--db is required (or set db in lscp.toml)")
    inbox, db = Path(inbox).absolute(), Path(db).absolute()
    seeds = Path(args.seeds or settings.seeds or DEFAULT_SEEDS).absolute()
    if not inbox.is_dir():
        raise UserError(f"inbox {inbox} does not exist or is not a folder")
    if not db.parent.is_dir():
        raise UserError(f"folder {db.parent} for the database does not exist")
    cron = args.cron if args.cron or args.every else settings.schedule_cron
    every = args.every if args.cron or args.every else settings.schedule_every
    if cron and every:
        raise UserError("set either a cron schedule or an interval, not both")
    on_new = bool(args.on_new_files or settings.schedule_on_new_files)
    if not (cron or every or on_new):
        raise UserError("say when to run: --cron \"30 2 * * *\", --every 15m and/or --on-new-files")
    timezone = os.environ.get("LSCP_TIMEZONE", "Europe/London")

    runner = Scheduler(inbox=inbox, db=db, seeds=seeds, config=settings.config_file,
                       max_runs=args.max_runs)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # our own lines only
    scheduler = BlockingScheduler(timezone=timezone,
                                  job_defaults={"coalesce": True, "max_instances": 1,
                                                "misfire_grace_time": 3600})
    runner.scheduler = scheduler
    if cron:
        try:
            trigger = CronTrigger.from_crontab(cron, timezone=timezone)
        except ValueError as exc:
            raise UserError(f"--cron {cron!r} is not a cron expression: {exc}") from None
        scheduler.add_job(runner.run_once, trigger, args=["cron"], id="timed")
    if every:
        seconds = parse_interval(every, "--every")
        scheduler.add_job(runner.run_once, IntervalTrigger(seconds=seconds, timezone=timezone),
                          args=["interval"], id="timed",
                          next_run_time=history.utc_now())  # first run at once
    if on_new:
        poll = parse_interval(args.poll, "--poll")
        scheduler.add_job(runner.poll_inbox, IntervalTrigger(seconds=poll, timezone=timezone),
                          id="inbox", next_run_time=history.utc_now())
    runner.started_fields = dict(db=db, inbox=inbox, cron=cron, every=every,
                                 on_new_files="yes" if on_new else "no", timezone=timezone)
    scheduler.add_listener(runner.started, EVENT_SCHEDULER_STARTED)
    signal.signal(signal.SIGTERM, runner.stop)
    try:
        scheduler.start()
    except KeyboardInterrupt:
        runner.stop()
    runner.say(status="scheduler-stopped", runs=runner.runs)
    return 0
