"""Standard Safeguarding Dataset (SSD) table exports, as CSV: ``ssd_person``, ``ssd_cin_episodes``, ...

Table and column names are Data to Insight's published SSD data model
(github.com/data-to-insight/ssd-data-model, data/objects/*.yml, at the commit cited in
data_contracts/README.md). A table is recognised by its header row (its id column), whatever
the file is called; the newest file of each table is in force. The tables map into the
extracts as the README's table says; the row rules are the extracts' own. SSD dates are
``datetime``: a time of day after the date is dropped. CLA episodes collapse into periods of
care exactly as SSDA903 episodes do (readers/ssda903.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

from data_contracts.rules import ISO_CELL, is_null_word, q
from pipelines.ingest.readers import ssda903
from pipelines.ingest.readers.parts import Part, Source, SourceFile, newest_by_kind
from pipelines.ingest.readers.reader import COUNCIL, Reader
from pipelines.ingest.readers.tabular import FileRejected, normalise_header

FORMAT = "ssd"

# table -> (its id column, which recognises it; the columns lscp needs)
TABLES = {
    "ssd_person": ("pers_person_id", ("pers_person_id",)),
    "ssd_disability": ("disa_table_id", ("disa_person_id", "disa_disability_code")),
    "ssd_address": ("addr_table_id", ("addr_person_id", "addr_address_postcode")),
    "ssd_cin_episodes": ("cine_referral_id", ("cine_referral_id", "cine_person_id",
                                              "cine_referral_date")),
    "ssd_cin_assessments": ("cina_assessment_id", ("cina_assessment_id", "cina_person_id",
                                                   "cina_referral_id",
                                                   "cina_assessment_start_date")),
    "ssd_assessment_factors": ("cinf_table_id", ("cinf_assessment_id",
                                                 "cinf_assessment_factors_json")),
    "ssd_cin_plans": ("cinp_cin_plan_id", ("cinp_cin_plan_id", "cinp_person_id",
                                           "cinp_cin_plan_start_date")),
    "ssd_cp_plans": ("cppl_cp_plan_id", ("cppl_cp_plan_id", "cppl_person_id",
                                         "cppl_cp_plan_start_date")),
    "ssd_cla_episodes": ("clae_cla_episode_id", ("clae_cla_episode_id", "clae_person_id",
                                                 "clae_cla_episode_start_date",
                                                 "clae_cla_episode_start_reason")),
    "ssd_early_help_episodes": ("earl_episode_id", ("earl_episode_id", "earl_person_id",
                                                    "earl_episode_start_date")),
    "ssd_contacts": ("cont_contact_id", ("cont_contact_id", "cont_person_id",
                                         "cont_contact_date")),
    "ssd_s47_enquiry": ("s47e_s47_enquiry_id", ("s47e_s47_enquiry_id", "s47e_person_id",
                                                "s47e_s47_start_date")),
    "ssd_initial_cp_conference": ("icpc_icpc_id", ("icpc_s47_enquiry_id", "icpc_icpc_date")),
    "ssd_cp_reviews": ("cppr_cp_review_id", ("cppr_cp_plan_id", "cppr_cp_review_date")),
    "ssd_missing": ("miss_table_id", ("miss_la_person_id", "miss_mis_epi_start",
                                      "miss_mis_epi_type")),
}
# the other columns read (absent ones are blank)
OPTIONAL = {
    "ssd_person": ("pers_sex", "pers_ethnicity", "pers_dob", "pers_expected_dob"),
    "ssd_address": ("addr_address_start_date", "addr_address_end_date"),
    "ssd_cin_episodes": ("cine_cin_primary_need_code", "cine_referral_source_code",
                         "cine_referral_nfa", "cine_close_reason", "cine_close_date"),
    "ssd_cin_assessments": ("cina_assessment_auth_date",),
    "ssd_cin_plans": ("cinp_referral_id", "cinp_cin_plan_end_date"),
    "ssd_cp_plans": ("cppl_referral_id", "cppl_cp_plan_end_date",
                     "cppl_cp_plan_initial_category", "cppl_cp_plan_latest_category"),
    "ssd_cla_episodes": ("clae_cla_primary_need_code", "clae_cla_episode_ceased_date",
                         "clae_cla_episode_ceased_reason"),
    "ssd_early_help_episodes": ("earl_episode_end_date", "earl_episode_end_reason",
                                "earl_episode_organisation"),
    "ssd_contacts": ("cont_contact_source_code", "cont_contact_outcome_json"),
    "ssd_s47_enquiry": ("s47e_referral_id",),
    "ssd_initial_cp_conference": ("icpc_icpc_target_date",),
    "ssd_missing": ("miss_mis_epi_end",),
}
# extract -> the tables it is made from (the first is its main table: its file and lines)
EXTRACT_TABLES = {
    "children": ("ssd_person", "ssd_disability", "ssd_address"),
    "referrals": ("ssd_cin_episodes",),
    "assessments": ("ssd_cin_assessments", "ssd_assessment_factors"),
    "cin_plans": ("ssd_cin_plans",),
    "cp_plans": ("ssd_cp_plans",),
    "looked_after": ("ssd_cla_episodes",),
    "early_help": ("ssd_early_help_episodes",),
    "contacts": ("ssd_contacts",),
    "s47_enquiries": ("ssd_s47_enquiry", "ssd_initial_cp_conference"),
    "cp_reviews": ("ssd_cp_reviews",),
    "missing_episodes": ("ssd_missing",),
}
SSD_NAMES = {"decom": "clae_cla_episode_start_date", "dec": "clae_cla_episode_ceased_date",
             "rne": "clae_cla_episode_start_reason", "rec": "clae_cla_episode_ceased_reason"}


def _date(col: str) -> str:
    """An SSD datetime as its date text; anything else as sent (the contract judges it)."""
    return (f"regexp_replace({col}, '^(\\d{{4}}-\\d{{2}}-\\d{{2}})[ T]\\d{{2}}:\\d{{2}}"
            f"(:\\d{{2}}(\\.\\d+)?)?$', '\\1')")


def _yes_no(col: str) -> str:
    return (f"case lower({col}) when 'y' then 'Y' when 'yes' then 'Y' when 'true' then 'Y' "
            f"when '1' then 'Y' when 'n' then 'N' when 'no' then 'N' when 'false' then 'N' "
            f"when '0' then 'N' else {col} end")


# extract -> the SELECT giving its text columns (+ _line) from the t_<table> TEMP tables
SELECTS = {
    "children": f"""
        select p._line, p.pers_person_id as child_id, {_date('p.pers_dob')} as date_of_birth,
               {_date('p.pers_expected_dob')} as expected_date_of_birth, p.pers_sex as sex,
               p.pers_ethnicity as ethnicity, d.disability, a.postcode
        from t_ssd_person p
        left join (select disa_person_id as id,
                          case when count(*) filter (where upper(disa_disability_code) <> 'NONE')
                               > 0 then 'Y' else 'N' end as disability
                   from t_ssd_disability where nullif(disa_disability_code, '') is not null
                   group by 1) d on d.id = p.pers_person_id
        left join (select addr_person_id as id,
                          arg_max(addr_address_postcode, coalesce(addr_address_start_date, ''))
                              as postcode
                   from t_ssd_address where nullif(addr_address_end_date, '') is null
                   and nullif(addr_address_postcode, '') is not null
                   group by 1) a on a.id = p.pers_person_id""",
    "referrals": f"""
        select _line, cine_referral_id as referral_id, cine_person_id as child_id,
               {_date('cine_referral_date')} as referral_date,
               cine_referral_source_code as referral_source,
               cine_cin_primary_need_code as primary_need,
               {_yes_no('cine_referral_nfa')} as referral_nfa,
               {_date('cine_close_date')} as closure_date, cine_close_reason as closure_reason
        from t_ssd_cin_episodes""",
    "assessments": f"""
        select a._line, a.cina_assessment_id as assessment_id, a.cina_referral_id as referral_id,
               a.cina_person_id as child_id, {_date('a.cina_assessment_start_date')} as start_date,
               {_date('a.cina_assessment_auth_date')} as authorised_date, f.factors
        from t_ssd_cin_assessments a
        left join (select cinf_assessment_id as id,
                          nullif(string_agg(codes, ';' order by _line), '') as factors
                   from (select cinf_assessment_id, _line, array_to_string(list_filter(
                             list_transform(ssd_factor_codes(cinf_assessment_factors_json),
                                            lambda k: trim(k)), lambda k: k <> ''), ';')
                             as codes from t_ssd_assessment_factors)
                   where codes <> '' group by 1) f on f.id = a.cina_assessment_id""",
    "cin_plans": f"""
        select _line, cinp_cin_plan_id as cin_plan_id, cinp_referral_id as referral_id,
               cinp_person_id as child_id, {_date('cinp_cin_plan_start_date')} as start_date,
               {_date('cinp_cin_plan_end_date')} as end_date
        from t_ssd_cin_plans""",
    "cp_plans": f"""
        select _line, cppl_cp_plan_id as cp_plan_id, cppl_referral_id as referral_id,
               cppl_person_id as child_id, {_date('cppl_cp_plan_start_date')} as start_date,
               {_date('cppl_cp_plan_end_date')} as end_date,
               cppl_cp_plan_initial_category as initial_category,
               cppl_cp_plan_latest_category as latest_category
        from t_ssd_cp_plans""",
    "early_help": f"""
        select _line, earl_episode_id as episode_id, earl_person_id as child_id,
               earl_episode_organisation as lead_agency,
               {_date('earl_episode_start_date')} as start_date,
               {_date('earl_episode_end_date')} as end_date, earl_episode_end_reason as end_reason
        from t_ssd_early_help_episodes""",
    # the contact's outcome from cont_contact_outcome_json's flags: a referral (new or
    # existing, or a CP enquiry) -> REFERRAL, else NFA -> NFA, else advice -> INFO_ADVICE,
    # else OTHER; a value that is not such JSON passes through for the contract to judge
    "contacts": f"""
        select _line, cont_contact_id as contact_id, cont_person_id as child_id,
               {_date('cont_contact_date')} as contact_date,
               cont_contact_source_code as contact_source,
               case
                   when cont_contact_outcome_json is null then NULL
                   when not starts_with(trim(cont_contact_outcome_json), '{{')
                       then upper(trim(cont_contact_outcome_json))
                   when ssd_flag(cont_contact_outcome_json, 'NEW_REFERRAL_FLAG')
                       or ssd_flag(cont_contact_outcome_json, 'EXISTING_REFERRAL_FLAG')
                       or ssd_flag(cont_contact_outcome_json, 'CP_ENQUIRY_FLAG') then 'REFERRAL'
                   when ssd_flag(cont_contact_outcome_json, 'NFA_FLAG') then 'NFA'
                   when ssd_flag(cont_contact_outcome_json, 'ADVICE_FLAG') then 'INFO_ADVICE'
                   else 'OTHER'
               end as outcome
        from t_ssd_contacts""",
    # an enquiry with its initial conference (the earliest, by icpc_s47_enquiry_id);
    # icpc_not_required blank: the SSD does not record it
    "s47_enquiries": f"""
        select s._line, s.s47e_s47_enquiry_id as s47_id, s.s47e_referral_id as referral_id,
               s.s47e_person_id as child_id, {_date('s.s47e_s47_start_date')} as start_date,
               c.icpc_target_date, c.icpc_date
        from t_ssd_s47_enquiry s
        left join (select icpc_s47_enquiry_id as id,
                          arg_min({_date('icpc_icpc_target_date')}, {_date('icpc_icpc_date')})
                              as icpc_target_date,
                          min({_date('icpc_icpc_date')}) as icpc_date
                   from t_ssd_initial_cp_conference where icpc_s47_enquiry_id is not null
                   group by 1) c on c.id = s.s47e_s47_enquiry_id""",
    "cp_reviews": f"""
        select _line, cppr_cp_plan_id as cp_plan_id,
               {_date('cppr_cp_review_date')} as review_date
        from t_ssd_cp_reviews""",
    "missing_episodes": f"""
        select _line, miss_la_person_id as child_id, upper(miss_mis_epi_type) as kind,
               {_date('miss_mis_epi_start')} as start_date,
               {_date('miss_mis_epi_end')} as end_date
        from t_ssd_missing""",
}


def table_of(path: Path) -> str | None:
    """The SSD table a CSV holds, from its header row (its id column)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            names = {normalise_header(n) for n in next(csv.reader(f), [])}
    except OSError:
        return None
    found = [t for t, (ident, _cols) in TABLES.items() if ident in names]
    if not found:  # a table without its row id column: by its other needed columns
        found = [t for t, (_ident, cols) in TABLES.items() if set(cols) <= names]
    if not found and path.stem.lower().startswith("ssd_"):
        return path.stem.lower()  # an SSD table lscp does not map (reported as unused)
    return found[0] if found else None


