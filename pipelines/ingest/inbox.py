"""Ingest: the inbox's newest file per extract -> typed, pseudonymised src_* tables.

    result = ingest(con, inbox, seeds_dir, run_id=..., key=..., run_date=..., previous="prev")

Delivery rules (spec/extracts.md): newest file per extract by modification time then name;
a file whose SHA-256 was already loaded is not loaded again (its rows in force are reused
from the previous database, ``previous``); a file-level failure keeps the previous version
in force. Every row read is either in ``src_<extract>`` or listed once in ``quarantine``
with its rule, column, value (child ids pseudonymised), file and line. Cross-file rules are
applied on every run, because a new children file changes which referrals are orphans.

Other formats (spec/inputs.md), found by ``readers/registry.py``, deliver through
``sources.py``: the census years, SSDA903 and SSD files, and agencies' parts of one
extract, read into the same raw text table as a CSV file and checked by the same rules;
such a delivery of several files is kept, loaded or refused as one (an agency's broken
part keeps that agency's previous part).

Tables: ``land_<extract>`` keeps the in-force rows with ``_file``/``_line`` for the
extracts with cross-file rules (referrals, assessments); for the others it is a view of
``src_<extract>`` (same rows, no second copy). ``land_rejects`` keeps the in-force files'
row rejects, so an unchanged file's quarantine is re-listed under each run.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from data_contracts import extract_contracts, rules, seed_contracts
from data_contracts.rules import lit, q
from data_contracts.schema import EXTRACTS, SRC_TABLES, create_empty_sources
from lscp_core.errors import RunFailed, UserError
from pipelines.ingest import accounting, gx_worker, sources
from pipelines.ingest import councils as council_rules
from pipelines.ingest import report as ingest_report
from pipelines.ingest.extract import ID_MAP, Target, parse, settle
from pipelines.ingest.pseudonymise import install_hmac_macro, key_fingerprint
from pipelines.ingest.readers import registry, ssda903
from pipelines.ingest.readers.parts import Source
from pipelines.ingest.readers.tabular import (
    FileRejected,
    InboxFile,
    check_csv,
    read_file,
    scan_file,
    sha256_file,
)
from pipelines.ingest.report import (
    Delivery,
    ExtractOutcome,
    FileFailure,
    InForce,
    IngestResult,
    ReportRow,
    write_report_row,
)

__all__ = ["ingest", "IngestResult"]

PSEUDONYM = "lscp_pseudonym"
# the load_report "extract" of an inbox entry refused unread (a symbolic link, a special file)
REFUSED_EXTRACT = "inbox"


def _say(progress, text: str) -> None:
    if progress is not None:
        print(text, file=progress, flush=True)


@dataclass
class _Run:
    """What every step of one ingest shares, passed as one."""

    con: object  # the DuckDB connection building the database
    run_id: str
    run_date: dt.date
    now: dt.datetime
    fingerprint: str  # of the pseudonymisation key
    previous: str | None  # the previous database's catalog, attached read-only
    prev_tables: set[str]
    executor: Executor  # the GX worker
    workdir: Path | None = None
    agencies: set[str] = field(default_factory=set)  # agency codes (seeds/agencies.csv)
    councils: council_rules.Councils = field(default_factory=council_rules.Councils)
    inbox: Path | None = None
    # extracts that failed with no version in force: the cross-file checks against them
    # cannot be made (their children's rows are not orphans), with why
    unchecked: dict[str, str] = field(default_factory=dict)


def _tables_of(con, catalog: str | None) -> set[str]:
    if not catalog:
        return set()
    rows = con.execute("select table_name from duckdb_tables() where database_name = ?",
                       [catalog]).fetchall()
    return {r[0] for r in rows}


def ingest(con, inbox: Path, seeds_dir: Path, *, run_id: str, key: bytes,
           run_date: dt.date, previous: str | None, progress=None,
           la_code: str | list[str] | tuple[str, ...] | None = None) -> IngestResult:
    """``la_code``: the partnership's council, or its councils (spec/inputs.md,
    "Partnerships of several councils"; pipelines/ingest/councils.py)."""
    started = time.perf_counter()
    result = IngestResult(run_id=run_id)
    councils = council_rules.of_partnership(la_code, Path(seeds_dir))
    single = councils.codes[0] if len(council_rules.configured(la_code)) == 1 else None
    gx = gx_worker.executor()  # imports GX (seconds) while DuckDB reads the files
    # what each registered reader finds in force: the extracts' own files, the census,
    # SSDA903 and SSD files (per council in a partnership of several)
    inboxed = registry.discover(Path(inbox), EXTRACTS, single, councils,
                                council_rules.by_council)
    files, found = inboxed.own, inboxed.sources
    result.refused_files, result.ignored_files = inboxed.refused, inboxed.ignored
    result.recognised = registry.recognised()
    seeds_dir = Path(seeds_dir)
    if not seeds_dir.is_dir():
        raise UserError(f"seeds folder {seeds_dir} does not exist")
    con.execute("set enable_progress_bar = false")  # our progress is one line per extract
    install_hmac_macro(con, key, PSEUDONYM)
    run = _Run(con=con, run_id=run_id, run_date=run_date,
               now=dt.datetime.now().replace(microsecond=0),
               fingerprint=councils.fingerprint(key_fingerprint(key)),
               previous=previous, prev_tables=_tables_of(con, previous), executor=gx,
               agencies=sources.agency_codes(seeds_dir / "agencies.csv"),
               councils=councils, inbox=Path(inbox))
    create_empty_sources(con)
    council_rules.create_table(con)
    ingest_report.create_tables(con)
    ingest_report.carry_history(con, previous, run.prev_tables)

    # Pseudonyms are random hex: FSST finds little to squeeze and costs about a second per
    # 2.5 million rows written, so the loaded tables store their strings plainly or as
    # dictionaries (about 70 MB more on the 300,000-children partnership).
    con.execute("set disabled_compression_methods = 'fsst,dict_fsst'")
    try:
        _ingest_files(run, result, files, found, seeds_dir, progress, started)
        for extract in EXTRACTS:
            _ensure_land(con, extract, result.outcomes[extract])
        run.unchecked = _failed_without_rows(result)
        _apply_cross_file(con, run.unchecked)
        _report(run, result)
    except gx_worker.BrokenProcessPool:
        raise RunFailed("the Great Expectations worker process stopped unexpectedly "
                        "(killed, or out of memory?)") from None
    finally:
        _forget_raw_ids(con)
        con.execute("reset disabled_compression_methods")
    result.seconds["total"] = time.perf_counter() - started
    return result


def _ingest_files(run: _Run, result: IngestResult, files: dict[str, InboxFile],
                  found: list[Source], seeds_dir: Path, progress,
                  started: float) -> None:
    """Read every seeds file and every extract's newest file; settle them as GX reports."""
    in_force = _in_force(run.con)
    with tempfile.TemporaryDirectory(prefix="lscp-ingest-") as work:
        run.workdir = Path(work)
        seed_jobs = _start_seeds(run, seeds_dir)
        pending: list[ExtractOutcome] = []
        for extract in EXTRACTS:
            t0 = time.perf_counter()
            outcome = _deliver(run, extract_contracts()[extract], files.get(extract),
                               in_force.get(extract), found)
            if outcome.status == "failed":
                _check_passed_over(run, extract_contracts()[extract], files.get(extract),
                                   outcome)
            result.outcomes[extract] = outcome
            if outcome.parsed is not None:
                pending.append(outcome)
            _say(progress, f"ingest {extract}: {outcome.note} "
                           f"({time.perf_counter() - t0:.1f} s)")
            # settle files whose GX check has finished while the next file is read
            while pending and pending[0].parsed.done():
                _settle(run, pending.pop(0))
        result.seconds["read"] = time.perf_counter() - started
        _finish_seeds(run.con, seed_jobs)
        council_rules.check_seeds(run.con, run.councils)
        for outcome in pending:
            _settle(run, outcome)
        result.seconds["validate"] = time.perf_counter() - started - result.seconds["read"]


