"""Ingest: the inbox's files in force -> typed, pseudonymised src_* tables.

    result = ingest(con, inbox, seeds_dir, run_id=..., key=..., run_date=..., previous="prev")

One run, job by job (each module below has the rules of its job):

1. readers/registry.py: each registered reader finds its files in force (the extracts' own
   ``<extract>_*.csv|.xlsx``, the census years, SSDA903 and SSD returns);
2. seeds.py: the seeds files read and typed (checked once GX answers);
3. delivery.py: per extract, what to do with its files (newest file, already loaded, a file-
   level failure keeps the previous version, several files loaded as one), read and parsed;
   GX checks each file in its worker while the next is read;
4. in_force.py: each checked delivery settled and put in force, or the previous rows kept;
5. cross_file.py: the cross-file rules over the rows in force, every run;
6. load_report.py: this run's load report and quarantine (typed rows: report.py).

Every row read is either in ``src_<extract>`` or listed once in ``quarantine`` with its
rule, column, value (child ids pseudonymised), file and line.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from data_contracts import extract_contracts
from data_contracts.schema import EXTRACTS, create_empty_sources
from lscp_core.errors import RunFailed, UserError
from pipelines.ingest import councils as council_rules
from pipelines.ingest import (
    cross_file,
    delivery,
    gx_cache,
    gx_worker,
    in_force,
    load_report,
    seeds,
    sources,
)
from pipelines.ingest import report as ingest_report
from pipelines.ingest.context import PSEUDONYM, IngestRun, say, tables_of
from pipelines.ingest.extract import ID_MAP
from pipelines.ingest.pseudonymise import forget as forget_ids
from pipelines.ingest.pseudonymise import install_hmac_macro, key_fingerprint
from pipelines.ingest.readers import registry
from pipelines.ingest.readers.parts import Source
from pipelines.ingest.readers.tabular import InboxFile
from pipelines.ingest.report import ExtractOutcome, IngestResult

__all__ = ["ingest", "IngestResult"]


def ingest(con, inbox: Path, seeds_dir: Path, *, run_id: str, key: bytes,
           run_date: dt.date, previous: str | None, progress=None,
           la_code: str | list[str] | tuple[str, ...] | None = None,
           checks: Path | None = None) -> IngestResult:
    """``la_code``: the partnership's council, or its councils (spec/inputs.md,
    "Partnerships of several councils"; pipelines/ingest/councils.py). ``checks``: the file
    keeping the contract checks' answers between runs (pipelines/ingest/gx_cache.py)."""
    started = time.perf_counter()
    result = IngestResult(run_id=run_id)
    councils = council_rules.of_partnership(la_code, Path(seeds_dir))
    single = councils.codes[0] if len(council_rules.configured(la_code)) == 1 else None
    # the GX worker behind the answers kept from earlier runs: started now (its GX import
    # overlapping the reads) unless they probably answer every question this run asks
    gx = gx_cache.Checks(checks)
    gx.start_unless_kept(Path(inbox))
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
    run = IngestRun(con=con, run_id=run_id, run_date=run_date,
                    now=dt.datetime.now().replace(microsecond=0),
                    fingerprint=councils.fingerprint(key_fingerprint(key)),
                    previous=previous, prev_tables=tables_of(con, previous), executor=gx,
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
            in_force.ensure_land(con, extract, result.outcomes[extract])
        run.unchecked = cross_file.failed_without_rows(result)
        cross_file.apply(con, run.unchecked)
        load_report.write(run, result)
        gx.save()
    except gx_worker.BrokenProcessPool:
        raise RunFailed("the Great Expectations worker process stopped unexpectedly "
                        "(killed, or out of memory?)") from None
    finally:
        _forget_raw_ids(con)
        con.execute("reset disabled_compression_methods")
    result.seconds["total"] = time.perf_counter() - started
    return result


def _ingest_files(run: IngestRun, result: IngestResult, files: dict[str, InboxFile],
                  found: list[Source], seeds_dir: Path, progress,
                  started: float) -> None:
    """Read every seeds file and every extract's newest file; settle them as GX reports."""
    forces = in_force.versions(run.con)
    with tempfile.TemporaryDirectory(prefix="lscp-ingest-") as work:
        run.workdir = Path(work)
        seed_jobs = seeds.start(run, seeds_dir)
        pending: list[ExtractOutcome] = []
        for extract in EXTRACTS:
            t0 = time.perf_counter()
            contract = extract_contracts()[extract]
            outcome = delivery.deliver(run, contract, files.get(extract), forces.get(extract),
                                       found)
            if outcome.status == "failed":
                delivery.check_passed_over(run, contract, files.get(extract), outcome)
            result.outcomes[extract] = outcome
            if outcome.parsed is not None:
                pending.append(outcome)
            say(progress, f"ingest {extract}: {outcome.note} "
                          f"({time.perf_counter() - t0:.1f} s)")
            # settle files whose GX check has finished while the next file is read
            while pending and pending[0].parsed.done():
                in_force.put(run, pending.pop(0))
        result.seconds["read"] = time.perf_counter() - started
        seeds.finish(run.con, seed_jobs)
        council_rules.check_seeds(run.con, run.councils)
        for outcome in pending:
            in_force.put(run, outcome)
        result.seconds["validate"] = time.perf_counter() - started - result.seconds["read"]


def _forget_raw_ids(con) -> None:
    """Drop the connection's TEMP helpers; the id map and the macro's key hold secrets."""
    forget_ids(con, ID_MAP)
    for name in ("cross_fails", "_kept_runs"):
        con.execute(f"drop table if exists temp.{name}")
    con.execute(f"drop macro if exists {PSEUDONYM}")
