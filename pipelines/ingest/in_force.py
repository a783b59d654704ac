"""The files in force: which version of each extract is in force (``archive_files``), the
previous database's rows kept in force when nothing newer loads, and a checked delivery put in
force (its rows settled into ``land_<extract>`` or ``src_<extract>``, archived).

Every extract has ``land_<extract>``: a table for those with cross-file rules (its rows are
re-checked each run: cross_file.py), else a view of ``src_<extract>`` (no second copy).
``land_rejects`` keeps the in-force files' row rejects, so an unchanged file's quarantine is
re-listed under each run.
"""

from __future__ import annotations

from data_contracts import extract_contracts, rules
from data_contracts.rules import lit, q
from data_contracts.schema import SRC_TABLES
from pipelines.ingest import councils as council_rules
from pipelines.ingest.context import PSEUDONYM, IngestRun, current_catalog, tables_of
from pipelines.ingest.extract import Target, settle
from pipelines.ingest.readers import ssda903
from pipelines.ingest.report import (
    ExtractOutcome,
    InForce,
)


def versions(con) -> dict[str, InForce]:
    """The version of each extract in force, from the carried-over archive."""
    rows = con.execute(
        "select extract, file, sha256, loaded_at, extra_columns, key_fingerprint, "
        "source_format, part_sha256s, part_rows, account from archive_files where in_force"
    ).fetchall()
    fields = ("file", "sha256", "loaded_at", "extra_columns", "key_fingerprint",
              "source_format", "part_sha256s", "part_rows", "account")
    return {r[0]: InForce(**dict(zip(fields, r[1:], strict=True))) for r in rows}


def ensure_land(con, extract: str, outcome: ExtractOutcome) -> None:
    """Every extract has land_<extract>: a table for those with cross-file rules (rows are
    re-checked each run), else a view of src_<extract> (the same rows; no second copy)."""
    if has_cross_file(extract):
        if f"land_{extract}" not in tables_of(con, current_catalog(con)):
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


def kept(run: IngestRun, extract: str, force: InForce | None) -> InForce | None:
    """The version in force before, kept in force (its rows reused), or None."""
    return force if force is not None and reuse(run, extract) else None


def reuse(run: IngestRun, extract: str) -> bool:
    """Keep the previous database's rows of this extract in force."""
    con, previous, prev_tables = run.con, run.previous, run.prev_tables
    council_rules.reuse(con, extract, previous, prev_tables)
    if has_cross_file(extract):
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


def has_cross_file(extract: str) -> bool:
    return bool(extract_contracts()[extract].cross_file)


def put(run: IngestRun, outcome: ExtractOutcome) -> None:
    """GX has answered: write the file's rows and rejects, and put it in force."""
    parsed, outcome.parsed = outcome.parsed, None
    extract = parsed.contract.name
    settle(run.con, parsed, PSEUDONYM,
           Target.land(extract) if has_cross_file(extract) else Target.source(extract))
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


def _archive(run: IngestRun, outcome: ExtractOutcome) -> None:
    """The delivery, now in force, in ``archive_files`` (its columns by name)."""
    d = outcome.delivery
    run.con.execute("update archive_files set in_force = false where extract = ?",
                    [outcome.extract])
    row = {"extract": outcome.extract, "file": d.file, "sha256": d.sha256, "rows": d.rows,
           "loaded_at": run.now, "run_id": run.run_id, "in_force": True,
           "key_fingerprint": run.fingerprint, "extra_columns": d.extra_columns,
           "encoding": d.encoding, "source_format": d.source_format,
           "part_sha256s": d.part_sha256s, "part_rows": d.part_rows, "account": d.account}
    run.con.execute(f"insert into archive_files ({', '.join(q(c) for c in row)}) "
                    f"values ({', '.join('?' * len(row))})", list(row.values()))
    outcome.force = InForce(file=d.file, sha256=d.sha256, loaded_at=run.now,
                            extra_columns=d.extra_columns, key_fingerprint=run.fingerprint,
                            source_format=d.source_format, part_sha256s=d.part_sha256s,
                            part_rows=d.part_rows, account=d.account)