def _forget_raw_ids(con) -> None:
    """Drop the connection's TEMP helpers; the id map and the macro's key hold secrets."""
    for name in (ID_MAP, "cross_fails", "_kept_runs"):
        con.execute(f"drop table if exists temp.{name}")
    con.execute(f"drop macro if exists {PSEUDONYM}")


def _current_catalog(con) -> str:
    return con.execute("select current_database()").fetchall()[0][0]


def _in_force(con) -> dict[str, InForce]:
    """The version of each extract in force, from the carried-over archive."""
    rows = con.execute(
        "select extract, file, sha256, loaded_at, extra_columns, key_fingerprint, "
        "source_format, part_sha256s, part_rows, account from archive_files where in_force"
    ).fetchall()
    return {r[0]: InForce(*r[1:]) for r in rows}


def _ensure_land(con, extract: str, outcome: ExtractOutcome) -> None:
    """Every extract has land_<extract>: a table for those with cross-file rules (rows are
    re-checked each run), else a view of src_<extract> (the same rows; no second copy)."""
    if _has_cross_file(extract):
        if f"land_{extract}" not in _tables_of(con, _current_catalog(con)):
            cols = ", ".join(f"{q(c)} {t}" for c, t in SRC_TABLES[extract])
            con.execute(f"create table land_{extract} ({cols}, _file VARCHAR, _line BIGINT)")
        for col in rules.sent_as_text(extract_contracts()[extract]):
            # (also for a land table carried over from a database built before this column)
            con.execute(f"alter table land_{extract} add column if not exists "
                        f"{q('_sent_' + col)} VARCHAR")
        return
    file = lit(outcome.force.file) if outcome.force else "NULL::VARCHAR"
    con.execute(f"create or replace view land_{extract} as select *, {file} as _file, "
                f"NULL::BIGINT as _line from src_{extract}")


