"""Read-only access to the published database, and disclosure control.

One in-memory DuckDB connection per process ``ATTACH``es the published file
``READ_ONLY`` as ``live``. The pipeline publishes by ``os.replace()``-ing a new
file over the old one, so before every query we compare the file's
(inode, mtime, size) with the attached one and re-attach when it changed.
(A plain re-``connect(path)`` is not enough: DuckDB's instance cache would hand
back the old file.) Query results are cached per file signature, so a new file
is never answered from the old file's cache.

Disclosure control lives in ONE place, ``_VALUES_SQL``: every read of
``indicator_values`` or ``spc`` goes through it (``breakdowns`` reads
``indicator_breakdowns`` by the same rule), and for a restricted viewer a
suppressed cell's numerator, denominator and value are NULL (flag
``suppressed`` kept) before any page sees the frame.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from lscp_core.run_log import history_path, read_lines
from lscp_core.stores import unpublishable
from lscp_core.viewer import Viewer, figure_sql, hidden_sql

DB_ENV = "LSCP_DB"
ALL = "All"


class DatabaseUnavailable(Exception):
    """No published database to read (not configured, missing or unreadable)."""


_database_in_use: Path | None = None


def use_database(path: str | Path | None) -> None:
    """Read this file rather than ``$LSCP_DB`` (``lscp pack`` and the packs made at publish
    time run the dashboard's code outside Streamlit and hand it the database this way)."""
    global _database_in_use
    _database_in_use = Path(path).absolute() if path else None


def db_path() -> Path:
    raw = _database_in_use or os.environ.get(DB_ENV)
    if not raw:
        raise DatabaseUnavailable(
            f"No database configured: start the dashboard with `lscp serve --db FILE` "
            f"(or set {DB_ENV})."
        )
    path = Path(raw)
    if not path.is_file():
        raise DatabaseUnavailable(f"The database {path} does not exist yet: run `lscp run` first.")
    return path


def signature(path: Path) -> tuple[int, int, int]:
    """What changes when the pipeline swaps in a new file."""
    st_ = path.stat()
    return (st_.st_ino, st_.st_mtime_ns, st_.st_size)


class LiveDatabase:
    """An in-memory DuckDB with the published file attached read-only as ``live``."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.con = duckdb.connect(":memory:")
        self.signature: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    def _attach(self, sig) -> None:
        if self.signature is not None:
            self.con.execute("use memory")
            self.con.execute("detach live")
            self.signature = None
        quoted = str(self.path).replace("'", "''")
        try:
            self.con.execute(f"attach '{quoted}' as live (read_only)")
        except duckdb.Error as exc:
            raise DatabaseUnavailable(f"The database {self.path} cannot be read: {exc}") from exc
        extra = unpublishable({r[0] for r in self.con.execute(
            "select table_name from duckdb_tables() where database_name = 'live'").fetchall()})
        if extra:  # a working database: children's records are never shown, nor opened further
            self.con.execute("detach live")
            raise DatabaseUnavailable(
                f"The database {self.path} holds children's records ({len(extra)} child-level tables "
                f"such as {sorted(extra)[0]}): serve the published database; `lscp run` rewrites it.")
        self.con.execute("use live")
        self.signature = sig

    def current(self) -> tuple[int, int, int]:
        """Re-attach if the file on disk is not the one attached; return its signature."""
        with self._lock:
            try:
                sig = signature(self.path)
            except FileNotFoundError as exc:
                raise DatabaseUnavailable(f"The database {self.path} has gone.") from exc
            if sig != self.signature:
                self._attach(sig)
            return sig

    def query(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        self.current()
        with self._lock:
            cur = self.con.cursor()
            try:
                cur.execute("use live")
                return cur.execute(sql, list(params)).df()
            finally:
                cur.close()

    def close(self) -> None:
        with self._lock:
            self.con.close()


@st.cache_resource(show_spinner=False)
def _live(path: str) -> LiveDatabase:
    return LiveDatabase(Path(path))


def live() -> LiveDatabase:
    return _live(str(db_path()))


# Results are shared by every session of the process, per published file (its signature is
# in the key), and kept as they are: ``st.cache_data`` would pickle and unpickle each frame on
# every read (most of a page's reading time), so the readers (``query``, ``spc``) hand out a
# copy instead and nothing cached is ever changed in place.
@st.cache_resource(ttl=3600, max_entries=2000, show_spinner=False)
def _cached(path: str, sig: tuple, sql: str, params: tuple) -> pd.DataFrame:
    return _live(path).query(sql, params)


def query(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a read-only query, cached for the file currently published (a copy of the
    shared result: change it freely)."""
    db = live()
    sig = db.current()
    return _cached(str(db.path), sig, sql, tuple(params)).copy()


# --- disclosure control: the only place indicator_values and spc are read ------


def unsuppressed(role: str) -> bool:
    """Everything unsuppressed: analysts and the board."""
    return Viewer.of(role).unsuppressed


def writes(role: str) -> bool:
    """Writes commentary, actions and manual measures, sees row-level details and the audit
    log: analysts only (the board reads every figure but writes nothing)."""
    return Viewer.of(role).writes


def own_agency(role: str) -> str | None:
    """A champion's agency: the one set of cells they see unsuppressed (their own records)."""
    return Viewer.of(role).agency


def _values_sql(role: str) -> str:
    show = Viewer.of(role).shown_sql()
    # the manual measures' entered figures (manual_values) read like computed ones
    manual = ("union all select measure_id as indicator_id, period_end, "
              f"{_council('manual_values')} as council, locality, agency, "
              "numerator::bigint as numerator, denominator, value, suppressed "
              "from manual_values" if _has_table("manual_values") else "")
    return f"""
        select indicator_id, period_end, council, locality, agency, {_disclosed(show)}
        from (select indicator_id, period_end, {_council('indicator_values')} as council,
                     locality, agency, numerator, denominator, value, suppressed
              from indicator_values {manual})
    """


def _structure() -> pd.DataFrame:
    """The published database's tables and their columns (table_name, column_name), read
    once per published file (``query`` caches it) for every question about its shape."""
    return query("select t.table_name, c.column_name from duckdb_tables() as t "
                 "left join duckdb_columns() as c on c.database_name = t.database_name "
                 "and c.schema_name = t.schema_name and c.table_name = t.table_name "
                 "where t.database_name = 'live'")


def _columns(table: str) -> set[str]:
    db = live()
    return _columns_cached(str(db.path), db.current())[1].get(table, frozenset())


@st.cache_data(ttl=3600, max_entries=20, show_spinner=False)
def _columns_cached(path: str, sig: tuple) -> tuple[frozenset, dict[str, frozenset]]:
    """(tables, table -> its columns) of one published file, read once."""
    shape = _structure()
    return (frozenset(shape["table_name"]),
            {t: frozenset(g["column_name"].dropna()) for t, g in shape.groupby("table_name")})


def _council(table: str) -> str:
    """``table``'s council as SQL: its ``council`` column, or 'All' for a database published
    before councils (or a table without them): one council, the partnership."""
    return "coalesce(council, 'All')" if "council" in _columns(table) else "'All'"


def _disclosed(show: str) -> str:
    """The figure columns as a role sees them (lscp_core.viewer): a suppressed cell's numbers
    NULL unless ``show`` (a SQL condition) holds; ``hidden`` says to show ``c``."""
    return f"""
            {figure_sql("numerator", show)} as numerator,
            {figure_sql("denominator", show)} as denominator,
            {figure_sql("value", show)} as value,
            {hidden_sql(show)} as hidden,
            coalesce(suppressed, false) as suppressed"""


def _has_table(name: str) -> bool:
    db = live()
    return name in _columns_cached(str(db.path), db.current())[0]


def values(role: str, indicator_ids=None, localities=None, agencies=None,
           period_ends=None, councils=(ALL,)) -> pd.DataFrame:
    """Cells of ``indicator_values`` as ``role`` may see them (``hidden`` = show ``c``).

    ``councils`` defaults to the partnership's own rows (council ``All``: with one council,
    every row); ``None`` gives every council's rows too (a partnership of several councils
    has its councils' totals and its localities only under a council, never under ``All``).
    """
    where, params = [], []
    for col, wanted in (("indicator_id", indicator_ids), ("council", councils),
                        ("locality", localities), ("agency", agencies),
                        ("period_end", period_ends)):
        if wanted is not None:
            wanted = [wanted] if isinstance(wanted, str) else list(wanted)
            if not wanted:
                where.append("false")
                continue
            where.append(f"{col} in ({', '.join('?' for _ in wanted)})")
            params.extend(pd.Timestamp(w).date() if col == "period_end" else w for w in wanted)
    sql = f"select * from ({_values_sql(role)}) as v"
    if where:
        sql += " where " + " and ".join(where)
    sql += " order by indicator_id, period_end, council, locality, agency"
    frame = query(sql, tuple(params))
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def breakdowns(role: str, indicator_id: str) -> pd.DataFrame:
    """Cells of ``indicator_breakdowns`` (by age band, sex, ethnicity, disability or tool) as
    ``role`` may see them: partnership-level figures, so only an analyst sees suppressed
    cells (a champion's own agency is not a category here)."""
    show = "true" if unsuppressed(role) else "false"
    frame = query(f"""
        select indicator_id, period_end, dimension, category, {_disclosed(show)}
        from indicator_breakdowns where indicator_id = ?
            and {_council('indicator_breakdowns')} = 'All'
        order by rowid""", (indicator_id,))
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def spc(role: str, indicator_id: str | None = None) -> pd.DataFrame:
    """The XmR chart rows; a point hidden from ``role`` has no value and no label.

    The published mean and limits include every month, so with one month hidden a
    viewer could work it out (mean × n − the others). For a restricted viewer a series
    with hidden months is recomputed from the months they can see: once per published file,
    role and indicator, shared by every session.
    """
    db = live()
    return _spc_cached(str(db.path), db.current(), Viewer.of(role).role, indicator_id).copy()


@st.cache_resource(ttl=3600, max_entries=2000, show_spinner=False)  # shared; spc() copies
def _spc_cached(path: str, sig: tuple, role: str, indicator_id: str | None) -> pd.DataFrame:
    return _spc(role, indicator_id)


def _spc(role: str, indicator_id: str | None = None) -> pd.DataFrame:
    cols = _columns("spc")
    where = " and ".join(["true", *(["s.indicator_id = ?"] if indicator_id else []),
                          *(f"coalesce(s.{c}, 'All') = 'All'" for c in ("council", "locality",
                                                                        "agency") if c in cols)])
    where = f"where {where}"
    show = Viewer.of(role).shown_sql(by_agency=False)  # the partnership's own series
    frame = query(f"""
        select s.* replace (
                {figure_sql("s.value", show)} as value,
                {figure_sql("s.point_label", show)} as point_label,
                {figure_sql("s.point_type", show)} as point_type),
            {hidden_sql(show)} as hidden
        from spc as s
        {where}
        order by s.indicator_id, s.period_end
    """, (indicator_id,) if indicator_id else ())
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    if not unsuppressed(role) and frame["hidden"].any():
        frame = _spc_without_hidden(frame)
    return frame


def spc_quarterly(role: str, indicator_id: str | None = None) -> pd.DataFrame:
    """Each quarter's own figure as an XmR chart (``spc_quarterly``, metrics/quarterly.py):
    what a restricted viewer is judged on when months are hidden. Its mean and limits are
    worked out on the visible quarters only; a suppressed quarter has no value, no label
    (``hidden``) for a restricted role. Empty for a database published before quarters."""
    if not _has_table("spc_quarterly"):
        return pd.DataFrame(columns=["indicator_id", "period_end", "value", "hidden"])
    show = "true" if unsuppressed(role) else "false"
    frame = query(f"""
        select s.* replace (
                {figure_sql("s.value", show)} as value,
                {figure_sql("s.point_label", show)} as point_label,
                {figure_sql("s.point_type", show)} as point_type),
            {hidden_sql(show)} as hidden
        from spc_quarterly as s
        {"where s.indicator_id = ?" if indicator_id else ""}
        order by s.indicator_id, s.period_end
    """, (indicator_id,) if indicator_id else ())
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def _spc_without_hidden(frame: pd.DataFrame) -> pd.DataFrame:
    """Recompute the XmR chart of every series with a hidden month from its visible months."""
    from metrics.spc import xmr_with_baselines  # numpy + pandas only: cheap to import

    frame = frame.copy()
    for col in ("point_label", "point_type", "variation", "assurance", "note"):
        frame[col] = frame[col].astype(object)
    for iid in frame.loc[frame["hidden"], "indicator_id"].unique():
        rows = frame.index[frame["indicator_id"] == iid]
        series = frame.loc[rows]
        improvement = (series["improvement"].dropna().iloc[0]
                       if "improvement" in series and series["improvement"].notna().any()
                       else "neutral")
        target = (series["target"].dropna().iloc[0]
                  if "target" in series and series["target"].notna().any() else None)
        kinds = (series["baseline_kind"].tolist() if "baseline_kind" in series
                 else [None] * len(series))
        result = xmr_with_baselines(
            [None if h else v for v, h in zip(series["value"], series["hidden"], strict=True)],
            kinds, improvement, target)
        points = result.points.set_index(rows)
        for col in ("mean", "lpl", "upl", "lower_2s", "upper_2s", "point_label", "point_type"):
            frame.loc[rows, col] = points[col].astype(object).where(points[col].notna(), None) \
                if col in ("point_label", "point_type") else points[col]
        frame.loc[rows, "variation"] = result.variation
        frame.loc[rows, "assurance"] = result.assurance
        frame.loc[rows, "trial_limits"] = result.trial_limits
        frame.loc[rows, "note"] = " ".join(filter(None, [
            result.note, "Mean and limits are worked out without the suppressed (c) months."]))
    return frame


# --- everything else (no disclosure risk) --------------------------------------


def catalogue() -> pd.DataFrame:
    frame = query("select * from indicator_catalogue")
    order = "sort_order" if "sort_order" in frame.columns else "indicator_id"
    return frame.sort_values([order, "indicator_id"]).reset_index(drop=True)


NEGLECT_GROUP = "Neglect measures"  # an indicator whose catalogue entry names no group
MANUAL_GROUP = "Audits, surveys and counts (entered by hand)"


def indicator_groups() -> dict[str, str]:
    """Each measure's group, in the order pages show them: the catalogue's ``group``
    (metrics/catalogue.yaml, e.g. "Front door and conferences"), else the neglect
    measures'; the manual measures last, in a group of their own."""
    cat = catalogue()
    named = (cat["indicator_group"] if "indicator_group" in cat.columns
             else pd.Series(None, index=cat.index))
    groups = {i: (g if isinstance(g, str) and g.strip() else NEGLECT_GROUP)
              for i, g in zip(cat["indicator_id"], named, strict=True)}
    manual = manual_catalogue()
    if not manual.empty:
        groups |= dict.fromkeys(manual["indicator_id"], MANUAL_GROUP)
    return groups


def sector_measures(sector: str | None) -> list[str]:
    """Indicators whose catalogue ``agency_sectors`` name ``sector`` (seeds/agencies.csv,
    any case): the partnership figures shown on that sector's agency views."""
    cat = catalogue()
    if not sector or "agency_sectors" not in cat.columns:
        return []
    wanted = str(sector).strip().lower()
    return [i for i, s in zip(cat["indicator_id"], cat["agency_sectors"], strict=True)
            if isinstance(s, str) and wanted in {x.strip().lower() for x in s.split(";")}]


def manual_catalogue() -> pd.DataFrame:
    """The manual measures (seeds/manual_measures.csv) in the catalogue's shape, each with
    its latest source and owner (``manual`` True), after the computed indicators."""
    if not (_has_table("seed_manual_measures") and _has_table("manual_values")):
        return pd.DataFrame()
    frame = query("""
        with latest as (
            select measure_id, arg_max(source, period_end) as source,
                arg_max(owner, period_end) as owner
            from manual_values where locality = 'All' and agency = 'All' group by 1
        ),
        linked as (
            select indicator_id, string_agg(distinct strategy, '; ' order by strategy) as names
            from seed_strategies where indicator_id is not null group by 1
        )
        select m.id as indicator_id, m.title, lower(m.unit) as unit,
            lower(m.polarity) as polarity, 'manual' as breakdown,
            lower(m.frequency) as frequency,
            'Entered by hand from ' || coalesce(latest.source, 'its source') || ' (owner: '
                || coalesce(latest.owner, 'not given') || '), not computed from the extracts.'
                as definition,
            case lower(m.unit) when 'count' then m.title else 'cases or responses counted' end
                as numerator_label,
            case lower(m.unit) when 'count' then null else 'cases audited or responses' end
                as denominator_label,
            linked.names as strategies, 1000 + row_number() over (order by m.id) as sort_order,
            lower(m.frequency) as period_kind, latest.source, latest.owner, true as manual
        from seed_manual_measures m
        left join latest on latest.measure_id = m.id
        left join linked on linked.indicator_id = m.id
        order by sort_order""")
    return frame


def manual_provenance() -> pd.DataFrame:
    """Source, owner and note of every entered figure (no numbers: nothing to suppress)."""
    if not _has_table("manual_values"):
        return pd.DataFrame(columns=["measure_id", "period_end", "locality", "agency",
                                     "source", "owner", "note"])
    frame = query("select measure_id, period_end, locality, agency, source, owner, note "
                  "from manual_values")
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def measures() -> pd.DataFrame:
    """Every measure a strategy can name: the computed indicators, then the manual ones."""
    cat = catalogue().assign(manual=False)
    manual = manual_catalogue()
    if manual.empty:
        return cat
    return pd.concat([cat, manual], ignore_index=True)


def meta() -> dict[str, str]:
    frame = query("select key, value from meta")
    return dict(zip(frame["key"], frame["value"].astype(str), strict=False))


def periods(frequency: str | None = None) -> list[pd.Timestamp]:
    """Period ends present, newest first (monthly ones by default)."""
    sql = "select distinct v.period_end from indicator_values v"
    params: tuple = ()
    if frequency:
        sql += (" join indicator_catalogue c using (indicator_id)"
                " where lower(c.frequency) = ?")
        params = (frequency,)
    frame = query(sql + " order by 1 desc", params)
    return list(pd.to_datetime(frame["period_end"]))


def councils() -> list[str]:
    """The councils of a partnership of several, in the order of the published ``councils``
    table (by code), then by name; ``[]`` for a partnership of one council (whose rows are all
    council ``All``) or a database published before councils: no council level to show."""
    if "council" not in _columns("indicator_values"):
        return []
    present = set(query("select distinct council from indicator_values "
                        "where council is not null and council <> 'All'")["council"])
    if len(present) < 2:
        return []
    seeded: list[str] = []
    if _has_table("councils") and {"la_code", "name"} <= _columns("councils"):
        seeded = list(query("select name from councils order by la_code")["name"])
    ordered = [c for c in dict.fromkeys(seeded) if c in present]
    return ordered + sorted(present - set(ordered))


def is_unknown(locality: str) -> bool:
    """``Unknown``, or ``Unknown (<council>)`` in a partnership of several councils: children
    with no postcode, or one that matches no locality (shown, never compared as a place)."""
    return locality == "Unknown" or (locality.startswith("Unknown (") and locality.endswith(")"))


def places() -> pd.DataFrame:
    """Every place below the partnership, in the order pages show them: with several
    councils, each council (``level`` council, ``locality`` All) followed by its localities
    (seed order, then any other, then its ``Unknown (<council>)``); with one council, the
    localities as ever (council ``All``). ``place`` is the label charts and heat maps use."""
    names = councils()
    seed = query("select locality_name from seed_localities order by locality_code")
    seed_order = {n: i for i, n in enumerate(dict.fromkeys(seed["locality_name"]))}
    council = "council" if names else "'All'"
    present = query(f"select distinct {council} as council, locality from indicator_values "
                    "where locality <> 'All' and locality is not null")
    known = set(present["locality"])
    rows = []
    for c in names or [ALL]:  # several councils: no locality under the partnership itself
        mine = list(present.loc[present["council"] == c, "locality"])
        if c != ALL:
            label = f"{c} (council)" if c in known else c  # never taken for a locality
            rows.append((c, ALL, "council", label))
        ordered = sorted((n for n in mine if not is_unknown(n)),
                         key=lambda n: (seed_order.get(n, len(seed_order)), n))
        ordered += sorted(n for n in mine if is_unknown(n))
        rows += [(c, n, "locality", n) for n in ordered]
    return pd.DataFrame(rows, columns=["council", "locality", "level", "place"])


def deprivation() -> dict[str, int]:
    """Each locality's IDACI decile (1 most deprived - 10 least) by locality name, from
    seeds/localities.csv's optional ``idaci_decile``; empty when the partnership gives none."""
    if not (_has_table("seed_localities") and "idaci_decile" in _columns("seed_localities")):
        return {}
    frame = query("select locality_name, min(idaci_decile) as decile from seed_localities "
                  "where idaci_decile is not null group by 1")
    return {n: int(d) for n, d in zip(frame["locality_name"], frame["decile"], strict=True)}


def localities() -> list[str]:
    """Locality names in seed order, then Unknown (All is the partnership); with several
    councils, council by council, each followed by its ``Unknown (<council>)``."""
    return list(places().query("level == 'locality'")["locality"])


def with_place(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (cells of ``values``) with ``place`` (the label of its council or locality,
    ``All`` for the partnership), ``level`` and ``place_order`` (the order of ``places``)."""
    known = places()
    known = known.assign(place_order=range(len(known)))
    out = frame.merge(known, on=["council", "locality"], how="left")
    out.index = frame.index
    top = (out["council"] == ALL) & (out["locality"] == ALL)
    out.loc[top, "place"], out.loc[top, "level"], out.loc[top, "place_order"] = \
        ALL, "partnership", -1
    other = out["place"].isna()  # not in the list of places (not expected): its own name
    if other.any():
        local = out["locality"] != ALL
        out.loc[other, "place"] = out["locality"].where(local, out["council"])[other]
        out.loc[other, "level"] = local[other].map({True: "locality", False: "council"})
        out.loc[other, "place_order"] = len(known)
    out["place_order"] = out["place_order"].astype(int)
    return out


def agencies() -> pd.DataFrame:
    return query("select * from seed_agencies order by agency_code")


def benchmarks() -> pd.DataFrame:
    return query("select * from seed_benchmarks")


def targets() -> pd.DataFrame:
    return query("select indicator_id, min(target) as target, min(tolerance) as tolerance "
                 "from seed_targets group by indicator_id")


CAVEAT = " — "  # an older strategies file: "<measure> — partial: <why>" or "— not measurable: <why>"


def strategies() -> pd.DataFrame:
    """seeds/strategies.csv: each strategy measure with ``how_measured`` (indicator, proxy,
    manual, not measurable, context) and ``reason`` always filled in, read from an older
    file's measure text ("<measure> — partial: <why>") when it has no such columns."""
    frame = query("select * from seed_strategies")
    frame["indicator_id"] = frame["indicator_id"].fillna("").astype(str).str.strip()
    for column in ("how_measured", "reason"):
        if column not in frame.columns:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    parts = frame["success_measure"].astype(str).str.partition(CAVEAT)
    said = parts[2] != ""
    frame.loc[said, "success_measure"] = parts.loc[said, 0]
    caveat = parts[2].str.replace(r"^(partial|not measurable):\s*", "", regex=True)
    frame.loc[said & (frame["reason"] == ""), "reason"] = caveat
    manual = (set(query("select id from seed_manual_measures")["id"])
              if _has_table("seed_manual_measures") else set())
    blank = frame["how_measured"] == ""
    frame.loc[blank, "how_measured"] = [
        "not measurable" if not iid else "manual" if iid in manual
        else "context" if strategy == "Context" else "proxy" if text.startswith("partial")
        else "indicator"
        for iid, strategy, text in zip(frame.loc[blank, "indicator_id"],
                                       frame.loc[blank, "strategy"], parts.loc[blank, 2],
                                       strict=True)]
    return frame


def meetings() -> pd.DataFrame:
    """Board meetings, oldest first (an empty frame when the partnership lists none)."""
    try:
        frame = query("select meeting_date, board from seed_meetings order by meeting_date")
    except Exception:  # a database published before meetings existed
        return pd.DataFrame(columns=["meeting_date", "board"])
    frame["meeting_date"] = pd.to_datetime(frame["meeting_date"])
    return frame


def runs() -> pd.DataFrame:
    frame = query("select * from runs order by started_at desc")
    return frame


def load_report(run_id: str | None = None) -> pd.DataFrame:
    if run_id:
        return query("select * from load_report where run_id = ? order by extract, file", (run_id,))
    return query("select * from load_report order by run_id desc, extract, file")


def quarantine_summary(run_id: str | None = None) -> pd.DataFrame:
    where = "where run_id = ?" if run_id else ""
    return query(f"select extract, rule, count(*) as rows from quarantine {where} "
                 "group by all order by extract, rule", (run_id,) if run_id else ())


def quarantine_rows(run_id: str | None = None, limit: int = 5000) -> pd.DataFrame:
    where = "where run_id = ?" if run_id else ""
    return query(f'select extract, file, line, rule, "column", value from quarantine {where} '
                 f"order by extract, file, line limit {int(limit)}", (run_id,) if run_id else ())


def extract_freshness() -> pd.DataFrame:
    """Per extract: when a new version of its file was last loaded, and the latest status."""
    return query("""
        with report as (
            select l.*, r.started_at
            from load_report l left join runs r using (run_id)
            where l.status is distinct from 'refused'  -- an inbox link or special file
        ),
        latest as (
            select extract, arg_max(status, started_at) as latest_status,
                   arg_max(file, started_at) as latest_file
            from report group by extract
        ),
        loaded as (
            select extract, max(started_at) as last_loaded
            from report where status = 'loaded' group by extract
        )
        select latest.extract, latest.latest_status, latest.latest_file, loaded.last_loaded
        from latest left join loaded using (extract)
        order by extract
    """)


# --- failed runs after the last publish (outside the database) ---------------


@dataclass(frozen=True)
class FailedRun:
    run_id: str
    started_at: str
    message: str


def failed_runs_since_publish() -> list[FailedRun]:
    """Failed runs logged in ``<db>.history.jsonl`` after the published run, newest first."""
    try:
        path = db_path()
    except DatabaseUnavailable:
        return []
    published = meta().get("run_id", "")
    published_at = _naive(query("select max(started_at) as t from runs where run_id = ?",
                                (published,))["t"].iloc[0]) or _naive(meta().get("built_at"))
    failed = []
    for row in read_lines(history_path(path)):
        if str(row.get("status", "")).lower() not in ("failed", "error"):
            continue
        started = _naive(row.get("started_at"))
        if str(row.get("run_id")) == published or (
                published_at is not None and started is not None and started <= published_at):
            continue
        failed.append(FailedRun(str(row.get("run_id", "")), str(row.get("started_at", "")),
                                str(row.get("message") or "")))
    return sorted(failed, key=lambda r: (r.started_at, r.run_id), reverse=True)


def _naive(v) -> pd.Timestamp | None:
    """A timestamp without its time zone (UTC kept as wall time), or None."""
    try:
        ts = pd.Timestamp(v)
    except (TypeError, ValueError):
        return None
    if ts is pd.NaT or pd.isna(ts):
        return None
    return ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts
