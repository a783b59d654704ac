"""Run the SQL models in dependency order: a tiny, dbt-shaped runner without dbt.

Models are the ``.sql`` files under ``metrics/models`` (staging, intermediate, marts) and
``metrics/indicators`` (one per indicator, built as ``ind_<indicator_id>``). Each file is
one ``select``; its dependencies are the other models' names it mentions. A file may start
with ``-- materialized: view`` (default: table). ``metrics/macros`` holds table macros
(``-- arguments: ...`` then a ``select``) for logic many models share; a model that names
one depends on what the macro reads, and the macro is created just before the model. The runner itself creates three tables
the models read: ``run_parameters`` (as-at override and settings), ``indicator_catalogue``
(from ``catalogue.yaml``) and ``indicator_cells`` (every ``ind_*`` model stacked).

Inputs are only the ``src_<extract>`` and ``seed_<name>`` tables of ``data_contracts/schema.py``.
"""

from __future__ import annotations

import copy
import functools
import re
import threading
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import yaml

from data_contracts import EXTRACTS
from lscp_core.errors import RunFailed, UserError
from lscp_core.settings import Settings
from metrics.disclosure import protect, protect_breakdowns

METRICS_DIR = Path(__file__).resolve().parent
CATALOGUE_FILE = METRICS_DIR / "catalogue.yaml"
MODEL_DIRS = ("models/staging", "models/intermediate", "models/marts")
INDICATOR_DIR = METRICS_DIR / "indicators"
MACRO_DIR = METRICS_DIR / "macros"
BREAKDOWN_DIR = METRICS_DIR / "breakdowns"  # how a source's rows are re-keyed per breakdown
CELLS = "indicator_cells"
BREAKDOWN_CELLS = "indicator_breakdown_cells"  # every ind_<id>__by_<kind> stacked
# marts that follow indicator_values' final disclosure flags (metrics/disclosure.py sets them
# after the build): built once in order, then again after it
AFTER_DISCLOSURE = ("indicator_breakdowns",)
MONTH_CELLS = "indicator_month_cells"  # the in-month counts of the rolling indicators
ROLLING = "rolling_12_months"  # the window macro a rolling indicator ends with
IN_MONTH = "in_month"  # the same counts over the period's own month
# the window macro of a rolling count of distinct children (a child in two months of one
# window counts once), and its one-month twin
ROLLING_CHILDREN = "rolling_12_months_children"
IN_MONTH_CHILDREN = "in_month_children"
SWAP = {ROLLING: IN_MONTH, ROLLING_CHILDREN: IN_MONTH_CHILDREN}

UNITS = {"percent", "rate", "count"}
POLARITIES = {"higher", "lower", "context"}
BREAKDOWNS = {"locality", "locality_agency"}
FREQUENCIES = {"monthly", "termly"}
BREAKDOWN_KINDS = {"characteristics", "tool"}  # metrics/breakdowns/<kind>.sql


@dataclass
class Model:
    name: str
    sql: str
    materialized: str = "table"
    depends_on: set[str] = field(default_factory=set)
    macros: set[str] = field(default_factory=set)  # the table macros it calls


@dataclass
class Macro:
    name: str
    arguments: str
    sql: str
    depends_on: set[str] = field(default_factory=set)

    def create_sql(self) -> str:
        # TEMP: lives in the building connection only, never in the published database
        return f"create or replace temp macro {self.name}({self.arguments}) as table\n{self.sql}"


@dataclass
class MetricsResult:
    as_at: date | None
    first_period: date | None
    last_period: date | None
    rows: int
    rows_suppressed: int
    models: list[str]
    seconds: float
    # the disclosure audit's record (None: not run; ``[disclosure] audit``)
    disclosure_audit: dict | None = None
    # ``spc`` and each quarter's own figure built here (before the audit, which judges them
    # too): a run does not build them again
    charts_built: bool = False

    def summary(self) -> str:
        return (f"indicators as at {self.as_at}: {self.rows:,} values "
                f"({self.rows_suppressed:,} suppressed) in {self.seconds:.1f} s")


@functools.lru_cache(maxsize=8)
def _parsed(path: Path, mtime_ns: int) -> list[dict]:
    # parsing the YAML is a quarter of a small build: once per file version per process
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe loader)