def _kept(run: _Run, extract: str, force: InForce | None) -> InForce | None:
    """The version in force before, kept in force (its rows reused), or None."""
    return force if force is not None and _reuse(run, extract) else None


def _reuse(run: _Run, extract: str) -> bool:
    """Keep the previous database's rows of this extract in force."""
    con, previous, prev_tables = run.con, run.previous, run.prev_tables
    council_rules.reuse(con, extract, previous, prev_tables)
    if _has_cross_file(extract):
        source = f"land_{extract}"
        if not previous or source not in prev_tables:
            return False
        con.execute(f"create or replace table {source} as select * from {previous}.{source}")
    else:
        source = f"src_{extract}"
        if not previous or source not in prev_tables:
            return False
        cols = ", ".join(q(c) for c, _ in SRC_TABLES[extract])
        con.execute(f"insert into {source} select {cols} from {previous}.{source}")
    if "land_rejects" in prev_tables:
        con.execute(f"insert into land_rejects select * from {previous}.land_rejects "
                    f"where extract = ?", [extract])
    return True


def _deliver(run: _Run, contract, inbox_file: InboxFile | None, force: InForce | None,
             found: list[Source]) -> ExtractOutcome:
    """Decide what to do with an extract's files; start parsing the one to load.

    Only the newest file is loaded (spec: "the newest file of each extract ... is the one
    loaded"). If it fails at file level, the previously loaded version stays in force, or
    the extract has no rows when none was loaded before: an older file in the inbox is not
    loaded in its place. The failure is reported. A delivery of several files (census
    years, SSDA903, agencies' parts: sources.py) is loaded or kept as one; a broken
    agency's part keeps that agency's previous part in force, the other parts load.
    """
    con, extract = run.con, contract.name
    others = sources.chosen(extract, found, inbox_file)
    own_file = inbox_file if (extract == "children" or not others) else None
    own_files = sources.agency_parts(own_file, run.agencies, run.councils) if own_file else []
    if not own_files and not others:
        return ExtractOutcome.missing(extract, force=_kept(run, extract, force))
    same_key = force is not None and force.key_fingerprint == run.fingerprint
    scans = {f.path: scan_file(f.path) if f.path.suffix.lower() == ".csv" else None
             for f in own_files}
    own_shas = {f.path: (scans[f.path].sha256 if scans[f.path] else sha256_file(f.path))
                for f in own_files}
    files = [f for s in others for f in s.files(extract)]
    names = [f.path.name for f in own_files] + [f.name for f in files]
    label = sources.SEPARATOR.join(names)
    shas = list(own_shas.values()) + [f.sha256 for f in files]
    sha = sources.combined_sha(shas)
    by_agency = len(own_files) > 1
    seen = con.execute("select file, loaded_at from archive_files where extract = ? and "
                       "sha256 = ? order by loaded_at desc limit 1", [extract, sha]).fetchall()
    if seen and same_key and _reuse(run, extract):
        if force.sha256 == sha:
            message = "already loaded, not loaded again"
        else:
            message = (f"{label} has the content of {seen[0][0]}, loaded "
                       f"{seen[0][1]:%Y-%m-%d %H:%M}: not loaded twice; "
                       f"{force.file} stays in force")
        parts = sources.parts_in_force(force, "unchanged") if by_agency else []
        return ExtractOutcome.unchanged(extract, message, note=f"{label} {message}",
                                        force=force, parts=parts)
    if not others and not by_agency:
        path = own_files[0].path
        try:
            council = council_rules.of_own_file(path, run.councils, extract)
            raw = read_file(con, path, contract, f"raw_{extract}", run.workdir, scans[path])
        except FileRejected as exc:
            failed = FileFailure(path.name, own_shas[path], str(exc))
            return ExtractOutcome.failed(extract, [failed], note=f"FAILED {path.name}: {exc}",
                                         force=_kept(run, extract, force))
        if council is not None:
            council_rules.tag_parts(con, contract,
                                    [(raw.table, contract.column_names, council, raw)],
                                    PSEUDONYM)
        parsed = parse(con, contract, label, raw, PSEUDONYM, run.executor, run.run_date)
        account = ssda903.Account(iso_dates=raw.iso_dates, null_cells=raw.null_cells)
        return _loaded(run, contract, force, label, sha, raw, parsed, [_format_of(path)],
                       account=account)
    refused = None
    try:
        own_parts, parts_report, failures = _own_parts(run, contract, own_files, scans,
                                                       own_shas, force)
        parts = council_rules.read_parts(con, others, extract, run.councils)
        refused = council_rules.of_parts(parts, run.councils, run.inbox)
    except FileRejected as exc:
        refused = next((s.failure for s in others if s.failure is not None), None)
        if refused is None:  # the extract's own file (an agency's part is reported alone)
            own = own_files[0].path
            refused = (own.name, own_shas[own], str(exc))
        failed = FileFailure(*refused)
        return ExtractOutcome.failed(extract, [failed], note=f"FAILED {failed.file}: {exc}",
                                     force=_kept(run, extract, force))
    if refused is not None:  # a statutory file whose council cannot be told
        failed = FileFailure(*refused)
        return ExtractOutcome.failed(extract, [failed],
                                     note=f"FAILED {failed.file}: {failed.message}",
                                     force=_kept(run, extract, force))
    if run.councils.several:
        council_rules.tag_parts(con, contract, [(p.table, p.columns, p.council, p.raw)
                                                for p in own_parts + parts], PSEUDONYM)
    if not own_parts and not parts:  # every part broken, and none kept for its agency
        return ExtractOutcome.failed(extract, failures, note="FAILED: every part",
                                     force=_kept(run, extract, force))
    used = [p.file for p in own_parts] + [f.name for f in files]
    used_shas = [r.sha256 for r in parts_report if r.status != "failed"] + \
        [f.sha256 for f in files]
    label, sha = sources.SEPARATOR.join(used), sources.combined_sha(used_shas)
    extra = [u for s in others if (u := s.unused(extract))]
    composite = sources.read_composite(con, contract, f"raw_{extract}", own_parts, parts,
                                       extra)
    council_rules.drop_copies(con, parts)
    raw = composite.raw
    parsed = parse(con, contract, label, raw, PSEUDONYM, run.executor, run.run_date,
                   composite.origin)
    formats = [p.format for p in own_parts] + [s.format for s in others]
    part_rows = sources.SEPARATOR.join(str(r.rows) for r in parts_report
                                       if r.status != "failed") if by_agency else None
    account = accounting.add_up(own_parts, others, extract)
    account.superseded_by_source = composite.superseded
    outcome = _loaded(run, contract, force, label, sha, raw, parsed, formats,
                      used_shas if len(used_shas) > 1 else None,
                      "; ".join(w for s in others if (w := s.warnings(extract))), part_rows,
                      account)
    outcome.members = [m for s in others if (m := s.members.get(extract))]
    if composite.superseded:
        outcome.message += (f"; {composite.superseded:,} rows superseded (the same id in an "
                            "earlier source)")
    if account.superseded and not account.episodes:
        outcome.message += (f"; {account.superseded:,} rows superseded by a newer year's copy")
    if by_agency:
        outcome.parts, outcome.failures = parts_report, failures
    return outcome


