"""One extract's delivery: which of its files to load, read through its reader, parsed.

Only the newest file is loaded (spec/extracts.md); a file whose SHA-256 was already loaded
is not loaded again; a file-level failure keeps the previous version in force. A delivery of
several files (census years, SSDA903, SSD, agencies' parts: sources.py) is loaded, kept or
refused as one; a broken agency's part keeps that agency's previous part in force.
Each way out is an ``ExtractOutcome`` built by name (report.py).
"""

from __future__ import annotations

from pipelines.ingest import accounting, in_force, sources
from pipelines.ingest import councils as council_rules
from pipelines.ingest.context import PSEUDONYM, IngestRun
from pipelines.ingest.extract import parse
from pipelines.ingest.readers import ssda903, tabular
from pipelines.ingest.readers.parts import Source
from pipelines.ingest.readers.tabular import (
    FileRejected,
    InboxFile,
    read_file,
)
from pipelines.ingest.report import (
    Delivery,
    ExtractOutcome,
    FileFailure,
    InForce,
)


def deliver(run: IngestRun, contract, inbox_file: InboxFile | None, force: InForce | None,
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
        return ExtractOutcome.missing(extract=extract, force=in_force.kept(run, extract, force))
    same_key = force is not None and force.key_fingerprint == run.fingerprint
    fingerprints = {f.path: tabular.fingerprint(f.path) for f in own_files}
    scans = {path: scan for path, (scan, _sha) in fingerprints.items()}
    own_shas = {path: sha for path, (_scan, sha) in fingerprints.items()}
    files = [f for s in others for f in s.files(extract)]
    names = [f.path.name for f in own_files] + [f.name for f in files]
    label = sources.SEPARATOR.join(names)
    shas = list(own_shas.values()) + [f.sha256 for f in files]
    sha = sources.combined_sha(shas)
    by_agency = len(own_files) > 1
    seen = con.execute("select file, loaded_at from archive_files where extract = ? and "
                       "sha256 = ? order by loaded_at desc limit 1", [extract, sha]).fetchall()
    if seen and same_key and in_force.reuse(run, extract):
        if force.sha256 == sha:
            message = "already loaded, not loaded again"
        else:
            message = (f"{label} has the content of {seen[0][0]}, loaded "
                       f"{seen[0][1]:%Y-%m-%d %H:%M}: not loaded twice; "
                       f"{force.file} stays in force")
        parts = sources.parts_in_force(force, "unchanged") if by_agency else []
        return ExtractOutcome.unchanged(extract=extract, message=message,
                                        note=f"{label} {message}", force=force, parts=parts)
    if not others and not by_agency:
        path = own_files[0].path
        try:
            council = council_rules.of_own_file(path, run.councils, extract)
            raw = read_file(con, path, contract, f"raw_{extract}", run.workdir, scans[path])
        except FileRejected as exc:
            failed = FileFailure(file=path.name, sha256=own_shas[path], message=str(exc))
            return ExtractOutcome.failed(extract=extract, failures=[failed],
                                         note=f"FAILED {path.name}: {exc}",
                                         force=in_force.kept(run, extract, force))
        if council is not None:
            council_rules.tag_parts(con, contract,
                                    [(raw.table, contract.column_names, council, raw)],
                                    PSEUDONYM)
        parsed = parse(con, contract, label, raw, PSEUDONYM, run.executor, run.run_date)
        account = ssda903.Account(iso_dates=raw.iso_dates, null_cells=raw.null_cells)
        return _loaded(run, contract, force, label=label, sha=sha, raw=raw, parsed=parsed,
                       formats=[tabular.format_of(path)], account=account)
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
        failed = _refusal(refused)
        return ExtractOutcome.failed(extract=extract, failures=[failed],
                                     note=f"FAILED {failed.file}: {exc}",
                                     force=in_force.kept(run, extract, force))
    if refused is not None:  # a statutory file whose council cannot be told
        failed = _refusal(refused)
        return ExtractOutcome.failed(extract=extract, failures=[failed],
                                     note=f"FAILED {failed.file}: {failed.message}",
                                     force=in_force.kept(run, extract, force))
    if run.councils.several:
        council_rules.tag_parts(con, contract, [(p.table, p.columns, p.council, p.raw)
                                                for p in own_parts + parts], PSEUDONYM)
    if not own_parts and not parts:  # every part broken, and none kept for its agency
        return ExtractOutcome.failed(extract=extract, failures=failures,
                                     note="FAILED: every part",
                                     force=in_force.kept(run, extract, force))
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
    outcome = _loaded(run, contract, force, label=label, sha=sha, raw=raw, parsed=parsed,
                      formats=formats, part_shas=used_shas if len(used_shas) > 1 else None,
                      warnings="; ".join(w for s in others if (w := s.warnings(extract))),
                      part_rows=part_rows, account=account)
    outcome.members = [m for s in others if (m := s.members.get(extract))]
    if composite.superseded:
        outcome.message += (f"; {composite.superseded:,} rows superseded (the same id in an "
                            "earlier source)")
    if account.superseded and not account.episodes:
        outcome.message += (f"; {account.superseded:,} rows superseded by a newer year's copy")
    if by_agency:
        outcome.parts, outcome.failures = parts_report, failures
    return outcome


def _own_parts(run: IngestRun, contract, own_files: list[InboxFile], scans, shas,
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
            failures.append(FileFailure(file=f.path.name, sha256=shas[f.path],
                                        message=str(exc)))
            report.append(sources.PartReport(file=f.path.name, sha256=shas[f.path],
                                             status="failed", rows=0, message=str(exc)))
            previous = sources.previous_part(force, f, run.agencies)
            if previous is None:
                continue
            try:
                raw = read_file(con, previous.path, contract, table, run.workdir)
            except FileRejected:
                continue
            report.append(sources.PartReport(file=previous.path.name, sha256=previous.sha256,
                                             status="unchanged", rows=raw.rows_read,
                                             message=f"kept in force: the newer "
                                             f"{f.path.name} failed"))
            parts.append(sources.own_part(raw, contract, previous.path))
            parts[-1].council = run.councils.in_name(previous.path.name)
            continue
        report.append(sources.PartReport(file=f.path.name, sha256=shas[f.path],
                                         status="loaded", rows=raw.rows_read, message="loaded"))
        parts.append(sources.own_part(raw, contract, f.path))
        parts[-1].council = council
    return parts, report, failures


def _refusal(refused: tuple[str, str, str]) -> FileFailure:
    """A refused file, (file, sha256, why) as a source says it (parts.Source.failure)."""
    file, sha256, why = refused
    return FileFailure(file=file, sha256=sha256, message=why)


def _loaded(run: IngestRun, contract, force: InForce | None, *, label: str, sha: str, raw,
            parsed, formats: list[str], part_shas: list[str] | None = None,
            warnings: str = "", part_rows: str | None = None,
            account: ssda903.Account | None = None) -> ExtractOutcome:
    """A delivery read and parsed now: what the archive and the report will say of it."""
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
    return ExtractOutcome.loaded(extract=contract.name, message=message,
                                 note=f"{label}: {rows:,} {what} read ({raw.encoding})",
                                 parsed=parsed, delivery=delivery, read_warnings=warnings)


def check_passed_over(run: IngestRun, contract, inbox_file: InboxFile | None,
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
    scan, sha = tabular.fingerprint(path)
    seen = run.con.execute("select 1 from archive_files where extract = ? and sha256 = ? "
                           "limit 1", [contract.name, sha]).fetchall()
    if seen:
        return
    try:
        tabular.check_head(run.con, path, contract, run.workdir, scan)
    except FileRejected as exc:
        outcome.failures.append(FileFailure(file=path.name, sha256=sha, message=str(exc)))