def load_catalogue(path: Path = CATALOGUE_FILE) -> list[dict]:
    """The catalogue entries, checked: every field present and valid, ids unique."""
    entries = copy.deepcopy(_parsed(path, path.stat().st_mtime_ns))
    seen = set()
    for order, entry in enumerate(entries, start=1):
        ident = entry.get("id")
        checks = {"unit": UNITS, "polarity": POLARITIES, "breakdown": BREAKDOWNS,
                  "frequency": FREQUENCIES}
        for key, allowed in checks.items():
            if entry.get(key) not in allowed:
                raise ValueError(f"catalogue {ident}: {key} must be one of {sorted(allowed)}")
        for key in ("title", "definition", "numerator"):
            if not entry.get(key):
                raise ValueError(f"catalogue {ident}: {key} is missing")
        if entry["frequency"] == "termly" and not entry.get("term_source"):
            raise ValueError(f"catalogue {ident}: a termly indicator needs term_source")
        for kind, spec in (entry.get("breakdowns") or {}).items():
            if kind not in BREAKDOWN_KINDS or not isinstance(spec, dict) or not spec.get("source"):
                raise ValueError(f"catalogue {ident}: breakdowns are {sorted(BREAKDOWN_KINDS)}, "
                                 "each naming its source")
            if kind == "characteristics" and not spec.get("age_at"):
                raise ValueError(f"catalogue {ident}: a characteristics breakdown needs age_at")
        if not isinstance(entry.get("group", ""), str):
            raise ValueError(f"catalogue {ident}: group is a name (text)")
        sectors = entry.get("agency_sectors") or []
        if not (isinstance(sectors, list) and all(isinstance(x, str) and x for x in sectors)):
            raise ValueError(f"catalogue {ident}: agency_sectors is a list of sectors")
        needs = entry.get("extracts") or []
        if not isinstance(needs, list) or set(needs) - set(EXTRACTS):
            raise ValueError(f"catalogue {ident}: extracts must be a list of {list(EXTRACTS)}")
        if ident in seen:
            raise ValueError(f"catalogue {ident}: duplicate id")
        seen.add(ident)
        entry["sort_order"] = order
    ids = {entry["id"] for entry in entries}
    for entry in entries:
        for relation in entry.get("relations") or []:
            _check_relation(entry["id"], relation, ids)
    return entries


COUNT_ROLES = ("numerator", "denominator")


def _check_relation(ident: str, relation, ids: set[str]) -> None:
    """A ``relations:`` entry (the disclosure audit's declarations) is well formed."""
    problem = None
    if not isinstance(relation, dict) or relation.get("count") not in COUNT_ROLES:
        problem = "each names its count: numerator or denominator"
    elif ("within" in relation) == ("equals" in relation):
        problem = "each says 'within' or 'equals' another count"
    else:
        other = str(relation.get("within") or relation.get("equals"))
        target, _, role = other.partition(".")
        if target not in ids or role not in COUNT_ROLES:
            problem = f"{other!r} is not <indicator id>.numerator or .denominator"
        elif set(relation) - {"count", "within", "equals", "months_earlier", "cells"}:
            problem = f"unknown keys {sorted(set(relation) - {'count', 'within', 'equals'})}"
        elif relation.get("cells", "agencies") != "agencies":
            problem = "cells can only be 'agencies'"
        elif not isinstance(relation.get("months_earlier", 0), int):
            problem = "months_earlier is a whole number of months"
    if problem:
        raise ValueError(f"catalogue {ident}: relations: {problem}")


def _read_model(path: Path, name: str) -> Model:
    sql = path.read_text(encoding="utf-8").strip().rstrip(";")
    match = re.match(r"--\s*materialized:\s*(view|table)", sql)
    return Model(name=name, sql=sql, materialized=match.group(1) if match else "table")