def _check_passed_over(run: _Run, contract, inbox_file: InboxFile | None,
                       outcome: ExtractOutcome) -> None:
    """The extract's own newest file, passed over for a newer statutory file (census,
    SSDA903, SSD) that failed: read it too, so a broken file dropped beside the broken one is
    named as well. It is never loaded in the failed file's place (the newest-file rule); a
    file loaded before is not read again."""
    if inbox_file is None or contract.name == "children":
        return
    path = inbox_file.path
    if any(f.file == path.name for f in outcome.failures):
        return
    scan = scan_file(path) if path.suffix.lower() == ".csv" else None
    sha = scan.sha256 if scan else sha256_file(path)
    seen = run.con.execute("select 1 from archive_files where extract = ? and sha256 = ? "
                           "limit 1", [contract.name, sha]).fetchall()
    if seen:
        return
    try:
        if path.suffix.lower() == ".csv":
            check_csv(path, contract, scan)  # its head: what fails a file before any row is read
        else:  # an .xlsx: read whole, then dropped
            read_file(run.con, path, contract, f"checked_{contract.name}", run.workdir)
    except FileRejected as exc:
        outcome.failures.append(FileFailure(path.name, sha, str(exc)))


def _failed_without_rows(result: IngestResult) -> dict[str, str]:
    """{extract: why} for the extracts whose delivery failed with no version in force."""
    return {extract: "its file " + ", ".join(dict.fromkeys(f.file for f in o.failures))
            + " failed and no earlier version is in force"
            for extract, o in result.outcomes.items()
            if o.status == "failed" and o.force is None and o.failures}


