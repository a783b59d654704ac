"""This run's ``load_report`` and ``quarantine`` rows (typed: ``report.ReportRow``),
describing the extracts in force, and the result's totals."""

from __future__ import annotations

from data_contracts.schema import EXTRACTS
from pipelines.ingest import accounting, cross_file, sources
from pipelines.ingest.context import IngestRun
from pipelines.ingest.readers import ssda903
from pipelines.ingest.report import (
    ExtractOutcome,
    IngestResult,
    ReportRow,
    write_report_row,
)

# the load_report "extract" of an inbox entry refused unread (a symbolic link, a special file)
REFUSED_EXTRACT = "inbox"


def write(run: IngestRun, result: IngestResult) -> None:
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
        warnings = _warnings(run, o)
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


def _report_parts(run: IngestRun, result: IngestResult, o: ExtractOutcome) -> None:
    """An extract sent in parts: one load-report row per agency's file, each with its own
    status, rows and SHA-256 (a broken part beside the part kept in force for it)."""
    con, run_id, now, extract, force = run.con, run.run_id, run.now, o.extract, o.force
    _quarantine_in_force(con, run_id, extract)
    warnings = _warnings(run, o)
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


def _warnings(run: IngestRun, o: ExtractOutcome) -> str | None:
    """What the reader read leniently, and the cross-file warnings (or the checks not made)."""
    return "; ".join(filter(None, [o.read_warnings,
                                   cross_file.warnings(run.con, o.extract, run.unchecked)])) \
        or None