def discover_models(catalogue: list[dict], *, selected: bool = False) -> dict[str, Model]:
    """Every model by name, with its dependencies worked out from the names it mentions.

    ``selected``: the catalogue is a chosen part of the whole (``build_metrics(select=)``),
    so indicator files outside it are left out rather than an error."""
    models: dict[str, Model] = {}
    for folder in MODEL_DIRS:
        for path in sorted((METRICS_DIR / folder).glob("*.sql")):
            models[path.stem] = _read_model(path, path.stem)
    ids = [entry["id"] for entry in catalogue]
    files = {path.stem for path in INDICATOR_DIR.glob("*.sql")}
    if selected:
        files &= set(ids)
    if set(ids) != files:
        raise ValueError(f"catalogue and indicator SQL files differ: {sorted(set(ids) ^ files)}")
    for ident in ids:
        models[f"ind_{ident}"] = _read_model(INDICATOR_DIR / f"{ident}.sql", f"ind_{ident}")
    stacked = " union all by name ".join(
        f"select '{ident}' as indicator_id, period_end::date as period_end, "
        f"locality::varchar as locality, agency::varchar as agency, "
        f"numerator::bigint as numerator, denominator::double as denominator from ind_{ident}"
        for ident in ids)
    models[CELLS] = Model(name=CELLS, sql=stacked)
    models[MONTH_CELLS] = Model(name=MONTH_CELLS, sql=_in_month_cells(models, ids))
    # read once, by int_indicator_breakdowns__filled: a view, not another table
    models[BREAKDOWN_CELLS] = Model(name=BREAKDOWN_CELLS, sql=_breakdown_cells(models, catalogue),
                                    materialized="view")
    macros = discover_macros()
    for macro in macros.values():
        macro.depends_on = _names(macro.sql) & set(models)
    for model in models.values():
        words = _names(model.sql)
        model.macros = words & set(macros)
        model.depends_on = (words & set(models)).union(
            *(macros[m].depends_on for m in model.macros)) - {model.name}
    return models


def rolling_ids(models: dict[str, Model], ids: list[str]) -> list[str]:
    """The indicators whose figure is a rolling 12-month window (their file calls the macro)."""
    return [i for i in ids if {ROLLING, ROLLING_CHILDREN} & _names(models[f"ind_{i}"].sql)]


def _in_month_cells(models: dict[str, Model], ids: list[str]) -> str:
    """Add ``ind_<id>__in_month`` for every rolling indicator: its own file with the window
    macro swapped for ``in_month``, so the monthly series cannot drift from the definition.
    Returns the SQL stacking them (``indicator_month_cells``)."""
    parts = []
    for ident in rolling_ids(models, ids):
        source = models[f"ind_{ident}"].sql
        calls = re.findall(rf"\b({ROLLING}|{ROLLING_CHILDREN})\s*\(", source)
        if len(calls) != 1:
            raise ValueError(f"{ident}.sql: a rolling indicator calls {ROLLING} exactly once")
        name = f"ind_{ident}__{IN_MONTH}"
        models[name] = Model(name=name, sql=re.sub(
            rf"\b({ROLLING}|{ROLLING_CHILDREN})\s*\(", lambda m: f"{SWAP[m.group(1)]}(", source))
        parts.append(
            f"select '{ident}' as indicator_id, period_end::date as period_end, "
            f"locality::varchar as locality, agency::varchar as agency, "
            f"numerator::bigint as numerator, denominator::double as denominator from {name}")
    if not parts:
        return ("select null::varchar as indicator_id, null::date as period_end, "
                "null::varchar as locality, null::varchar as agency, null::bigint as numerator, "
                "null::double as denominator where false")
    return " union all by name ".join(parts)


def _breakdown_cells(models: dict[str, Model], catalogue: list[dict]) -> str:
    """Add ``ind_<id>__by_<kind>`` for every breakdown the catalogue declares: the indicator's
    own file reading its source re-keyed by ``breakdowns/<kind>.sql``, which puts the category
    (the tool, or the child's characteristics at the record's date) where the locality was,
    so a breakdown is the same definition as the published figure. Each re-keyed source
    (``<source>__keyed_<kind>[_at_<age_at>]``, a view) is written once for every indicator
    that reads it. Returns the SQL stacking the breakdowns (``indicator_breakdown_cells``: indicator_id,
    kind, period_end, category key, numerator, denominator)."""
    parts = []
    for entry in catalogue:
        for kind, spec in sorted((entry.get("breakdowns") or {}).items()):
            ident, source, age_at = entry["id"], spec["source"], spec.get("age_at", "")
            keyed = f"{source}__keyed_{kind}" + (f"_at_{age_at}" if age_at else "")
            if keyed not in models:
                template = (BREAKDOWN_DIR / f"{kind}.sql").read_text(encoding="utf-8")
                # a view: inlined where it is read, so a big source (attendance) is never
                # copied whole, only the rows the indicator keeps
                models[keyed] = Model(name=keyed, sql=_without_comments(template).replace(
                    "{source}", source).replace("{age_at}", age_at), materialized="view")
            original = _without_comments(models[f"ind_{ident}"].sql)
            pattern = rf"\b{source}\b(\s+as\b)?"
            if not re.search(pattern, original):
                raise ValueError(f"catalogue {ident}: its SQL does not read {source}")
            sql = re.sub(pattern, lambda m, keyed=keyed, source=source:
                         keyed + (m.group(1) or f" as {source}"), original)
            name = f"ind_{ident}__by_{kind}"
            models[name] = Model(name=name, sql=sql)
            parts.append(
                f"select '{ident}' as indicator_id, '{kind}' as kind, "
                f"period_end::date as period_end, locality::varchar as category_key, "
                f"numerator::bigint as numerator, denominator::double as denominator from {name}")
    if not parts:
        return ("select null::varchar as indicator_id, null::varchar as kind, "
                "null::date as period_end, null::varchar as category_key, "
                "null::bigint as numerator, null::double as denominator where false")
    return " union all by name ".join(parts)