def _parent(rule: dict) -> str | None:
    """The extract a cross-file rule or warning looks up (None: a seed, or none)."""
    ref = rule.get("references") or rule.get("same_as")
    if not ref or ref.startswith("seed_"):
        return None
    return ref.split(".")[0]


def _not_checked(rule: dict, unchecked: dict[str, str]) -> str | None:
    """The extract a rule or warning would look up, when that extract is ``unchecked``."""
    parent = _parent(rule)
    return parent if parent in unchecked else None


def _own_parts(run: _Run, contract, own_files: list[InboxFile], scans, shas,
               force: InForce | None):
    """Read the extract's own files (one per agency, plus one without an agency). A part
    that fails keeps that agency's part in force before, when the inbox still holds it."""
    con, extract = run.con, contract.name
    parts, report, failures = [], [], []
    by_agency = len(own_files) > 1
    for i, f in enumerate(own_files):
        table = f"raw_{extract}_own{i}"
        try:
            council = council_rules.of_own_file(f.path, run.councils, extract)
            raw = read_file(con, f.path, contract, table, run.workdir, scans[f.path])
        except FileRejected as exc:
            if not by_agency:
                raise
            failures.append(FileFailure(f.path.name, shas[f.path], str(exc)))
            report.append(sources.PartReport(f.path.name, shas[f.path], "failed", 0,
                                             str(exc)))
            previous = sources.previous_part(force, f, run.agencies)
            if previous is None:
                continue
            try:
                raw = read_file(con, previous.path, contract, table, run.workdir)
            except FileRejected:
                continue
            report.append(sources.PartReport(previous.path.name, previous.sha256, "unchanged",
                                             raw.rows_read, f"kept in force: the newer "
                                             f"{f.path.name} failed"))
            parts.append(sources.own_part(raw, contract, previous.path))
            parts[-1].council = run.councils.in_name(previous.path.name)
            continue
        report.append(sources.PartReport(f.path.name, shas[f.path], "loaded", raw.rows_read,
                                         "loaded"))
        parts.append(sources.own_part(raw, contract, f.path))
        parts[-1].council = council
    return parts, report, failures