class Ssd(Source):
    """The newest file of each SSD table in the inbox."""

    format = FORMAT

    def __init__(self, tables: dict[str, SourceFile], unused: list[str]):
        self.tables, self.unused_tables = tables, unused
        self._read_tables: set[str] = set()
        self._refused: dict[str, tuple[str, str, str]] = {}  # table -> (file, sha, why)
        self._cells: dict[str, tuple[int, int]] = {}  # table -> (ISO dates, NULL cells)
        self.accounts: dict[str, ssda903.Account] = {}
        self.members: dict[str, tuple[str, list[str]]] = {}
        self.failure = None

    def files(self, extract: str) -> list[SourceFile]:
        wanted = EXTRACT_TABLES.get(extract, ())
        if not wanted or wanted[0] not in self.tables:
            return []
        return [self.tables[t] for t in wanted if t in self.tables]

    def unused(self, extract: str) -> str:
        return (f"SSD tables not used: {', '.join(self.unused_tables)}"
                if self.unused_tables else "")

    def parts(self, con, extract: str) -> list[Part]:
        """The extract's rows; FileRejected (and ``failure``) when one of its tables' files
        is refused (the other extracts' tables still load)."""
        self.failure = None
        _install_macros(con)
        for table in EXTRACT_TABLES[extract]:
            if table in self._refused:
                self.failure = self._refused[table]
                raise FileRejected(self.failure[2])
            self._load(con, table)
        main = self.tables[EXTRACT_TABLES[extract][0]]
        if extract == "looked_after":
            con.execute(
                "create or replace temp table ssdla_episodes as select 0 as _file, _line, "
                "0 as _rank, clae_person_id as child, "
                f"{_date('clae_cla_episode_start_date')} as decom, "
                f"{_date('clae_cla_episode_ceased_date')} as dec, "
                "clae_cla_episode_start_reason as rne, clae_cla_primary_need_code as cin, "
                "clae_cla_episode_ceased_reason as rec, NULL::VARCHAR as home_post "
                "from t_ssd_cla_episodes")
            con.execute(ssda903.periods_sql("ssdla", SSD_NAMES, [main.name]))
            account = ssda903.Account(rows=con.execute(
                "select count(*) from ssdla_episodes").fetchall()[0][0])
            account.iso_dates, account.null_cells = self._cells.get("ssd_cla_episodes", (0, 0))
            parts = ssda903._episode_parts(con, "ssdla", [main.name], FORMAT, account)
            self.accounts[extract] = account
            self.members[extract] = ("ssdla_members", [main.name])
            return parts
        table = f"ssd_{extract}_rows"
        con.execute(f"create or replace temp table {table} as {SELECTS[extract]} order by 1")
        cells = [self._cells.get(t, (0, 0)) for t in EXTRACT_TABLES[extract]]
        self.accounts[extract] = ssda903.Account(iso_dates=sum(c[0] for c in cells),
                                                 null_cells=sum(c[1] for c in cells))
        columns = tuple(r[0] for r in con.execute(f"describe {table}").fetchall() if r[0] != "_line")
        return [Part(table, columns, main.name, FORMAT)]

    def _load(self, con, table: str) -> None:
        """A table's file as text columns (lowercase names) with its line numbers; an absent
        optional table is empty."""
        if table in self._read_tables:
            return
        needed = TABLES[table][1] + OPTIONAL.get(table, ())
        target = f"t_{table}"
        file = self.tables.get(table)
        if file is None:
            cols = ", ".join(f"{c} VARCHAR" for c in needed)
            con.execute(f"create or replace temp table {target} (_line BIGINT, {cols})")
            self._read_tables.add(table)
            return
        try:
            con.execute(f"create or replace temp table {target}_in as select * from read_csv("
                        "?, all_varchar=true, header=true, auto_detect=true)", [str(file.path)])
        except Exception as exc:  # DuckDB's CSV errors: one line for the analyst
            self._refuse(table, file,
                         f"SSD file could not be read: {str(exc).splitlines()[0][:200]}")
        have = {normalise_header(r[0]): r[0] for r in
                con.execute(f"describe {target}_in").fetchall()}
        missing = [c for c in TABLES[table][1] if c not in have]
        if missing:
            label = "column" if len(missing) == 1 else "columns"
            self._refuse(table, file,
                         f"{table}: missing required {label}: {', '.join(missing)}")
        # SQL Server tools write NULL in an empty cell: empty (counted, with ISO dates)
        nulls = [f"count(*) filter (where {is_null_word(f'trim({q(v)})')})"
                 for v in have.values()]
        isos = [f"count(*) filter (where regexp_full_match(trim({q(have[c])}), '{ISO_CELL}'))"
                for c in needed if c in have and ("date" in c or c.endswith("_dob"))]
        self._cells[table] = tuple(con.execute(
            f"select {' + '.join(isos) or '0'}, {' + '.join(nulls) or '0'} "
            f"from {target}_in").fetchall()[0])
        cols = ", ".join(
            f"case when {is_null_word(f'trim({q(have[c])})')} then NULL "
            f"else nullif(trim({q(have[c])}), '') end as {c}" if c in have
            else f"NULL::VARCHAR as {c}" for c in needed)
        # one record per line (exports have no quoted line breaks): line = row + 1
        con.execute(f"create or replace temp table {target} as select "
                    f"row_number() over () + 1 as _line, {cols} from {target}_in")
        con.execute(f"drop table {target}_in")
        self._read_tables.add(table)

    def _refuse(self, table: str, file: SourceFile, message: str) -> None:
        self.failure = self._refused[table] = (file.name, file.sha256, message)
        raise FileRejected(message)