def discover_macros() -> dict[str, Macro]:
    """The table macros of metrics/macros, by name (the file's stem)."""
    macros = {}
    for path in sorted(MACRO_DIR.glob("*.sql")):
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        match = re.match(r"--\s*arguments:\s*([a-z_, ]+)", sql)
        if not match:
            raise ValueError(f"{path.name}: a macro file starts with '-- arguments: ...'")
        macros[path.stem] = Macro(name=path.stem, arguments=match.group(1).strip(), sql=sql)
    return macros


def _without_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def _names(sql: str) -> set[str]:
    code = _without_comments(sql)  # names in comments are not references
    return set(re.findall(r"\b[a-z_][a-z0-9_]*\b", code.lower()))


def execution_order(models: dict[str, Model]) -> list[str]:
    try:
        return list(TopologicalSorter({m.name: m.depends_on for m in models.values()})
                    .static_order())
    except CycleError as exc:
        raise ValueError(f"models depend on each other in a cycle: {exc.args[1]}") from None


MODEL_WORKERS = 2  # models built at once, each on its own cursor


def _build_models(con, models: dict[str, Model], macros: dict[str, Macro],
                  existing: dict[str, list[str]], progress=None,
                  workers: int = MODEL_WORKERS) -> None:
    """Build every model, each once all it reads is built, two at a time on cursors of
    ``con``: most models are small, and one at a time kept one of two cores idle (each
    statement's own parallelism is short). A model's macros are TEMP, so each is created on
    the cursor that runs the model (and those of the views it reads, read there)."""
    graph = {m.name: m.depends_on for m in models.values()}
    try:
        sorter = TopologicalSorter(graph)
        sorter.prepare()
    except CycleError as exc:
        raise ValueError(f"models depend on each other in a cycle: {exc.args[1]}") from None
    views = {n for n, m in models.items() if m.materialized == "view"}

    def needed_macros(name: str) -> set[str]:
        found, stack, seen = set(models[name].macros), [name], set()
        while stack:  # through the views it reads (a view is bound where it is read)
            for dep in graph[stack.pop()] & views:
                if dep not in seen:
                    seen.add(dep)
                    found |= models[dep].macros
                    stack.append(dep)
        return found

    local = threading.local()
    cursors = []
    lock = threading.Lock()

    def cursor():
        if getattr(local, "con", None) is None:
            local.con = con.cursor()
            local.con.execute("set enable_progress_bar = false")
            with lock:
                cursors.append(local.con)
        return local.con

    def build(name: str) -> None:
        model, cur, step = models[name], cursor(), time.perf_counter()
        with lock:
            kinds = existing.pop(name, [])
        for kind in kinds:
            cur.execute(f'drop {kind} "{name}"')
        for macro in sorted(needed_macros(name)):  # binds to the tables built so far
            cur.execute(macros[macro].create_sql())
        cur.execute(f'create {model.materialized} "{name}" as\n{model.sql}')
        if progress is not None:
            print(f"  {name:<40} {time.perf_counter() - step:6.2f} s", file=progress)

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="model") as pool:
            running: dict = {}
            failed: BaseException | None = None
            while sorter.is_active() and failed is None:
                for name in sorter.get_ready():
                    running[pool.submit(build, name)] = name
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    name = running.pop(future)
                    if future.exception() is not None:
                        failed = failed or future.exception()
                    else:
                        sorter.done(name)
            wait(running)  # let the models under way finish before their cursors close
            if failed is not None:
                raise failed
    finally:
        for cur in cursors:
            cur.close()