def _loaded(run: _Run, contract, force: InForce | None, label: str, sha: str, raw, parsed,
            formats: list[str], part_shas: list[str] | None = None,
            warnings: str = "", part_rows: str | None = None,
            account: ssda903.Account | None = None) -> ExtractOutcome:
    same_key = force is not None and force.key_fingerprint == run.fingerprint
    message = "loaded" if force is None or same_key else \
        "loaded (the key changed: re-pseudonymised)"
    rows = account.rows if account is not None and account.episodes else raw.rows_read
    if rows == 0:
        message = "header only: no data rows" if len(formats) == 1 else "no records"
    what = "episodes" if account is not None and account.episodes else "rows"
    delivery = Delivery(
        file=label, sha256=sha, rows=rows, extra_columns=", ".join(raw.extra_columns),
        encoding=raw.encoding, source_format=sources.SEPARATOR.join(dict.fromkeys(formats)),
        part_sha256s=sources.SEPARATOR.join(part_shas) if part_shas else None,
        part_rows=part_rows, account=account.to_json() if account is not None else None)
    return ExtractOutcome.loaded(contract.name, message,
                                 note=f"{label}: {rows:,} {what} read ({raw.encoding})",
                                 parsed=parsed, delivery=delivery, read_warnings=warnings)


def _format_of(path: Path) -> str:
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"


def _has_cross_file(extract: str) -> bool:
    return bool(extract_contracts()[extract].cross_file)


def _settle(run: _Run, outcome: ExtractOutcome) -> None:
    """GX has answered: write the file's rows and rejects, and put it in force."""
    parsed, outcome.parsed = outcome.parsed, None
    extract = parsed.contract.name
    settle(run.con, parsed, PSEUDONYM,
           Target.land(extract) if _has_cross_file(extract) else Target.source(extract))
    for table, names in outcome.members:
        _quarantine_members(run.con, extract, table, names)
    _archive(run, outcome)


def _quarantine_members(con, extract: str, table: str, names: list[str]) -> None:
    """A period of care the contract rejected (at its first episode's line): every other
    episode of it is quarantined too, so that no episode is silently dropped."""
    def name(expr: str) -> str:
        return "(case " + expr + " " + " ".join(
            f"when {i} then {lit(n)}" for i, n in enumerate(names)) + " end)"
    skip = ", ".join(lit(r) for r in ssda903.EPISODE_RULES)
    con.execute(
        f"insert into land_rejects select {lit(extract)}, {name('m._file')}, m._line, "
        "'period_not_formed', NULL, r.rule || ' at line ' || r.line || case when "
        f"m._file <> m.period_file then ' of ' || r.file else '' end "
        f"from {table} m join land_rejects r on r.extract = {lit(extract)} "
        f"and r.file = {name('m.period_file')} and r.line = m.period_line "
        f"and r.rule not in ({skip}) "
        "where m._file <> m.period_file or m._line <> m.period_line")


def _archive(run: _Run, outcome: ExtractOutcome) -> None:
    d = outcome.delivery
    run.con.execute("update archive_files set in_force = false where extract = ?",
                    [outcome.extract])
    run.con.execute(
        "insert into archive_files values (?, ?, ?, ?, ?, ?, true, ?, ?, ?, ?, ?, ?, ?)",
        [outcome.extract, d.file, d.sha256, d.rows, run.now, run.run_id, run.fingerprint,
         d.extra_columns, d.encoding, d.source_format, d.part_sha256s, d.part_rows,
         d.account],
    )
    outcome.force = InForce(file=d.file, sha256=d.sha256, loaded_at=run.now,
                            extra_columns=d.extra_columns, key_fingerprint=run.fingerprint,
                            source_format=d.source_format, part_sha256s=d.part_sha256s,
                            part_rows=d.part_rows, account=d.account)


def _start_seeds(run: _Run, seeds_dir: Path) -> list:
    """Read and type every seeds file now; their GX checks finish in _finish_seeds."""
    con, jobs = run.con, []
    for name, contract in seed_contracts().items():
        path = seeds_dir / f"{name}.csv"
        label = f"seeds/{name}.csv"
        if not path.is_file():
            if contract.optional:
                continue  # its seed_ table stays empty
            raise RunFailed(f"{label}: file missing from {seeds_dir}")
        try:
            raw = read_file(con, path, contract, f"raw_seed_{name}", run.workdir)
        except FileRejected as exc:
            raise RunFailed(f"{label}: {exc}") from None
        jobs.append((label, parse(con, contract, label, raw, PSEUDONYM, run.executor, None)))
    return jobs


