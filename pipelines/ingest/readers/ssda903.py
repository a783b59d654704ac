"""The SSDA903 looked-after children return: its CSV tables, as a council sends them.

Every table of the return is recognised by its WHOLE header row (spec/inputs.md): ``uasc``
(CHILD, SEX, DOB, DUC) shares three columns with ``header`` and is not taken for it.
lscp reads ``header`` (``children`` rows: SEX 1 -> M, 2 -> F; DOB; ETHNIC; UPN; the postcode
sector of the child's latest episode's HOME_POST when no other source gives a postcode)
``episodes``, which collapse into periods of care (``looked_after``) in DuckDB, and
``missing`` (``missing_episodes``: CHILD, MISSING -> kind, MIS_START, MIS_END); the other
tables are listed in the load report as "SSDA903 table, not used".

Several years' returns are in force together (separate files, or one cleaned file with a
``YEAR`` column): ``choose`` is the one place that picks the files in force. An episode
(CHILD, DECOM) or a child's header row present in several years is taken from the newest
year; the older copies are superseded (counted). Nothing is silently dropped: every episode
row is part of a loaded period, quarantined with its line and rule, or superseded.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from data_contracts.rules import ISO_CELL, date_expr, is_null_word, lit, q
from pipelines.ingest.readers.parts import Part, Source, SourceFile, by_kind
from pipelines.ingest.readers.reader import COUNCIL, Reader
from pipelines.ingest.readers.tabular import FileRejected, normalise_header

FORMAT = "ssda903"
# Each table of the return by its whole header (DfE SSDA903 guidance; the D2I validator's
# tables). Cleaned exports (liia-tools) may add LA and YEAR.
TABLES: dict[str, tuple[str, ...]] = {
    "header": ("child", "sex", "dob", "ethnic", "upn", "mother", "mc_dob"),
    "episodes": ("child", "decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec",
                 "reason_place_change", "home_post", "pl_post", "urn"),
    "uasc": ("child", "sex", "dob", "duc"),
    "missing": ("child", "missing", "mis_start", "mis_end"),  # (+ DOB in most returns)
    "reviews": ("child", "dob", "review", "review_code"),
    "oc2": ("child", "dob", "sdq_score", "sdq_reason", "convicted", "health_check",
            "immunisations", "teeth_check", "health_assessment", "substance_misuse",
            "intervention_received", "intervention_offered"),
    "oc3": ("child", "dob", "in_touch", "activ", "accom"),
    "ad1": ("child", "dob", "date_int", "date_match", "foster_care", "nb_adoptr",
            "sex_adoptr", "ls_adoptr"),
    "placed_for_adoption": ("child", "dob", "date_placed", "date_placed_ceased",
                            "reason_placed_ceased"),
    "previous_permanence": ("child", "dob", "prev_perm", "la_perm", "date_perm"),
    "sw_episodes": ("child", "dob", "sw_id", "sw_decom", "sw_dec", "sw_reason"),
    "dolo": ("child", "dob", "dolo_start", "dolo_end"),
}
USED = ("header", "episodes", "missing")
# the columns lscp reads (YEAR: which year's copy of a row wins)
READ = {"header": ("child", "sex", "dob", "ethnic", "upn", "year"),
        "episodes": ("child", "decom", "rne", "cin", "dec", "rec", "home_post", "year"),
        "missing": ("child", "missing", "mis_start", "mis_end", "year")}
CLEANED = ("la", "year")
EPISODES = TABLES["episodes"]
HEADER = TABLES["header"]
DATES = {"episodes": ("decom", "dec"), "header": ("dob", "mc_dob"),
         "missing": ("mis_start", "mis_end")}
MISSING_COLUMNS = ("child_id", "kind", "start_date", "end_date")
# the rules of an episode that cannot be part of a period (data_contracts/README.md)
EPISODE_RULES = ("bad_date", "end_before_start", "episode_overlap", "no_open_period",
                 "episode_gap", "open_period_restarted", "no_next_episode",
                 "period_not_formed")
PERIOD_COLUMNS = ("period_id", "child_id", "start_date", "end_date", "category_of_need",
                  "starts_care")


def header_of(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            return next(csv.reader(f), [])
    except OSError:
        return []


def kind_of(path: Path) -> str | None:
    """The 903 table a CSV holds, from its whole header row (None: not a 903 table).

    Every column of the table must be there (case, spaces and a BOM do not matter); other
    columns (LA, YEAR, a column of the council's own) do not stop it being recognised and
    are listed as not used. When several tables fit, the one with the most columns wins."""
    names = {normalise_header(n) for n in header_of(path)}
    fits = [t for t, cols in TABLES.items() if set(cols) <= names]
    return max(fits, key=lambda t: len(TABLES[t])) if fits else None


# --- which files are in force -----------------------------------------------------------------

@dataclass
class ReturnFile:
    """One file of the return: its table and the years it holds."""

    file: SourceFile
    table: str
    years: tuple[int, ...] = ()  # its YEAR column's values, else the year of its latest date
    columns: tuple[str, ...] = ()  # its header row as written

    @property
    def name(self) -> str:
        return self.file.name


def collection_year(day: dt.date) -> int:
    """The collection year (1 April - 31 March) a date falls in, by the year it ends
    (31 March 2018 and 1 April 2017 are both in 2018, the 2017-18 return)."""
    return day.year + 1 if day.month >= 4 else day.year


def _parse_day(text: str) -> dt.date | None:
    text = (text or "").strip()
    for fmt, size in (("%Y-%m-%d", 10), ("%d/%m/%Y", None)):
        try:
            return dt.datetime.strptime(text[:size] if size else text, fmt).date()
        except ValueError:
            continue
    return None


def years_of(path: Path, table: str) -> tuple[int, ...]:
    """The years a file of ``table`` holds: its YEAR column's values, else the collection
    year in which its latest date falls (spec/inputs.md, SSDA903: several years)."""
    years: set[int] = set()
    latest: dt.date | None = None
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
        reader = csv.reader(f)
        names = [normalise_header(n) for n in next(reader, [])]
        year_at = names.index("year") if "year" in names else None
        dates = [names.index(c) for c in DATES.get(table, ()) if c in names]
        for row in reader:
            if year_at is not None and year_at < len(row):
                value = row[year_at].strip()
                if value.isdigit():
                    years.add(int(value))
                    continue
            for i in dates:
                day = _parse_day(row[i]) if i < len(row) else None
                if day is not None and (latest is None or day > latest):
                    latest = day
    if latest is not None and not years:
        years.add(collection_year(latest))
    return tuple(sorted(years))


def choose(files: list[ReturnFile]) -> tuple[list[ReturnFile], list[ReturnFile]]:
    """The files of one table in force, and the older ones. Returns of different years are
    in force together; of the files holding the same years, the newest (modification time,
    then name) is. THE one place files are chosen: a council key joins the year key here.
    In force: oldest first (a newer file's copy of a row wins)."""
    latest: dict[tuple[int, ...], ReturnFile] = {}
    for f in sorted(files, key=lambda f: f.file.order):
        latest[f.years] = f
    chosen = sorted(latest.values(), key=lambda f: (max(f.years, default=0), f.file.order))
    return chosen, [f for f in files if f not in chosen]


# --- reading ----------------------------------------------------------------------------------

@dataclass
class Account:
    """What one extract's 903 files held, for the load report (kept with the archive)."""

    rows: int = 0  # data rows of the files
    superseded: int = 0  # rows a newer year's copy replaces
    superseded_by_source: int = 0  # rows whose id an earlier source holds (children)
    periods: int = 0  # periods of care formed (episodes)
    not_starts: int = 0  # of them: not a start of care (the child's first episode is not S)
    iso_dates: int = 0
    null_cells: int = 0
    quarantined: dict[str, int] = field(default_factory=dict)  # episodes by rule (reader's)
    episodes: bool = False  # rows are episodes collapsed into periods (rows read = rows)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Account | None:
        if not text:
            return None
        try:
            return cls(**json.loads(text))
        except (TypeError, ValueError):
            return None


class Ssda903(Source):
    """The SSDA903 files of the inbox in force: header and episodes of every year, and the
    tables lscp does not use."""

    format = FORMAT

    def __init__(self, header: list[ReturnFile], episodes: list[ReturnFile],
                 not_used: list[ReturnFile], missing: list[ReturnFile] | None = None):
        self.header, self.episodes, self.not_used = header, episodes, not_used
        self.missing = missing or []
        self._parts: dict[str, list[Part]] | None = None
        self.accounts: dict[str, Account] = {}
        # extract -> (TEMP table of the episodes of each period formed, file names)
        self.members: dict[str, tuple[str, list[str]]] = {}
        self.failure = None

    def files(self, extract: str) -> list[SourceFile]:
        if extract == "children":
            return [f.file for f in self.header]
        if extract == "looked_after":
            return [f.file for f in self.episodes]
        if extract == "missing_episodes":
            return [f.file for f in self.missing]
        return []

    def unused(self, extract: str) -> str:
        """The columns of its files lscp does not use; and the tables lscp does not use, on
        the report's row of the episodes (or of the header)."""
        files = self.episodes if extract == "looked_after" else \
            self.header if extract == "children" else \
            self.missing if extract == "missing_episodes" else []
        table = {"looked_after": "episodes", "missing_episodes": "missing"}.get(extract, "header")
        columns = dict.fromkeys(c.strip() for f in files for c in f.columns
                                if normalise_header(c) not in READ[table])
        out = [", ".join(columns)] if columns else []
        where = "looked_after" if self.episodes else "children"
        if extract == where and self.not_used:
            listed = ", ".join(f"{f.name} ({f.table})" for f in self.not_used)
            out.append(f"SSDA903 table, not used: {listed}")
        return "; ".join(out)

    def parts(self, con, extract: str) -> list[Part]:
        if self.failure is not None:
            raise FileRejected(self.failure[2])
        if self._parts is None:
            self._parts = {}
            self._read_episodes(con)
            if self.header:
                self._read_header(con)
            if self.missing:
                self._read_missing(con)
        return self._parts.get(extract, [])

    # one table of the return: every chosen file as text, with file, line and year
    def _load(self, con, files: list[ReturnFile], kind: str, table: str) -> Account:
        account, names = Account(), TABLES[kind]
        selects = []
        for i, rf in enumerate(files):
            raw = f"{table}_in{i}"
            try:
                con.execute(f"create or replace temp table {raw} as select * from read_csv("
                            f"?, all_varchar=true, header=true, auto_detect=true, "
                            f"normalize_names=false, null_padding=true)", [str(rf.file.path)])
            except Exception as exc:  # DuckDB's CSV errors: one line for the analyst
                self.failure = (rf.name, rf.file.sha256, "SSDA903 file could not be read: "
                                f"{str(exc).splitlines()[0][:200]}")
                raise FileRejected(self.failure[2]) from None
            have = {normalise_header(r[0]): r[0] for r in
                    con.execute(f"describe {raw}").fetchall()}
            cells = [f"count(*) filter (where {is_null_word(f'trim({q(c)})')})"
                     for c in have.values()]
            iso = [f"count(*) filter (where regexp_full_match(trim({q(have[c])}), "
                   f"'{ISO_CELL}'))" for c in DATES[kind] if c in have]
            rows, nulls, isos = con.execute(
                f"select count(*), {' + '.join(cells) or '0'}, {' + '.join(iso) or '0'} "
                f"from {raw}").fetchall()[0]
            account.rows += rows
            account.null_cells += nulls or 0
            account.iso_dates += isos or 0

            def text(n, have=have):
                if n not in have:
                    return f"NULL::VARCHAR as {n}"
                v = f"trim({q(have[n])})"
                if n in DATES[kind]:  # SQL Server's datetime keeps its date
                    v = f"regexp_replace({v}, '^([0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})[ T].*$', '\\1')"
                return f"case when {is_null_word(v)} or {v} = '' then NULL else {v} end as {n}"
            year = (f"coalesce(try_cast(trim({q(have['year'])}) as INTEGER), "
                    f"{max(rf.years, default=0)})" if "year" in have
                    else str(max(rf.years, default=0)))
            # one record per line (the return has no quoted line breaks): line = row + 1
            # (rowid: the row's place in the file);
            # _rank orders the copies of a row: newest year, then the newer file
            selects.append(
                f"select {i} as _file, rowid + 2 as _line, "
                f"{year} * 1000 + {i} as _rank, {', '.join(text(n) for n in names)} "
                f"from {raw}")
        con.execute(f"create or replace temp table {table} as "
                    + (" union all ".join(selects) if selects else
                       "select 0 as _file, 0::BIGINT as _line, 0 as _rank, "
                       + ", ".join(f"NULL::VARCHAR as {n}" for n in names) + " where false"))
        for i in range(len(files)):
            con.execute(f"drop table if exists {table}_in{i}")
        return account

    def _read_episodes(self, con) -> None:
        account = self._load(con, self.episodes, "episodes", "s903_episodes")
        names = [f.name for f in self.episodes]
        con.execute(periods_sql("s903", SSDA903_NAMES, names))
        self._parts["looked_after"] = _episode_parts(con, "s903", names, FORMAT, account)
        self.accounts["looked_after"] = account
        self.members["looked_after"] = ("s903_members", names)

    def _read_header(self, con) -> None:
        account = self._load(con, self.header, "header", "s903_header")
        # a child's header row from the newest year; its older copies are superseded
        con.execute(
            "create or replace temp table s903_header_newest as select * from s903_header "
            "qualify child is null or _rank = max(_rank) over (partition by child)")
        account.superseded = con.execute(
            "select (select count(*) from s903_header) - "
            "(select count(*) from s903_header_newest)").fetchall()[0][0]
        con.execute(
            "create or replace temp table s903_children as select h._file, h._line, "
            "h.child as child_id, h.dob as date_of_birth, "
            "case h.sex when '1' then 'M' when '2' then 'F' else h.sex end as sex, "
            "h.ethnic as ethnicity, h.upn as upn, p.home_post as postcode "
            "from s903_header_newest h left join (select child, arg_max(home_post, decom) "
            "as home_post from s903_ep where home_post is not null group by child) p "
            "on p.child = h.child order by h._file, h._line")
        columns = ("child_id", "date_of_birth", "sex", "ethnicity", "upn", "postcode")
        parts = []
        for i, rf in enumerate(self.header):
            table = f"s903_children_{i}"
            con.execute(f"create or replace temp table {table} as select _line, "
                        f"{', '.join(columns)} from s903_children where _file = {i}")
            parts.append(Part(table, columns, rf.name, FORMAT, fills=("postcode",)))
        # the newest year first: a row the newer part holds supersedes nothing (done above)
        self._parts["children"] = parts[::-1]
        self.accounts["children"] = account


    def _read_missing(self, con) -> None:
        """The ``missing`` table -> ``missing_episodes`` rows (kind: the MISSING code, M or
        A). An episode (CHILD, MIS_START, MISSING) in several years' files is taken from the
        newest year; the older copies are superseded (counted). One part per file, the
        newest year first."""
        account = self._load(con, self.missing, "missing", "s903_missing")
        con.execute(
            "create or replace temp table s903_missing_newest as select * from s903_missing "
            "qualify child is null or mis_start is null or _rank = max(_rank) over "
            "(partition by child, mis_start, upper(coalesce(missing, '')))")
        account.superseded = con.execute(
            "select (select count(*) from s903_missing) - "
            "(select count(*) from s903_missing_newest)").fetchall()[0][0]
        parts = []
        for i, rf in enumerate(self.missing):
            table = f"s903_missing_{i}"
            con.execute(f"create or replace temp table {table} as select _line, "
                        "child as child_id, upper(missing) as kind, mis_start as start_date, "
                        f"mis_end as end_date from s903_missing_newest where _file = {i} "
                        "order by _line")
            parts.append(Part(table, MISSING_COLUMNS, rf.name, FORMAT))
        self._parts["missing_episodes"] = parts[::-1]
        self.accounts["missing_episodes"] = account


SSDA903_NAMES = {"decom": "DECOM", "dec": "DEC", "rne": "RNE", "rec": "REC"}


def _episode_parts(con, p: str, names: list[str], fmt: str, account: Account) -> list[Part]:
    """One part per episodes file: the periods whose first episode it holds, and its
    episodes that could not be part of a period (line, value, rule, column)."""
    account.episodes = True
    account.superseded = con.execute(f"select count(*) from {p}_superseded").fetchall()[0][0]
    account.periods, account.not_starts = con.execute(
        f"select count(*), count(*) filter (where starts_care = 'N') from {p}_periods"
    ).fetchall()[0]
    account.quarantined = dict(con.execute(
        f"select rule, count(*) from {p}_problems group by 1 order by 1").fetchall())
    parts = []
    for i, name in enumerate(names):
        table = f"{p}_periods_{i}"
        con.execute(f"create or replace temp table {table} as select _line, "
                    f"{', '.join(PERIOD_COLUMNS)} from {p}_periods where _file = {i} "
                    "order by _line")
        rejects = [tuple(r) for r in con.execute(
            f"select _line, value, rule, col from {p}_problems where _file = {i} "
            "order by _line").fetchall()]
        parts.append(Part(table, PERIOD_COLUMNS, name, fmt, rejects))
    return parts


def periods_sql(p: str, names: dict[str, str], files: list[str]) -> str:
    """Episodes -> periods of care, from ``{p}_episodes`` (_file, _line, _rank, child, decom,
    dec, rne, cin, rec, home_post as text; _rank orders the copies of one episode: the
    highest is the newest year's).

    Makes ``{p}_superseded`` (older years' copies of an episode), ``{p}_ep`` (readable
    episodes), ``{p}_problems`` (_file, _line, value, rule, col: every episode that is not
    part of a period, ``col`` named as in the file by ``names``), ``{p}_periods`` (one text
    row per period, at its first episode's file and line) and ``{p}_members``."""
    sql = _PERIODS_SQL.replace("s903_", f"{p}_")
    for key, label in SSDA903_NAMES.items():
        sql = sql.replace(f"'{label}'", "'" + names[key] + "'")
    file_names = " ".join(f"when {i} then {lit(n)}" for i, n in enumerate(files))
    return (sql.replace("{DECOM_DATE}", date_expr("decom"))
            .replace("{DEC_DATE}", date_expr("dec"))
            .replace("{AT_FILE_NAME}", f"(case b.at_file {file_names} end)" if files
                     else "''"))


_PERIODS_SQL = """
create or replace temp table s903_dated as
select _file, _line, _rank, child, decom as decom_text, dec as dec_text, upper(rne) as rne, cin,
       upper(coalesce(rec, '')) as rec, home_post,
       {DECOM_DATE} as decom, {DEC_DATE} as dec
from s903_episodes;

-- an episode (CHILD, DECOM) of several years: the newest year's copy (the other copies of
-- the same year and file stay, and meet the overlap rule)
create or replace temp table s903_superseded as
select _file, _line from s903_dated
qualify _rank < max(_rank) over (partition by child, coalesce(decom::VARCHAR, decom_text));

create or replace temp table s903_ep as
select * from s903_dated where (_file, _line) not in (select (_file, _line) from s903_superseded);

create or replace temp table s903_problems as
select _file, _line, decom_text as value, 'bad_date' as rule, 'DECOM' as col
from s903_ep where decom is null
union all
select _file, _line, dec_text, 'bad_date', 'DEC' from s903_ep
where decom is not null and dec is null and dec_text is not null
union all
select _file, _line, dec_text, 'end_before_start', 'DEC' from s903_ep
where decom is not null and dec < decom;

-- The child's episodes in order. A period starts with the child's first episode (S: a start
-- of care; otherwise a one-year return's child already looked after) or with an S episode,
-- and continues while the episode before is open or ended with X1 on the day this starts.
create or replace temp table s903_ordered as
with ep as (
    select * from s903_ep where (_file, _line) not in (select (_file, _line) from s903_problems)
), o as (
    select *, row_number() over w = 1 as is_first, lead(_line) over w is null as is_last,
           lag(rec) over w as prev_rec, lag(dec) over w as prev_dec,
           row_number() over w as k
    from ep window w as (partition by child order by decom, _rank, _line)
), p as (
    select *, not is_first and (prev_dec is null or prev_rec = 'X1') as open_before from o
), c as (
    select *, case
        when not is_first and (prev_dec is null or prev_dec > decom) then 'episode_overlap'
        when rne <> 'S' and not is_first and not open_before then 'no_open_period'
        when open_before and prev_dec < decom then 'episode_gap'
        when rne = 'S' and open_before then 'open_period_restarted'
        when dec is not null and rec = 'X1' and is_last then 'no_next_episode'
        end as problem,
        is_first or rne = 'S' or not open_before as starts
    from p
)
select *, sum(starts::INTEGER) over (partition by child order by k) as period_no,
       -- a misfit episode that starts a period leaves the one before without a proper end
       starts and not is_first and problem in ('episode_overlap', 'episode_gap',
                                                'open_period_restarted') as ends_badly
from c;

insert into s903_problems
select _file, _line,
       case when problem in ('no_open_period', 'open_period_restarted') then rne
            when problem = 'no_next_episode' then rec else decom_text end,
       problem,
       case when problem in ('no_open_period', 'open_period_restarted') then 'RNE'
            when problem = 'no_next_episode' then 'REC' else 'DECOM' end
from s903_ordered where problem is not null;

-- the periods that cannot be formed, and the first reason (the episode at fault)
create or replace temp table s903_broken as
select child, period_no, arg_min(problem, k) as rule, arg_min(_file, k) as at_file,
       arg_min(_line, k) as at_line
from (select child, period_no, problem, k, _file, _line from s903_ordered
      where problem is not null
      union all
      select child, period_no - 1, problem, k, _file, _line from s903_ordered
      where ends_badly)
group by all;

-- every other episode of such a period: quarantined, not guessed
insert into s903_problems
select o._file, o._line,
       b.rule || ' at line ' || b.at_line
           || case when b.at_file <> o._file then ' of ' || {AT_FILE_NAME} else '' end,
       'period_not_formed', NULL
from s903_ordered o join s903_broken b using (child, period_no)
where o.problem is null;

create or replace temp table s903_periods as
select arg_min(_file, k) as _file, arg_min(_line, k) as _line,
       child || '-' || strftime(min(decom), '%Y-%m-%d') as period_id,
       child as child_id,
       strftime(min(decom), '%Y-%m-%d') as start_date,
       -- the last episode's DEC (an open last episode: blank)
       strftime(arg_max_null(dec, k), '%Y-%m-%d') as end_date,
       arg_min_null(cin, k) as category_of_need,
       case when arg_min(rne, k) = 'S' then 'Y' else 'N' end as starts_care
from s903_ordered o
where not exists (select 1 from s903_broken b where b.child = o.child
                  and b.period_no = o.period_no)
group by child, period_no
order by _file, _line;

create or replace temp table s903_members as
select f._file as period_file, f._line as period_line, o._file, o._line
from s903_ordered o join (select child, period_no, arg_min(_file, k) as _file,
                                 arg_min(_line, k) as _line
                          from s903_ordered group by all) f using (child, period_no)
where not exists (select 1 from s903_broken b where b.child = o.child
                  and b.period_no = o.period_no);
"""


def discover(inbox: Path, names: list[str]) -> tuple[Ssda903 | None, list[str]]:
    """The SSDA903 files among the files no extract claimed: header and episodes files in
    force (``choose``), the tables lscp does not use; and the names left over (other files,
    and older files of a year)."""
    files, rest = by_kind(inbox, names, kind_of)
    found = {table: [ReturnFile(f, table, years_of(f.path, table) if table in USED else (),
                                tuple(header_of(f.path))) for f in of_table]
             for table, of_table in files.items()}
    if not found:
        return None, rest
    # A header holds only dates of birth: without a YEAR column its year is that of the
    # episodes file sent with it (the same name with 'episodes' for 'header'), when there is
    # one, else its latest date's.
    episodes_years = {f.name.lower(): f.years for f in found.get("episodes", [])}
    for f in found.get("header", []):
        twin = episodes_years.get(f.name.lower().replace("header", "episodes"))
        if twin and "year" not in {normalise_header(c) for c in f.columns}:
            f.years = twin
    chosen: dict[str, list[ReturnFile]] = {}
    for table in USED:
        chosen[table], older = choose(found.get(table, []))
        rest += [f.name for f in older]
    not_used = sorted((f for t, files in found.items() if t not in USED for f in files),
                      key=lambda f: f.name)
    return Ssda903(chosen["header"], chosen["episodes"], not_used, chosen["missing"]), rest


READER = Reader(
    format=FORMAT, recognises="SSDA903",
    how="*.csv whose header holds every column of an SSDA903 table (kind_of)",
    extensions=(".csv",),
    supplies=("children", "looked_after", "missing_episodes"), scope=COUNCIL,
    discover=discover)