def _existing(con) -> dict[str, list[str]]:
    """name -> 'table' / 'view' of what the current schema holds (read once per build: the
    catalogue functions cost milliseconds a call, and there are over a hundred models)."""
    found: dict[str, list[str]] = {}
    for name, kind in con.execute(
            "select table_name, 'table' from duckdb_tables() where schema_name = current_schema()"
            " and database_name = current_database()"
            " union all "
            "select view_name, 'view' from duckdb_views() where schema_name = current_schema()"
            " and database_name = current_database() and not internal").fetchall():
        found.setdefault(name, []).append(kind)
    return found


def _drop(con, name: str, existing: dict[str, list[str]]) -> None:
    for kind in existing.pop(name, []):
        con.execute(f'drop {kind} "{name}"')


def _look_back(entry: dict, settings: Settings) -> int:
    """Months an indicator's definition looks back before its window (spec: "Month end")."""
    months = entry.get("look_back_months", 0)
    return settings.repeat_plan_window_months if months == "repeat_plan_window" else int(months)


def _create_inputs(con, catalogue: list[dict], as_at: date | None, settings: Settings,
                   rolling: set[str]) -> None:
    # each child's council in a partnership of several (written by ingest; empty otherwise)
    con.execute("create table if not exists land_child_councils (extract VARCHAR, "
                "child_id VARCHAR, la_code VARCHAR)")
    con.execute("create or replace table run_parameters (as_at_override date, "
                "suppression_threshold integer, repeat_plan_window_months integer, "
                "history_months integer)")
    con.execute("insert into run_parameters values (?, ?, ?, ?)",
                [as_at, settings.suppression_threshold, settings.repeat_plan_window_months,
                 settings.history_months])
    con.execute("""create or replace table indicator_catalogue (
        indicator_id varchar primary key, title varchar, unit varchar, polarity varchar,
        breakdown varchar, frequency varchar, term_source varchar, definition varchar,
        numerator_label varchar, denominator_label varchar, strategies varchar,
        sort_order integer, period_kind varchar, window_lag_months integer,
        spc_series varchar, look_back_months integer, first_period date,
        breakdowns varchar, comparator_note varchar, indicator_group varchar,
        agency_sectors varchar)""")
    con.executemany(
        "insert into indicator_catalogue values "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?)",
        [[e["id"], e["title"], e["unit"], e["polarity"], e["breakdown"], e["frequency"],
          e.get("term_source"), " ".join(e["definition"].split()), e["numerator"],
          e.get("denominator"), None, e["sort_order"],
          *_periods_of(e, rolling), _look_back(e, settings),
          ",".join(sorted(e.get("breakdowns") or {})) or None,
          " ".join(str(e.get("comparator_note") or "").split()) or None,
          e.get("group"), ";".join(e.get("agency_sectors") or []) or None]
         for e in catalogue])
    # the extracts each indicator needs, and whether each was delivered (has rows): an
    # indicator one of whose extracts is missing is not computed (no rows), never zero
    delivered = {x: bool(con.execute(f'select exists (select 1 from "src_{x}")').fetchall()[0][0])
                 for x in sorted({x for e in catalogue for x in e.get("extracts") or []})}
    con.execute("create or replace table indicator_extracts (indicator_id varchar, "
                "extract varchar, delivered boolean)")
    rows = [[e["id"], x, delivered[x]] for e in catalogue for x in e.get("extracts") or []]
    if rows:
        con.executemany("insert into indicator_extracts values (?, ?, ?)", rows)


def _periods_of(entry: dict, rolling: set[str]) -> tuple[str, int, str | None]:
    """(period_kind, window_lag_months, spc_series), derived from what the SQL does:
    a rolling indicator's figure covers the 12 months to its period (``window_lag_months``
    earlier for a window that ends before the month end, as step_down_sustained's), and its
    SPC chart uses the in-month series; a month-end snapshot charts itself; a termly one
    has too few points for SPC."""
    if entry["frequency"] == "termly":
        return "term", 0, None
    if entry["id"] in rolling:
        return "rolling_12_months", int(entry.get("window_lag_months", 0)), "in_month"
    return "month_end", 0, "snapshot"