def _finish_seeds(con, jobs) -> None:
    """Settle the seeds; any rejected row stops the run with a one-line reason."""
    for label, parsed in jobs:
        settle(con, parsed, PSEUDONYM, Target.seed(parsed.contract.name))
        checks = zip(parsed.contract.cross_file,
                     rules.cross_file_failures(parsed.contract, f"seed_{parsed.contract.name}"),
                     strict=True)
        for spec, (_rule, column, sql) in checks:
            bad = con.execute(sql.replace("l._line", "count(*)", 1)).fetchall()[0][0]
            if bad:
                where = "seeds/" + spec["references"].split(".")[0].removeprefix("seed_") + ".csv"
                raise RunFailed(f"{label}: {bad} rows with {column} not in {where}")
        first = con.execute(
            "select line, rule, \"column\", value from land_rejects where file = ? "
            "order by line limit 1", [label]).fetchall()
        if first:
            line, rule_name, column, value = first[0]
            count = con.execute("select count(*) from land_rejects where file = ?",
                                [label]).fetchall()[0][0]
            what = f"{column} {value!r}" if column else value
            raise RunFailed(f"{label}: line {line}: {what} ({rule_name})"
                            + (f" and {count - 1} more rows" if count > 1 else ""))


def _apply_cross_file(con, unchecked: dict[str, str] | None = None) -> None:
    """src_<extract> = rows in force minus those failing a cross-file rule (in order). A rule
    looking up an extract in ``unchecked`` (failed, nothing in force) is not applied: its
    rows are not orphans of a file that could not be read."""
    unchecked = unchecked or {}
    con.execute('create or replace temp table cross_fails (extract VARCHAR, file VARCHAR, '
                '_line BIGINT, rule VARCHAR, "column" VARCHAR, value VARCHAR)')
    for extract, contract in extract_contracts().items():
        if not contract.cross_file:
            continue  # settled straight into src_<extract>
        land = f"land_{extract}"
        sent = rules.sent_as_text(contract)
        for rule, (rule_name, column, sql) in zip(
                contract.cross_file, rules.cross_file_failures(contract, land), strict=True):
            if _not_checked(rule, unchecked):
                continue
            value = (f"coalesce(l.{q('_sent_' + column)}, l.{q(column)}::VARCHAR)"
                     if column in sent else f"l.{q(column)}::VARCHAR")
            con.execute(
                f"insert into cross_fails select {lit(extract)}, l._file, l._line, "
                f"{lit(rule_name)}, {lit(column)}, {value} from {land} l "
                f"where l._line in ({sql}) and l._line not in "
                f"(select _line from cross_fails where extract = {lit(extract)})"
            )
        cols = ", ".join(q(c) for c, _ in SRC_TABLES[extract])
        con.execute(
            f"insert into src_{extract} select {cols} from {land} where _line not in "
            f"(select _line from cross_fails where extract = {lit(extract)}) order by _line"
        )


def _warnings(con, extract: str, unchecked: dict[str, str] | None = None) -> str:
    """The warnings' counts, and the cross-file checks that could not be made and why."""
    unchecked = unchecked or {}
    contract = extract_contracts()[extract]
    skipped: dict[str, list[str]] = {}  # the extract looked up: the checks not made
    for rule in contract.cross_file:
        if (parent := _not_checked(rule, unchecked)):
            skipped.setdefault(parent, []).append(rule["rule"])
    found = []
    for warning, (message, sql) in zip(
            contract.warnings, rules.warning_queries(contract, f"src_{extract}"), strict=True):
        if (parent := _not_checked(warning, unchecked)):
            skipped.setdefault(parent, []).append(f"'{message}'")
            continue
        n = con.execute(sql).fetchall()[0][0]
        if n:
            found.append(f"{n:,} rows: {message}")
    return "; ".join([f"not checked against {parent} ({unchecked[parent]}): "
                      + ", ".join(checks) for parent, checks in skipped.items()] + found)