def _install_macros(con) -> None:
    # a yes flag of an SSD outcome JSON ({"NFA_FLAG": "Y", ...}), any case, Y/Yes/true/1
    con.execute(r"""
        create or replace temp macro ssd_flag(x, k) as
            coalesce(regexp_matches(x, '"?' || k || '"?\s*:\s*"?(y|yes|true|1)\b', 'i'),
                     false)""")
    # factors as a JSON array ["1A","2B"], key-value pairs {"1A": "Yes", ...} (the keys with
    # a yes), or a plain list separated by ; or , (both shapes are in the data model's notes)
    con.execute(r"""
        create or replace temp macro ssd_factor_codes(x) as (
            case
                when trim(x) like '[%' then
                    regexp_extract_all(x, '"([^"]*)"', 1)
                when trim(x) like '{%' then
                    list_transform(list_filter(
                        regexp_extract_all(x, '"([^"]*)"\s*:\s*"?([^",}]*)"?', 0),
                        lambda p: lower(trim(regexp_extract(p, ':\s*"?([^",}]*)', 1)))
                                  in ('yes', 'y', 'true', '1')),
                        lambda p: regexp_extract(p, '"([^"]*)"', 1))
                else string_split(replace(coalesce(x, ''), ',', ';'), ';')
            end)""")


def discover(inbox: Path, ignored: list[str]) -> tuple[Ssd | None, list[str]]:
    """The newest file of each SSD table among the files no extract claimed."""
    newest, rest = newest_by_kind(inbox, ignored, table_of)
    unknown = sorted(t for t in newest if t not in TABLES)
    rest += [newest.pop(t).name for t in unknown]
    if not newest:
        return None, rest
    return Ssd(newest, unknown), rest


READER = Reader(
    format=FORMAT, recognises="SSD tables",
    how="*.csv whose header is a Standard Safeguarding Dataset table's (table_of)",
    extensions=(".csv",),
    supplies=tuple(EXTRACT_TABLES), scope=COUNCIL, discover=discover)
