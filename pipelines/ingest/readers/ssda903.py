"""The SSDA903 looked-after children return: ``header`` and ``episodes`` CSVs.

Recognised by their header rows (spec/inputs.md), whatever the file is called. ``header``
gives ``children`` rows (SEX 1 -> M, 2 -> F; DOB; ETHNIC; UPN; the postcode sector of the
child's latest episode's HOME_POST when no other source gives a postcode). ``episodes``
collapse into periods of care (``looked_after``) in DuckDB: a period starts with an
episode whose RNE is S and runs through the following episodes while each ends with REC
X1 on the day the next starts. An episode that does not fit is quarantined at its line
with why, and the period it belongs to is not formed (never guessed).
"""

from __future__ import annotations

import csv
from pathlib import Path

from data_contracts.rules import q
from pipelines.ingest.readers.parts import Part, Source, SourceFile, newest_by_kind
from pipelines.ingest.readers.tabular import FileRejected, normalise_header

FORMAT = "ssda903"
EPISODES = ("child", "decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec",
            "reason_place_change", "home_post", "pl_post", "urn")
HEADER = ("child", "sex", "dob", "ethnic", "upn", "mother", "mc_dob")
# what a file must have to be recognised (the rest of the return's columns are optional)
EPISODES_NEEDS = {"child", "decom", "rne", "cin", "dec", "rec"}
HEADER_NEEDS = {"child", "sex", "dob"}
DATE = "%d/%m/%Y"


def kind_of(path: Path) -> str | None:
    """'episodes', 'header' or None, from the file's header row."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            first = next(csv.reader(f), [])
    except OSError:
        return None
    names = {normalise_header(n) for n in first}
    if EPISODES_NEEDS <= names:
        return "episodes"
    if HEADER_NEEDS <= names and "decom" not in names:
        return "header"
    return None


class Ssda903(Source):
    """The newest ``header`` and ``episodes`` files of the inbox."""

    format = FORMAT

    def __init__(self, header: SourceFile | None, episodes: SourceFile | None):
        self.header, self.episodes = header, episodes
        self._parts: dict[str, list[Part]] | None = None

    def files(self, extract: str) -> list[SourceFile]:
        if extract == "children" and self.header is not None:
            return [self.header]
        if extract == "looked_after" and self.episodes is not None:
            return [self.episodes]
        return []

    def parts(self, con, extract: str) -> list[Part]:
        if self.failure is not None:
            raise FileRejected(self.failure[2])
        if self._parts is None:
            self._parts = {}
            if self.episodes is not None:
                self._read_episodes(con)
            if self.header is not None:
                self._read_header(con)
        return self._parts.get(extract, [])

    def _load(self, con, file: SourceFile, table: str, names: tuple[str, ...]) -> None:
        """The file's columns as text (absent ones NULL), with its line numbers."""
        try:
            con.execute(f"create or replace temp table {table}_in as select * from read_csv("
                        f"?, all_varchar=true, header=true, auto_detect=true, "
                        f"normalize_names=false)", [str(file.path)])
        except Exception as exc:  # DuckDB's CSV errors: one line for the analyst
            self.failure = (file.name, file.sha256,
                            f"SSDA903 file could not be read: {str(exc).splitlines()[0][:200]}")
            raise FileRejected(self.failure[2]) from None
        have = {normalise_header(r[0]): r[0] for r in
                con.execute(f"describe {table}_in").fetchall()}
        cols = ", ".join(f"trim({q(have[n])}) as {n}" if n in have else f"NULL::VARCHAR as {n}"
                         for n in names)
        # one record per line (the return has no quoted line breaks): line = row + 1
        con.execute(f"create or replace temp table {table} as select "
                    f"row_number() over () + 1 as _line, {cols} from {table}_in")
        con.execute(f"drop table {table}_in")

    def _read_episodes(self, con) -> None:
        self._load(con, self.episodes, "s903_episodes", EPISODES)
        con.execute(periods_sql("s903", DATE, SSDA903_NAMES))
        rejects = [tuple(r) for r in con.execute(
            "select _line, value, rule, col from s903_problems order by _line").fetchall()]
        self._parts["looked_after"] = [Part(
            "s903_periods", ("period_id", "child_id", "start_date", "end_date",
                             "category_of_need"), self.episodes.name, FORMAT, rejects)]

    def _read_header(self, con) -> None:
        self._load(con, self.header, "s903_header", HEADER)
        home = ("(select child, arg_max(home_post, decom) as home_post from s903_ep "
                "where home_post <> '' group by child)") if self.episodes is not None else \
            "(select NULL::VARCHAR as child, NULL::VARCHAR as home_post)"
        con.execute(
            "create or replace temp table s903_children as select h._line, "
            "h.child as child_id, h.dob as date_of_birth, "
            "case h.sex when '1' then 'M' when '2' then 'F' else h.sex end as sex, "
            "h.ethnic as ethnicity, h.upn as upn, p.home_post as postcode "
            f"from s903_header h left join {home} p on p.child = h.child order by h._line")
        self._parts["children"] = [Part(
            "s903_children", ("child_id", "date_of_birth", "sex", "ethnicity", "upn",
                              "postcode"), self.header.name, FORMAT, fills=("postcode",))]