def _report(run: _Run, result: IngestResult) -> None:
    """This run's load_report and quarantine rows, describing the extracts in force."""
    con, run_id, now = run.con, run.run_id, run.now
    failed: dict[tuple[str, str], list[str]] = {}  # one line per failed file, its extracts
    for extract in EXTRACTS:
        o = result.outcomes[extract]
        for f in o.failures:
            failed.setdefault((f.file, f.message), []).append(extract)
            if o.parts and o.force is not None:
                continue  # an agency's part: listed with the other parts
            write_report_row(con, ReportRow(
                run_id=run_id, extract=extract, file=f.file, sha256=f.sha256,
                status="failed", message=f.message, reported_at=now))
        force = o.force
        if o.parts and force is not None:
            _report_parts(run, result, o)
            continue
        if force is None:
            if o.status == "missing":
                write_report_row(con, ReportRow(
                    run_id=run_id, extract=extract, status="missing", message=o.message,
                    reported_at=now))
            continue
        status = o.status if o.status != "failed" else "unchanged"
        _quarantine_in_force(con, run_id, extract)
        loaded = con.execute(f"select count(*) from src_{extract}").fetchall()[0][0]
        quarantined = con.execute(
            "select count(*) from quarantine where run_id = ? and extract = ?",
            [run_id, extract]).fetchall()[0][0]
        account = ssda903.Account.from_json(force.account) or ssda903.Account()
        read, rows_loaded, explained = accounting.report_counts(con, run_id, extract, account,
                                                                loaded, quarantined)
        message = o.message
        if explained is not None:  # rows are episodes
            message = f"{message}; {explained}"
            if loaded == 0 and account.rows:
                result.explanations.append(explained)
        warnings = "; ".join(filter(None, [o.read_warnings,
                                           _warnings(con, extract, run.unchecked)])) or None
        write_report_row(con, ReportRow(
            run_id=run_id, extract=extract, file=force.file, sha256=force.sha256,
            rows_read=read, rows_loaded=rows_loaded, rows_quarantined=quarantined, status=status,
            message=message, extra_columns=force.extra_columns or None, warnings=warnings,
            loaded_at=force.loaded_at, reported_at=now, source_format=force.source_format,
            iso_dates=account.iso_dates, null_cells=account.null_cells,
            # what is neither loaded nor quarantined was superseded by a newer copy
            rows_superseded=read - rows_loaded - quarantined))
    result.file_failures = [f"{', '.join(extracts)}: {file}: {message}"
                            for (file, message), extracts in failed.items()]
    for name, why in result.refused_files:  # named, never read nor hashed
        write_report_row(con, ReportRow(run_id=run_id, extract=REFUSED_EXTRACT, file=name,
                                        status="refused", message=why, reported_at=now))
    cur = con.execute("select * from load_report where run_id = ?", [run_id])
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    result.reports = rows
    result.rows_loaded = sum(r["rows_loaded"] for r in rows)
    result.rows_quarantined = sum(r["rows_quarantined"] for r in rows)
    result.top_rules = [tuple(r) for r in con.execute(
        "select extract, rule, count(*) n from quarantine where run_id = ? "
        "group by all order by n desc, extract, rule limit 10", [run_id]).fetchall()]


def _report_parts(run: _Run, result: IngestResult, o: ExtractOutcome) -> None:
    """An extract sent in parts: one load-report row per agency's file, each with its own
    status, rows and SHA-256 (a broken part beside the part kept in force for it)."""
    con, run_id, now, extract, force = run.con, run.run_id, run.now, o.extract, o.force
    _quarantine_in_force(con, run_id, extract)
    warnings = "; ".join(filter(None, [o.read_warnings,
                                       _warnings(con, extract, run.unchecked)])) or None
    for part in o.parts:
        if part.status == "failed":
            write_report_row(con, ReportRow(
                run_id=run_id, extract=extract, file=part.file, sha256=part.sha256,
                status="failed", message=part.message, reported_at=now))
            continue
        quarantined = con.execute(
            "select count(*) from quarantine where run_id = ? and extract = ? and file = ?",
            [run_id, extract, part.file]).fetchall()[0][0]
        write_report_row(con, ReportRow(
            run_id=run_id, extract=extract, file=part.file, sha256=part.sha256,
            rows_read=part.rows, rows_loaded=part.rows - quarantined,
            rows_quarantined=quarantined, status=part.status, message=part.message,
            extra_columns=force.extra_columns or None, warnings=warnings,
            loaded_at=force.loaded_at, reported_at=now, source_format=force.source_format))


def _quarantine_in_force(con, run_id: str, extract: str) -> None:
    """List the in-force rows' rejects (row rules and cross-file rules) under this run."""
    con.execute(
        "insert into quarantine select ?, extract, file, line, rule, \"column\", value "
        "from land_rejects where extract = ?", [run_id, extract])
    con.execute(
        f"insert into quarantine select ?, extract, file, {sources.line_sql('_line')}, "
        "rule, \"column\", value from cross_fails where extract = ?", [run_id, extract])