def build_metrics(con, *, as_at: date | None = None, settings: Settings | None = None,
                  progress=None, select: Iterable[str] | None = None) -> MetricsResult:
    """Build every model into ``con``; ``indicator_values`` is the table to publish.

    ``select`` (tests): build only these indicators, with every staging, intermediate and
    mart model, so a test of one indicator does not pay for all of them. Disclosure control
    then sees only the selected indicators' relations; a run always builds everything."""
    started = time.perf_counter()
    settings = settings or Settings()
    if settings.repeat_plan_window_months < 1:
        raise UserError("repeat_plan_window_months must be at least 1")
    if settings.history_months < 0:
        raise UserError("history_months must be 0 (every month) or more")
    catalogue = load_catalogue()
    if select is not None:
        wanted = set(select)
        unknown = wanted - {entry["id"] for entry in catalogue}
        if unknown:
            raise ValueError(f"select names no catalogue indicator: {sorted(unknown)}")
        catalogue = [entry for entry in catalogue if entry["id"] in wanted]
    models = discover_models(catalogue, selected=select is not None)
    macros = discover_macros()
    order = execution_order(models)
    rolling = set(rolling_ids(models, [e["id"] for e in catalogue]))
    _create_inputs(con, catalogue, as_at, settings, rolling)
    # DuckDB draws a progress bar on the terminal for long queries: not in our output
    bar = con.execute("select current_setting('enable_progress_bar')").fetchall()[0][0]
    con.execute("set enable_progress_bar = false")
    existing = _existing(con)
    try:
        _build_models(con, models, macros, existing, progress, MODEL_WORKERS)
        for name in sorted(macros):  # the models' macros on this connection too, as before
            if any(name in m.macros for m in models.values()):
                con.execute(macros[name].create_sql())
    finally:
        con.execute(f"set enable_progress_bar = {'true' if bar else 'false'}")
    # which strategies track each indicator: seeds/strategies.csv is the one statement of it
    con.execute("update indicator_catalogue as c set strategies = s.names from ("
                "select indicator_id, string_agg(distinct strategy, '; ' order by strategy) "
                "as names from seed_strategies where indicator_id is not null group by 1) as s "
                "where s.indicator_id = c.indicator_id")
    # the first month each indicator publishes (later than the others' where it looks back)
    con.execute("update indicator_catalogue as c set first_period = f.first_period from ("
                "select indicator_id, min(period_end) as first_period from indicator_values "
                "group by 1) as f where f.indicator_id = c.indicator_id")
    as_at_used, first, last = con.execute(
        "select d.as_at, min(m.period_end), max(m.period_end) "
        "from int_run_dates d left join int_month_ends m on true group by d.as_at").fetchall()[0]
    # complementary suppression across localities, agencies, shared counts and time
    disclosure = protect(con, settings.suppression_threshold)
    if progress is not None:
        print(f"  {'disclosure control':<40} {disclosure.seconds:6.2f} s", file=progress)
    for name in AFTER_DISCLOSURE:  # again, now that indicator_values' flags are final
        con.execute(f'create or replace {models[name].materialized} "{name}" as\n'
                    f'{models[name].sql}')
    # and the breakdowns' complements per count (a count two indicators share hidden alike)
    protect_breakdowns(con, settings.suppression_threshold, disclosure.families)
    audited = None
    if settings.disclosure_audit:  # the attacker, then complements; exposed: no publishing
        from metrics.disclosure_audit import run as run_audit  # scipy: only when asked
        from metrics.quarterly import build_quarterly_tables, refresh_charts
        from metrics.spc import build_spc_table

        # the audit judges everything published: the charts' series too (each quarter's own
        # figure is what a viewer's verdict is judged on when months are hidden)
        build_spc_table(con)
        build_quarterly_tables(con, settings.suppression_threshold)
        audited = run_audit(con, settings.suppression_threshold, disclosure.families,
                            catalogue)
        refresh_charts(con)  # the complements it added, onto the charts
        if progress is not None:
            print(f"  {'disclosure audit':<40} {audited.seconds:6.2f} s", file=progress)
            for a in audited.audiences:  # CPU time per audience, every round of complements
                print(f"    {a.audience:<38} {a.seconds:6.2f} s", file=progress)
        if audited.exposed:
            raise RunFailed(f"{audited.summary()}: not published, the last good database "
                            "stays in force")
    elif progress is not None:
        print(f"  {'disclosure audit':<40} off", file=progress)
    rows, suppressed = con.execute(
        "select count(*), count(*) filter (where suppressed) from indicator_values").fetchall()[0]
    return MetricsResult(as_at=as_at_used, first_period=first, last_period=last, rows=rows,
                         rows_suppressed=suppressed, models=order,
                         seconds=time.perf_counter() - started,
                         disclosure_audit=audited.as_record() if audited else None,
                         charts_built=audited is not None)
