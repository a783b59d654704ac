"""One file through its contract: text -> typed rows -> rule failures -> land table.

Reading rules (dates, yes/no, numbers) and duplicates run in DuckDB; the single-row rules
run in Great Expectations on a worker thread while DuckDB reads the next file. Every row
ends either in the land table or, once, in ``land_rejects`` under its first broken rule.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Executor, Future
from dataclasses import dataclass

import pyarrow as pa

from data_contracts import Contract, gx_suites, rules
from data_contracts.rules import lit, q
from pipelines.pseudonymise import extend_id_map
from pipelines.readers import RawFile

ID_MAP = "lscp_id_map"  # TEMP (raw id -> pseudonym); never in the database file
GX_SLICE_LINES = 500_000


@dataclass
class Parsed:
    contract: Contract
    file: str
    raw: RawFile
    typed: str
    gx: list[Future]

    def done(self) -> bool:
        return all(f.done() for f in self.gx)


def parse(con, contract: Contract, file: str, raw: RawFile, pseudonym: str,
          executor: Executor, run_date: dt.date | None) -> Parsed:
    """Type the raw text table and start its GX validation on the worker thread."""
    ids = [c.name for c in contract.columns if c.pseudonymise]
    if ids:
        extend_id_map(con, ID_MAP, raw.table, ids, pseudonym)
    typed = f"{raw.table}_typed"
    con.execute(f"create or replace temp table {typed} as "
                + rules.typed_select(contract, raw.table, ID_MAP if ids else None))
    sql = gx_suites.frame_select(contract, typed)
    futures = []
    if sql is not None:
        # GX works on pandas copies: validating a big file in slices of lines keeps the
        # memory bounded and lets GX start on the first slice while DuckDB goes on
        lo, hi = con.execute(f"select min(_line), max(_line) from {typed}").fetchall()[0]
        for start in range(lo or 0, (hi or -1) + 1, GX_SLICE_LINES):
            frame = con.sql(f"{sql} and _line >= {start} and _line < {start + GX_SLICE_LINES}"
                            ).to_arrow_table()
            if frame.num_rows:
                futures.append(executor.submit(_validate, contract, frame, run_date))
    return Parsed(contract, file, raw, typed, futures)


def _validate(contract, frame: pa.Table, run_date):
    return gx_suites.validate_frame(contract, frame.to_pandas(), run_date)


def settle(con, parsed: Parsed, pseudonym: str, target: str) -> None:
    """Merge every failure, keep each row's first, write rejects and the surviving rows.

    ``target`` is the table of surviving rows: land_<extract> (with _file, _line) for an
    extract with cross-file rules, else src_<extract> or seed_<name>. Rejects go to
    land_rejects.
    """
    c, typed, raw = parsed.contract, parsed.typed, parsed.raw
    fails = f"{raw.table}_fails"
    con.execute(f'create or replace temp table {fails} (_line BIGINT, rule VARCHAR, "column" VARCHAR)')
    con.execute(f"insert into {fails} select _line, _pf_rule, _pf_column from {typed} "
                f"where _pf_rule is not null")
    gx_failures = [failure for future in parsed.gx for failure in future.result()]
    if gx_failures:
        lines, rule_names, columns = zip(*gx_failures, strict=True)
        arrow = pa.table({"_line": pa.array(lines, pa.int64()), "rule": list(rule_names),
                          "column": list(columns)})
        con.register(f"{fails}_gx", arrow)
        con.execute(f"insert into {fails} select * from {fails}_gx")
        con.unregister(f"{fails}_gx")
    extra = [rules.duplicate_failures(c, typed), *rules.sql_check_failures(c, typed)]
    for sql in filter(None, extra):
        con.execute(f"insert into {fails} {sql}")
    first = f"{raw.table}_first"
    file = lit(parsed.file)
    # most files have no failing row: then there is nothing to rank, list or leave out
    failing = con.execute(f"select exists (select 1 from {fails})").fetchall()[0][0]
    if failing:
        con.execute(
            f"create or replace temp table {first} as select _line, "
            f"arg_min(rule, rank) as rule, arg_min(\"column\", rank) as \"column\" "
            f"from (select *, {rules.rank_sql(c)} as rank from {fails}) group by _line"
        )
        value_case = " ".join(
            f"when {lit(col.name)} then "
            + (f"{pseudonym}({rules.trimmed(col.name)})" if col.pseudonymise else q(col.name))
            for col in c.columns
        )
        con.execute(
            f"insert into land_rejects select {lit(c.name)}, {file}, f._line, f.rule, "
            f"f.\"column\", case f.\"column\" {value_case} end "
            f"from {first} f join {raw.table} r using (_line)"
        )
    survivors = f"{typed} anti join {first} using (_line)" if failing else typed
    if raw.rejects:
        rows = pa.table({"line": pa.array([ln for ln, _ in raw.rejects], pa.int64()),
                         "value": [m for _, m in raw.rejects]})
        con.register(f"{fails}_rows", rows)
        con.execute(
            f"insert into land_rejects select {lit(c.name)}, {file}, line, 'bad_format', NULL, "
            f"value from {fails}_rows"
        )
        con.unregister(f"{fails}_rows")
    cols = ", ".join(q(n) for n in c.column_names)
    if target.startswith("land_"):  # kept with file and line for the cross-file rules
        con.execute(f"create or replace table {target} as select {cols}, {file} as _file, "
                    f"_line from {survivors}")
    else:  # straight into src_<extract> / seed_<name> (seeds keep the file's order)
        order = " order by _line" if target.startswith("seed_") else ""
        con.execute(f"insert into {target} select {cols} from {survivors}{order}")
    con.execute(f"drop table if exists {typed}")
    for t in (fails, first):
        con.execute(f"drop table if exists {t}")
    raw.drop(con)
