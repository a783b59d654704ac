"""``lscp export``: indicator_values as CSV, with disclosure control.

Suppressed cells (see metrics/models/marts/indicator_values.sql) show ``c`` for their
numerator, denominator and value unless ``unsuppressed`` is asked for: the file is what a
restricted viewer or an analyst sees (``lscp_core.viewer``, the rule the pages use). Each
row carries its ``period_label`` in words (``lscp_core.periods``, as the pages say it); the file is UTF-8 with a byte-order mark. Text cells that a
spreadsheet would run as a formula (starting with = + - @ tab or carriage return) get a
leading apostrophe: council, locality and agency names come from seeds files anyone can
edit. The ``council`` column is 'All' for a partnership of one council.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from lscp_core.errors import UserError
from lscp_core.periods import period_label
from lscp_core.private import open_private
from lscp_core.viewer import ANALYST, VIEWER, Viewer, figure_text_sql

HIDDEN_COLUMNS = ("numerator", "denominator", "value")


def _text(column: str) -> str:
    return (f"case when regexp_matches({column}, '^[=+\\-@\\t\\r]') "
            f"then '''' || {column} else {column} end as {column}")


def _plain_number(column: str) -> str:
    """A figure as the CSV writes it: a whole number without a decimal point ("2492", not
    "2492.0": counts, populations, a count indicator's value), any other at full precision
    (82.42375601926165); empty when NULL."""
    return (f"case when {column} is null then null "
            f"when isfinite({column}::DOUBLE) and {column} = trunc({column}) "
            f"and abs({column}) < 9e15 then cast(cast({column} as HUGEINT) as varchar) "
            f"else cast({column} as varchar) end")


# The period in words, as the pages say it (lscp_core.periods.period_label, one function for
# both): a rolling figure is "12 months to November 2026", never "November 2026". Worked
# out once per distinct (period end, period kind, lag), joined in as ``LABELS``.
LABELS = "lscp_export_period_labels"
_LABEL_KEYS = ("select distinct v.period_end, c.period_kind, "
               "coalesce(c.window_lag_months, 0) as lag from indicator_values as v "
               "left join indicator_catalogue as c using (indicator_id) "
               "where v.period_end is not null")


def period_labels(con) -> pd.DataFrame:
    """The ``LABELS`` relation: each distinct period of indicator_values in words."""
    rows = con.execute(_LABEL_KEYS).fetchall()
    return pd.DataFrame({
        "label_period_end": pd.Series([r[0] for r in rows], dtype="datetime64[ns]"),
        "label_kind": pd.Series([r[1] for r in rows], dtype=object),
        "label_lag": pd.Series([r[2] for r in rows], dtype="int64"),
        "period_label": pd.Series([period_label(*r) for r in rows], dtype=object)})


def export_query(unsuppressed: bool, with_labels: bool = True,
                 with_council: bool = True) -> str:
    """``with_council``: the database has indicator_values.council (a database published
    before councils were a level gets council 'All'). ``with_labels`` needs ``LABELS``
    registered (``period_labels``)."""
    show = Viewer(ANALYST if unsuppressed else VIEWER).shown_sql()
    columns = [
        _text("indicator_id"),
        "period_end",
        *(["l.period_label as period_label"] if with_labels else []),
        _text("council") if with_council else "'All' as council",
        _text("locality"),
        _text("agency"),
        *(f"{figure_text_sql(_plain_number(column), show)} as {column}"
          for column in HIDDEN_COLUMNS),
        "suppressed",
    ]
    source = ("indicator_values as v left join indicator_catalogue as c using (indicator_id) "
              f"left join {LABELS} as l on cast(l.label_period_end as date) = v.period_end "
              "and l.label_kind is not distinct from c.period_kind "
              "and l.label_lag = coalesce(c.window_lag_months, 0)"
              if with_labels else "indicator_values as v")
    return ("select " + ", ".join(columns) + f" from {source} "
            "order by indicator_id, period_end, "
            + ("council, " if with_council else "") + "locality, agency")


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
        labelled = "period_kind" in {row[0] for row in con.execute(
            "select column_name from duckdb_columns() where table_name = 'indicator_catalogue' "
            "and schema_name = current_schema()").fetchall()}
        with_council = "council" in {row[0] for row in con.execute(
            "select column_name from duckdb_columns() where table_name = 'indicator_values' "
            "and schema_name = current_schema()").fetchall()}
        if labelled:
            con.register(LABELS, period_labels(con))
        frame = con.sql(export_query(unsuppressed, labelled, with_council)).df()
        frame["suppressed"] = frame["suppressed"].map({True: "true", False: "false"})
        try:
            # UTF-8 with a byte-order mark, so Excel opens names as they are (spec, outputs);
            # numbers unquoted, ISO dates, one header row
            with open_private(out, "w", encoding="utf-8-sig", newline="") as f:  # 0600
                frame.to_csv(f, index=False, date_format="%Y-%m-%d")
        except OSError as exc:
            raise UserError(f"cannot write {out}: {exc.strerror}") from None
        return len(frame)
    finally:
        con.close()
