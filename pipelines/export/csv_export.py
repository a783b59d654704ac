"""``lscp export``: indicator_values as CSV, with disclosure control.

Suppressed cells (see metrics/models/marts/indicator_values.sql) show ``c`` for their
numerator, denominator and value unless ``unsuppressed`` is asked for. Text cells that a
spreadsheet would run as a formula (starting with = + - @ tab or carriage return) get a
leading apostrophe: locality and agency names come from seeds files anyone can edit.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from lscp_core.errors import UserError

HIDDEN_COLUMNS = ("numerator", "denominator", "value")


def _text(column: str) -> str:
    return (f"case when regexp_matches({column}, '^[=+\\-@\\t\\r]') "
            f"then '''' || {column} else {column} end as {column}")


def _hidden(column: str, unsuppressed: bool) -> str:
    if unsuppressed:
        return column
    return f"case when suppressed then 'c' else cast({column} as varchar) end as {column}"


def export_query(unsuppressed: bool) -> str:
    columns = [
        _text("indicator_id"),
        "period_end",
        _text("locality"),
        _text("agency"),
        *(_hidden(column, unsuppressed) for column in HIDDEN_COLUMNS),
        "suppressed",
    ]
    return ("select " + ", ".join(columns) + " from indicator_values "
            "order by indicator_id, period_end, locality, agency")


def export_csv(db: Path, out: Path, unsuppressed: bool = False) -> int:
    """Write ``indicator_values`` of the database ``db`` to ``out``; returns the row count."""
    out = Path(out)
    if not out.parent.is_dir():
        raise UserError(f"folder {out.parent} does not exist")
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"cannot open database {db}: {str(exc).splitlines()[0]}") from None
    try:
        tables = {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = current_schema()"
        ).fetchall()}
        if "indicator_values" not in tables:
            raise UserError(f"database {db} has no indicator_values (run `lscp run` first)")
        relation = con.sql(export_query(unsuppressed))
        rows = relation.shape[0]
        try:
            relation.write_csv(str(out), header=True)
        except (duckdb.Error, OSError) as exc:
            raise UserError(f"cannot write {out}: {str(exc).splitlines()[0]}") from None
        return rows
    finally:
        con.close()
