"""``lscp run``: ingest -> metrics -> SPC -> check -> atomic publish, one run at a time.

    result = run_pipeline(inbox, db, seeds, as_at=None, settings=settings, progress=sys.stderr)

Everything is built in ``<db>.building``; the live ``<db>`` is only ever opened read-only (as
``prev``, so ingest can reuse unchanged files) and replaced in one ``os.replace()``. Whatever
goes wrong, the last good database stays in force, the failure is recorded in
``<db>.history.jsonl`` and the partial build is removed. Unexpected errors keep their
traceback in ``<db>.log`` and reach the user as one line (RunFailed).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import signal
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from lscp_core.errors import RunFailed, UserError
from lscp_core.private import close_new_files, open_private
from lscp_core.settings import Settings
from lscp_core.stores import gx_checks_path
from pipelines.run import history, publish, retention
from pipelines.run.lock import run_lock

if TYPE_CHECKING:  # imported where the run needs it; here only for the type
    from pipelines.ingest.report import IngestResult

# The moments a caller can watch through ``on_stage``: "ingest" (mid-load, at ingest's first
# progress line), "metrics" (indicators built, not yet checked), "publish" (backup kept, not
# swapped). The kill -9 process tests pause there (tests/support/paused_cli.py).
STAGES = ("ingest", "metrics", "publish")
LOCK_WAIT_ENV = "LSCP_LOCK_WAIT"


def new_run_id(now: dt.datetime) -> str:
    """Sortable by start time (to the millisecond: two runs can start in one second, and
    the lock keeps runs of one database apart by more than that); the suffix keeps ids of
    different databases unique."""
    return f"{now:%Y%m%dT%H%M%S}.{now.microsecond // 1000:03d}Z-{secrets.token_hex(2)}"


def log_path(db: Path) -> Path:
    return Path(str(db) + ".log")


def lscp_version() -> str:
    try:
        from importlib.metadata import version

        return version("lscp-dashboard")
    except Exception:  # not installed (running from a source tree)
        return "unknown"


@dataclass
class RunResult:
    run_id: str
    db: Path
    as_at: dt.date | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    ingest: IngestResult | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    swap_ms: float = 0.0
    notes: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)  # inbox files deleted by retention

    @property
    def message(self) -> str:
        quarantined = self.ingest.rows_quarantined if self.ingest else 0
        failures = self.ingest.file_failures if self.ingest else []
        parts = ["published"]
        if quarantined:
            parts.append(f"{quarantined:,} rows quarantined")
        if failures:
            from pipelines.ingest.report import files_failed

            parts.append(f"{files_failed(len(failures))}, previous version kept")
        return "; ".join(parts + self.notes)

    def summary(self) -> str:
        lines = list(self.ingest.summary_lines()) if self.ingest is not None else []
        total = self.seconds.get("total", 0.0)
        loaded = self.ingest.rows_loaded if self.ingest else 0
        quarantined = self.ingest.rows_quarantined if self.ingest else 0
        lines.append(
            f"published {self.db} (run {self.run_id}, as at {self.as_at}): "
            f"{loaded:,} rows loaded, {quarantined:,} quarantined, "
            f"{self.counts.get('indicator_values', 0):,} indicator values, in {total:.1f}s"
        )
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)


class _Progress:
    """Stage lines with timings: ``[metrics] 45,678 indicator values (4.1s)``."""

    def __init__(self, stream, seconds: dict[str, float]):
        self.stream, self.seconds = stream, seconds

    def say(self, text: str) -> None:
        if self.stream is not None:
            try:
                print(text, file=self.stream, flush=True)
            except (OSError, ValueError):  # a closed pipe must not fail a run
                self.stream = None

    @contextmanager
    def stage(self, name: str, starting: str | None = None):
        if starting:
            self.say(f"[{name}] {starting}")
        t0 = time.perf_counter()
        outcome: dict[str, str] = {}
        yield outcome
        self.seconds[name] = time.perf_counter() - t0
        self.say(f"[{name}] {outcome.get('done', 'done')} ({self.seconds[name]:.1f}s)")


class _FirstLineCallback:
    """Progress stream for ingest that calls ``on_stage("ingest")`` at ingest's first
    progress line, i.e. while it is loading files."""

    def __init__(self, stream, on_stage):
        self.stream, self.on_stage, self.called = stream, on_stage, False

    def write(self, text: str) -> int:
        if self.stream is not None:
            self.stream.write(text)
        if not self.called and text.strip():
            self.called = True
            self.flush()
            self.on_stage("ingest")
        return len(text)

    def flush(self) -> None:
        if self.stream is not None:
            self.stream.flush()


def _lock_wait(settings: Settings) -> float:
    raw = os.environ.get(LOCK_WAIT_ENV)
    if raw:
        try:
            return float(raw)
        except ValueError:
            raise UserError(f"{LOCK_WAIT_ENV}={raw!r} is not a number of seconds") from None
    return float(settings.lock_wait)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _write_meta(con, items: dict[str, object]) -> None:
    con.execute("create or replace table meta (key VARCHAR, value VARCHAR)")
    con.executemany("insert into meta values (?, ?)",
                    [(k, None if v is None else str(v)) for k, v in items.items()])


def _live_run_id(db: Path) -> str | None:
    """The run id published in the live database (None when there is none or it is unreadable)."""
    if not db.exists():
        return None
    try:
        con = duckdb.connect(":memory:")
        try:
            alias, _why = publish.attach_previous(con, db, "live_check")
            if not alias:
                return None
            rows = con.execute("select value from live_check.meta where key = 'run_id'").fetchall()
            return rows[0][0] if rows else None
        finally:
            con.close()
    except duckdb.Error:
        return None


@contextmanager
def _stop_signal_interrupts():
    """SIGTERM (systemd stop, docker stop, the scheduler) ends a run like Ctrl+C: the partial
    build is removed and the run is recorded as failed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _interrupt(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_pipeline(inbox: Path, db: Path, seeds: Path, as_at: dt.date | None, settings: Settings,
                 progress=None, on_stage: Callable[[str], None] | None = None) -> RunResult:
    """``on_stage(name)`` is called as the run reaches each of ``STAGES``."""
    # Every file of the run (working and published builds, their WALs, history, lock, log)
    # is born owner-only: DuckDB creates its files with the process umask, so it is set
    # here too, not only at the command's entry (a run started from Python).
    close_new_files()
    db = Path(db).absolute()
    if not db.parent.is_dir():
        raise UserError(f"folder {db.parent} for the database does not exist")
    if not os.access(db.parent, os.W_OK | os.X_OK):
        raise UserError(f"cannot write in {db.parent} (the database, its lock and history "
                        f"live there): permission denied")
    if db.is_dir():
        raise UserError(f"database {db} is a folder, not a file")
    wait = _lock_wait(settings)
    with _stop_signal_interrupts(), run_lock(db, wait=wait) as lock:
        started = history.utc_now()  # after any wait: runs never overlap in the history
        run_id = new_run_id(started)
        lock.announce(run_id=run_id, started_at=history.iso(started))
        result = RunResult(run_id=run_id, db=db, started_at=started)
        job = _Job(inbox=Path(inbox).absolute(), db=db, seeds=Path(seeds).absolute(),
                   as_at=as_at, settings=settings, on_stage=on_stage or _no_callback)
        return _locked_run(job, progress, result)


def _no_callback(_stage: str) -> None:
    pass


@dataclass(frozen=True)
class _Job:
    """What one run works on: the parameters every stage needs, passed as one."""

    inbox: Path
    db: Path
    seeds: Path
    as_at: dt.date | None
    settings: Settings
    on_stage: Callable[[str], None]


def _locked_run(job: _Job, stream, result: RunResult) -> RunResult:
    inbox, db, seeds, run_id = job.inbox, job.db, job.seeds, result.run_id
    progress = _Progress(stream, result.seconds)
    t_start = time.perf_counter()
    history.settle_interrupted(db, _live_run_id(db))
    record = {"run_id": run_id, "started_at": history.iso(result.started_at), "finished_at": None,
              "status": "running", "as_at": None, "inbox": str(inbox), "seeds": str(seeds),
              "message": None}
    history.append(db, record)
    building = False
    try:
        key = _check_inputs(inbox, seeds, job.settings)  # user mistakes: one line, no progress
        building = True
        progress.say(f"[run] {run_id}: building {publish.building_path(db).name} "
                     f"beside {db.name}")
        _build_and_publish(job, progress, result, record, key)
    except BaseException as exc:  # noqa: B036 - Ctrl+C and kill signals must be recorded too
        publish.remove_build(db)
        publish.remove_build(publish.work_path(db, job.settings))
        if isinstance(exc, UserError):
            message = str(exc)
        elif isinstance(exc, KeyboardInterrupt):
            message = "interrupted (Ctrl+C or stop signal)"
        else:
            message = f"unexpected error: {_one_line(exc)}"
            _log_traceback(db, run_id, exc)
        history.append(db, {**record, "finished_at": history.iso(history.utc_now()),
                            "status": "failed", "message": message})
        if building:
            progress.say(f"[run] {run_id}: failed, nothing published; " + (
                "the last good database stays in force" if db.exists() else "no database yet"))
        if isinstance(exc, UserError) or not isinstance(exc, Exception):
            raise
        raise RunFailed(f"run {run_id} failed ({message}); nothing published, "
                        f"details in {log_path(db)}") from exc
    # Published. The history line is best effort: if it is lost, the next run settles it
    # from the live database's meta.run_id.
    try:
        history.append(db, record)
    except OSError as exc:
        result.notes.append(f"could not write {history.history_path(db)}: {exc.strerror}")
    result.seconds["total"] = time.perf_counter() - t_start
    return result


def _log_traceback(db: Path, run_id: str, exc: BaseException) -> None:
    try:
        with open_private(log_path(db), "a", encoding="utf-8") as log:
            log.write(f"--- {history.iso(history.utc_now())} run {run_id} failed\n")
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass


def _check_inputs(inbox: Path, seeds: Path, settings) -> bytes:
    if not inbox.exists():
        raise UserError(f"inbox {inbox} does not exist")
    if not inbox.is_dir():
        raise UserError(f"inbox {inbox} is not a folder")
    if not os.access(inbox, os.R_OK | os.X_OK):
        raise UserError(f"inbox {inbox} cannot be read (permissions)")
    if not seeds.is_dir():
        raise UserError(f"seeds folder {seeds} does not exist or is not a folder")
    return settings.key()  # refuse before any work when no key is configured


def _reusable(work: Path, db: Path) -> Path:
    """The database whose rows a run may reuse: the working one, or, on the first run of this
    version, the published database an earlier version wrote with every table in it."""
    if work.exists() or not publish.holds_more_than_published(db):
        return work
    return db


def _import_in_background(*modules: str) -> threading.Thread:
    """Import ``modules`` on a thread of their own; join it before using them (an import
    that fails there is imported again, and fails, where they are used)."""
    def work() -> None:
        import importlib

        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - said again by the import where it is used
                return

    thread = threading.Thread(target=work, name="import-metrics", daemon=True)
    thread.start()
    return thread


def _build_and_publish(job: _Job, progress: _Progress, result: RunResult, record: dict,
                       key: bytes) -> None:
    inbox, db, seeds, as_at, settings = job.inbox, job.db, job.seeds, job.as_at, job.settings
    # Children's data: no analytics events from Great Expectations (an outbound call).
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    from pipelines.ingest import ingest

    # the metrics' modules (pandas, NumPy: about a second of CPU) are imported while ingest
    # runs, not before it: ingest's time is DuckDB's, which leaves the interpreter free
    metrics_imported = _import_in_background("metrics.runner", "metrics.spc", "metrics.quarterly")
    work = publish.work_path(db, settings)
    building = publish.building_path(work)
    publish.remove_build(work)
    con = duckdb.connect(str(building))
    try:
        previous, why = publish.attach_previous(con, _reusable(work, db))
        if why:
            result.notes.append(why)
            progress.say(f"[run] note: {why}")
        prev_tables = set()
        if previous:
            prev_tables = {r[0] for r in con.execute(
                "select table_name from duckdb_tables() where database_name = ?",
                [previous]).fetchall()}

        with progress.stage("ingest", f"reading {inbox}") as out:
            watched = (progress.stream if job.on_stage is _no_callback
                       else _FirstLineCallback(progress.stream, job.on_stage))
            ingested = ingest(con, inbox, seeds, run_id=result.run_id, key=key,
                              run_date=dt.date.today(), previous=previous, progress=watched,
                              la_code=settings.councils, checks=gx_checks_path(work))
            result.ingest = ingested
            out["done"] = (f"{ingested.rows_loaded:,} rows loaded, "
                           f"{ingested.rows_quarantined:,} quarantined")
        # Only ingest needs the previous database: keep its run history, then let it go, so
        # the models never resolve a name in it and the live file is not held open.
        prev_runs = history.previous_runs(con, previous, prev_tables)
        if previous:
            con.execute(f"detach {previous}")

        metrics_imported.join()
        from metrics.quarterly import build_quarterly_tables
        from metrics.runner import build_metrics
        from metrics.spc import build_spc_table

        with progress.stage("metrics", "computing the indicators") as out:
            metrics = build_metrics(con, as_at=as_at, settings=settings)
            result.as_at = metrics.as_at or as_at
            n = con.execute("select count(*) from indicator_values").fetchall()[0][0]
            out["done"] = f"{n:,} indicator values as at {result.as_at}"
        job.on_stage("metrics")

        with progress.stage("spc") as out:
            if not metrics.charts_built:  # built before the disclosure audit when it runs
                build_spc_table(con)
                build_quarterly_tables(con)
            n = con.execute("select count(*) from spc").fetchall()[0][0]
            out["done"] = f"{n:,} SPC points"

        with progress.stage("check") as out:
            finished = history.utc_now()
            result.finished_at = finished
            record.update(finished_at=history.iso(finished), status="published",
                          as_at=str(result.as_at) if result.as_at else None,
                          message=result.message)
            audited = getattr(metrics, "disclosure_audit", None)
            # the attacker's check (on by default; ``[disclosure] audit = false`` turns it off,
            # and the history says so)
            if not settings.disclosure_audit:
                audit_line = "disclosure audit: off"
            elif audited:
                audit_line = (f"disclosure audit: {audited['exposed']} cells exposed, "
                              f"{audited['relations']:,} relations, "
                              f"{audited['audiences']} audiences")
            else:
                audit_line = None
            if audit_line:  # in the run history's message (the Data quality page's runs)
                record["message"] = f"{record['message']}; {audit_line}"
            _write_meta(con, {
                "run_id": result.run_id, "as_at": result.as_at,
                "built_at": history.iso(finished), "lscp_version": lscp_version(),
                "suppression_threshold": settings.suppression_threshold,
                "key_id": settings.key_id,
                "inbox": inbox, "seeds": seeds,
                **({"disclosure_audit": audit_line} if audited else {}),
            })
            n_runs = history.write_runs_table(con, db, record, prev_runs)
            try:
                result.counts = publish.check_database(con)
            except RunFailed as exc:  # say why the statutory files gave no rows, first
                why = "; ".join(result.ingest.explanations if result.ingest else [])
                if not why:
                    raise
                raise RunFailed(f"{why}; {exc}") from None
            in_force = retention.in_force_files(con)
            out["done"] = (f"{len(result.counts)} tables checked, {n_runs} runs in history")
            con.execute("checkpoint")
    finally:
        con.close()

    with progress.stage("publish") as out:
        publish.write_published(building, db)
        had_live = db.exists()
        publish.keep_backup(db)
        note = publish.copy_commentary(db, settings)
        if note:
            result.notes.append(note)
        job.on_stage("publish")
        # the working store first: if the run dies between the two swaps, the next run reuses
        # the newer working rows (by SHA-256) and publishes again
        publish.swap_in(work)
        result.swap_ms = publish.swap_in(db)
        out["done"] = f"swapped in {db.name} in {result.swap_ms:.1f} ms" + (
            f"; previous kept as {publish.backup_path(db).name}" if had_live else "")

    months = settings.retention_months
    try:
        removed = retention.purge_inbox(inbox, in_force, months, dt.date.today())
    except OSError as exc:  # a read-only inbox: the run is published all the same
        result.notes.append(f"retention: could not delete old inbox files ({exc.strerror})")
        removed = []
    result.purged = [p.name for p in removed]
    if removed:
        progress.say(f"[retention] deleted {len(removed)} inbox file(s) no longer in force and "
                     f"older than {months} months: {', '.join(result.purged)}")