SSDA903_NAMES = {"decom": "DECOM", "dec": "DEC", "rne": "RNE", "rec": "REC"}


def periods_sql(p: str, date_format: str, names: dict[str, str]) -> str:
    """Episodes -> periods, from ``{p}_episodes`` (_line, child, decom, dec, rne, cin, rec,
    home_post as text). ``{p}_ep``: readable episodes; ``{p}_problems``: (line, value, rule,
    col) of the episodes that do not fit, ``col`` named as in the file (``names``);
    ``{p}_periods``: one text row per period formed."""
    sql = _PERIODS_SQL.replace("s903_", f"{p}_").replace("{DATE}", date_format)
    for key, label in SSDA903_NAMES.items():
        sql = sql.replace(f"'{label}'", "'" + names[key] + "'")
    return sql


_PERIODS_SQL = """
create or replace temp table s903_ep as
select _line, child, decom as decom_text, dec as dec_text, upper(rne) as rne, cin,
       upper(coalesce(rec, '')) as rec, home_post,
       try_strptime(decom, '{DATE}')::DATE as decom, try_strptime(dec, '{DATE}')::DATE as dec
from s903_episodes;

create or replace temp table s903_problems as
select _line, decom_text as value, 'bad_date' as rule, 'DECOM' as col
from s903_ep where decom is null
union all
select _line, dec_text, 'bad_date', 'DEC' from s903_ep
where decom is not null and dec is null and coalesce(dec_text, '') <> ''
union all
select _line, dec_text, 'end_before_start', 'DEC' from s903_ep
where decom is not null and dec < decom;

create or replace temp table s903_ordered as
with ep as (
    select * from s903_ep where _line not in (select _line from s903_problems)
), o as (
    select *, lag(rec) over w as prev_rec, lag(dec) over w as prev_dec,
           lag(_line) over w as prev_line, lead(_line) over w as next_line,
           sum(case when rne = 'S' then 1 else 0 end) over (w rows unbounded preceding)
               as period_no
    from ep window w as (partition by child order by decom, _line)
), p as (
    select *, prev_line is not null and (prev_dec is null or prev_rec = 'X1') as open_before
    from o
)
select *, case
    when prev_line is not null and (prev_dec is null or prev_dec > decom) then 'episode_overlap'
    when rne <> 'S' and not open_before then 'no_open_period'
    when rne <> 'S' and prev_dec < decom then 'episode_gap'
    when rne = 'S' and open_before and prev_dec < decom then 'episode_gap'
    when rne = 'S' and open_before then 'open_period_restarted'
    when dec is not null and rec = 'X1' and next_line is null then 'no_next_episode'
    end as problem
from p;

insert into s903_problems
select _line,
       case when problem in ('no_open_period', 'open_period_restarted') then rne
            when problem = 'no_next_episode' then rec else decom_text end,
       problem,
       case when problem in ('no_open_period', 'open_period_restarted') then 'RNE'
            when problem = 'no_next_episode' then 'REC' else 'DECOM' end
from s903_ordered where problem is not null;

create or replace temp table s903_periods as
select arg_min(_line, decom) as _line,
       child || '-' || strftime(min(decom), '%Y-%m-%d') as period_id,
       child as child_id,
       strftime(min(decom), '%Y-%m-%d') as start_date,
       -- (the _null forms: an open last episode's blank DEC is its answer, not skipped)
       case when arg_max_null(rec, decom) <> 'X1'
            then strftime(arg_max_null(dec, decom), '%Y-%m-%d') end as end_date,
       arg_min_null(cin, decom) as category_of_need
from s903_ordered o
where period_no > 0 and not exists (
      -- a period with an episode that does not fit; a misfit S episode also leaves the
      -- period before it without a proper end
      select 1 from s903_ordered b where b.problem is not null
      and b.child is not distinct from o.child
      and (b.period_no = o.period_no or (b.rne = 'S' and b.period_no - 1 = o.period_no)))
group by child, period_no
order by _line;
"""


def discover(inbox: Path, ignored: list[str]) -> tuple[Ssda903 | None, list[str]]:
    """The newest SSDA903 ``header`` and ``episodes`` among the files no extract claimed."""
    newest, rest = newest_by_kind(inbox, ignored, kind_of)
    if not newest:
        return None, rest
    return Ssda903(newest.get("header"), newest.get("episodes")), rest
