"""One file through its contract: text -> typed rows -> rule failures -> land table.

Reading rules (dates, yes/no, numbers) and duplicates run in DuckDB; the single-row rules
run in Great Expectations in its worker process (pipelines.ingest.gx_worker) while DuckDB reads
the next file. GX sees each distinct combination of the checked values once (a profile),
since a single-row rule gives the same answer for equal values; a failing profile's lines
are the rows with its values. Every row ends either in the land table or, once, in
``land_rejects`` under its first broken rule.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Executor, Future
from dataclasses import dataclass

import pyarrow as pa

from data_contracts import Contract, gx_suites, rules
from data_contracts.rules import lit, q
from pipelines.ingest.pseudonymise import file_pseudonyms
from pipelines.ingest.readers.tabular import RawFile
from pipelines.ingest.sources import line_sql

ID_MAP = "lscp_id_map"  # TEMP (raw id -> pseudonym); never in the database file
GX_SLICE_ROWS = 500_000  # profiles per GX batch: bounds the pandas copy
PROFILE = "_profile"


@dataclass
class Parsed:
    contract: Contract
    file: str
    raw: RawFile
    typed: str
    profiles: str  # TEMP table: one row per distinct combination of GX-checked values
    profile_columns: dict[str, str]  # name -> SQL giving those values from the typed table
    gx: list[Future]
    origin: object = None  # pipelines.ingest.sources.Origin of a several-file delivery

    def file_sql(self, expr: str) -> str:
        """The file a row came from (its part's, for a several-file delivery)."""
        return self.origin.file_sql(expr) if self.origin is not None else lit(self.file)

    def line_sql(self, expr: str) -> str:
        return line_sql(expr) if self.origin is not None else expr

    def done(self) -> bool:
        return all(f.done() for f in self.gx)


def parse(con, contract: Contract, file: str, raw: RawFile, pseudonym: str,
          executor: Executor, run_date: dt.date | None, origin=None) -> Parsed:
    """Type the raw text table and send its profiles to the GX worker."""
    ids = [c.name for c in contract.columns if c.pseudonymise]
    id_maps = file_pseudonyms(con, ID_MAP, raw.table, ids, pseudonym) if ids else None
    raw.cleanup.extend(("table", t) for t in (id_maps or {}).values())
    typed = f"{raw.table}_typed"
    con.execute(f"create or replace temp table {typed} as "
                + rules.typed_select(contract, raw.table, id_maps))
    columns = gx_suites.frame_columns(contract, presence_in_sql=True)  # presence: in settle
    futures = []
    profiles = f"{raw.table}_profiles"
    if columns:
        # numbered in the order of their values, so the same file gives the same frames
        # (the key of their kept answers: pipelines/ingest/gx_cache.py)
        order = ", ".join(q(name) for name in columns)
        con.execute(
            f"create or replace temp table {profiles} as select row_number() over "
            f"(order by {order}) as {PROFILE}, * from (select distinct {_selected(columns)} "
            f"from {typed} where _pf_rule is null)")
        count = con.execute(f"select count(*) from {profiles}").fetchall()[0][0]
        for start in range(1, count + 1, GX_SLICE_ROWS):
            frame = con.sql(f"select * from {profiles} where {PROFILE} "
                            f"between {start} and {start + GX_SLICE_ROWS - 1}").to_arrow_table()
            futures.append(executor.submit(_validate, contract, frame, run_date))
    return Parsed(contract, file, raw, typed, profiles, columns, futures, origin)


def _selected(columns: dict[str, str]) -> str:
    return ", ".join(f"{expr} as {q(name)}" for name, expr in columns.items())


def _validate(contract, frame: pa.Table, run_date):
    return gx_suites.validate_frame(contract, frame.to_pandas(), run_date, index=PROFILE,
                                    presence_in_sql=True)


def _reject_value(col, pseudonym: str) -> str:
    """A rejected row's offending value as kept: ids hashed like the loaded rows, a column
    the contract does not store (the UPN) not kept at all."""
    if not col.stored:
        return "NULL"
    return f"{pseudonym}({rules.trimmed(col.name)})" if col.pseudonymise else q(col.name)


def _stored(col, prefix: str = "") -> str:
    """The column as written to the table: NULL when the contract checks it but keeps it not."""
    if col.stored:
        return f"{prefix}{q(col.name)}"
    return f"NULL::{col.duckdb_type} as {q(col.name)}"


@dataclass(frozen=True)
class Target:
    """Where a file's surviving rows go, and how: said by name, not read from the table's."""

    table: str
    with_lines: bool = False  # kept with _file, _line (and the text sent) for cross-file rules
    in_file_order: bool = False  # written in the file's order

    @classmethod
    def land(cls, extract: str) -> Target:
        """land_<extract>: an extract with cross-file rules (re-checked every run)."""
        return cls(f"land_{extract}", with_lines=True)

    @classmethod
    def source(cls, extract: str) -> Target:
        """src_<extract>: an extract without cross-file rules, settled straight in."""
        return cls(f"src_{extract}")

    @classmethod
    def seed(cls, name: str) -> Target:
        """seed_<name>: a seeds file, in its file's order."""
        return cls(f"seed_{name}", in_file_order=True)


def settle(con, parsed: Parsed, pseudonym: str, target: Target) -> None:
    """Merge every failure, keep each row's first, write rejects and the surviving rows.

    ``target`` is the table of surviving rows (``Target``): land_<extract> (with _file,
    _line) for an extract with cross-file rules, else src_<extract> or seed_<name>. Rejects
    go to land_rejects.
    """
    c, typed, raw = parsed.contract, parsed.typed, parsed.raw
    fails = f"{raw.table}_fails"
    con.execute(f'create or replace temp table {fails} (_line BIGINT, rule VARCHAR, "column" VARCHAR)')
    con.execute(f"insert into {fails} select _line, _pf_rule, _pf_column from {typed} "
                f"where _pf_rule is not null")
    gx_failures = [failure for future in parsed.gx for failure in future.result()]
    if gx_failures:
        ids, rule_names, columns = zip(*gx_failures, strict=True)
        arrow = pa.table({PROFILE: pa.array(ids, pa.int64()), "rule": list(rule_names),
                          "column": list(columns)})
        con.register(f"{fails}_gx", arrow)
        # back from failing profiles to their lines: the rows with the same values
        same = " and ".join(f"t.{q(name)} is not distinct from p.{q(name)}"
                            for name in parsed.profile_columns)
        con.execute(
            f"insert into {fails} select t._line, p.rule, p.\"column\" from "
            f"(select _line, {_selected(parsed.profile_columns)} from {typed} "
            f"where _pf_rule is null) t join (select * from {fails}_gx g "
            f"join {parsed.profiles} using ({PROFILE})) p on {same}")
        con.unregister(f"{fails}_gx")
    extra = [rules.required_failures(c, typed), rules.duplicate_failures(c, typed),
             *rules.sql_check_failures(c, typed)]
    for sql in filter(None, extra):
        con.execute(f"insert into {fails} {sql}")
    first = f"{raw.table}_first"
    # most files have no failing row: then there is nothing to rank, list or leave out
    failing = con.execute(f"select exists (select 1 from {fails})").fetchall()[0][0]
    if failing:
        con.execute(
            f"create or replace temp table {first} as select _line, "
            f"arg_min(rule, rank) as rule, arg_min(\"column\", rank) as \"column\" "
            f"from (select *, {rules.rank_sql(c)} as rank from {fails}) group by _line"
        )
        value_case = " ".join(
            f"when {lit(col.name)} then " + _reject_value(col, pseudonym) for col in c.columns)
        con.execute(
            f"insert into land_rejects select {lit(c.name)}, {parsed.file_sql('f._line')}, "
            f"{parsed.line_sql('f._line')}, f.rule, "
            f"f.\"column\", case f.\"column\" {value_case} end "
            f"from {first} f join {raw.table} r using (_line)"
        )
    survivors = f"{typed} anti join {first} using (_line)" if failing else typed
    if raw.rejects:
        # (line, message) of a row that could not be split into fields, or (line, value,
        # rule, column) of a record a reader could not turn into a row (SSDA903 episodes)
        rejects = [r if len(r) == 4 else (r[0], r[1], "bad_format", None) for r in raw.rejects]
        rows = pa.table({"line": pa.array([r[0] for r in rejects], pa.int64()),
                         "value": pa.array([r[1] for r in rejects], pa.string()),
                         "rule": pa.array([r[2] for r in rejects], pa.string()),
                         "column": pa.array([r[3] for r in rejects], pa.string())})
        con.register(f"{fails}_rows", rows)
        con.execute(
            f"insert into land_rejects select {lit(c.name)}, {parsed.file_sql('line')}, "
            f"{parsed.line_sql('line')}, rule, \"column\", value from {fails}_rows"
        )
        con.unregister(f"{fails}_rows")
    cols = ", ".join(_stored(col) for col in c.columns)
    if target.with_lines:  # kept with file and line for the cross-file rules
        sent = "".join(f", r.{q(col)} as {q('_sent_' + col)}" for col in rules.sent_as_text(c))
        typed_cols = ", ".join(_stored(col, "s.") for col in c.columns)
        con.execute(f"create or replace table {target.table} as select {typed_cols}, "
                    f"{parsed.file_sql('s._line')} as _file, "
                    f"s._line{sent} from (select * from {survivors}) s "
                    f"join {raw.table} r on r._line = s._line order by s._line")
    else:  # straight into src_<extract> / seed_<name> (seeds keep the file's order)
        order = " order by _line" if target.in_file_order else ""
        con.execute(f"insert into {target.table} select {cols} from {survivors}{order}")
    con.execute(f"drop table if exists {typed}")
    for t in (fails, first, parsed.profiles):
        con.execute(f"drop table if exists {t}")
    raw.drop(con)
