"""Small hand-made partnerships for the ingest tests and benchmark (not the demo generator).

``write_seeds`` writes a minimal valid seeds folder; ``write_extracts`` a valid inbox with
every extract, generated set-wise by DuckDB so the benchmark can ask for 300,000 children.
"""

from __future__ import annotations

from pathlib import Path

from data_contracts import extract_contracts

SEEDS = {
    "localities": "locality_code,locality_name\nN,North\nS,South\n",
    "postcode_localities": "postcode_prefix,locality_code\nNS1,N\nNS2,S\nNS1 4,S\n",
    "population": "locality_code,year,population_0_17\nN,2024,10000\nS,2024,12000\n",
    "agencies": ("agency_code,agency_name,sector,referral_sources\n"
                 "POL,Police,police,2A;2B\nSCH,Schools,education,3A\nHV,Health visiting,health,\n"),
    "benchmarks": "indicator_id,geography,period_label,value,source\nrereferral,England,2024-25,21.4,DfE\n",
    "targets": "indicator_id,target,tolerance\nrereferral,20,2\n",
    "strategies": "strategy,success_measure,indicator_id\nNeglect,Fewer repeat plans,cp_repeat\n",
    "bank_holidays": "date,name\n2024-12-25,Christmas Day\n2024-12-26,Boxing Day\n",
}

# Each extract's header row, from its contract (the one statement of its columns).
HEADERS = {name: ",".join(c.column_names) for name, c in extract_contracts().items()}


def write_seeds(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in SEEDS.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def write_csv(folder: Path, extract: str, rows: list[str], name: str | None = None,
              encoding: str = "utf-8", header: str | None = None) -> Path:
    """Write ``<extract>_<name>.csv`` with the contract header and the given data lines."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{extract}_{name or 'extract'}.csv"
    text = "\n".join([header if header is not None else HEADERS[extract], *rows]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


# Set-wise generation of a valid partnership of n children (child i has referral i etc.).
_BIG = {
    "children": "select 'C' || lpad(i::varchar, 7, '0') as child_id, "
                "strftime(DATE '2008-01-01' + (i % 6000)::INTEGER, '%d/%m/%Y') as date_of_birth, "
                "NULL as expected_date_of_birth, ['M','F','1','2'][i % 4 + 1] as sex, "
                "['WBRI','WIRI','BAFR','NOBT'][i % 4 + 1] as ethnicity, "
                "['Y','N','yes','no'][i % 4 + 1] as disability, "
                "['NS1 4AB','NS2 1CD','','ns1 9zz'][i % 4 + 1] as postcode, NULL as upn from range({n}) t(i)",
    "referrals": "select 'R' || i as referral_id, 'C' || lpad((i % {n})::varchar, 7, '0') as child_id, "
                 "(DATE '2020-01-01' + (i % 1800)::INTEGER)::varchar as referral_date, "
                 "['1A','2A','3A','10'][i % 4 + 1] as referral_source, 'N1' as primary_need, "
                 "'N' as referral_nfa, (DATE '2020-02-01' + (i % 1800)::INTEGER)::varchar as closure_date, "
                 "'RC1' as closure_reason, 'Y' as neglect_flag from range({n}) t(i)",
    "assessments": "select 'A' || i as assessment_id, 'R' || i as referral_id, "
                   "'C' || lpad((i % {n})::varchar, 7, '0') as child_id, "
                   "(DATE '2020-01-05' + (i % 1800)::INTEGER)::varchar as start_date, NULL as authorised_date, "
                   "'16A;3B' as factors from range({n}) t(i)",
    "cin_plans": "select 'CIN' || i, 'R' || i, 'C' || lpad((i % {n})::varchar, 7, '0'), "
                 "(DATE '2020-01-10' + (i % 1800)::INTEGER)::varchar, NULL from range({n} // 3) t(i)",
    "cp_plans": "select 'CP' || i, 'R' || i, 'C' || lpad((i % {n})::varchar, 7, '0'), "
                "(DATE '2020-01-10' + (i % 1800)::INTEGER)::varchar, NULL, 'Neglect', 'NEG', '0' "
                "from range({n} // 10) t(i)",
    "looked_after": "select 'LA' || i, 'C' || lpad((i % {n})::varchar, 7, '0'), "
                    "(DATE '2020-01-10' + (i % 1800)::INTEGER)::varchar, NULL, 'N1', NULL "
                    "from range({n} // 20) t(i)",
    "early_help": "select 'EH' || i, 'C' || lpad((i % {n})::varchar, 7, '0'), 'F' || i, 'SCH', "
                  "(DATE '2020-01-10' + (i % 1800)::INTEGER)::varchar, NULL, NULL, 'Y', 'PARTNER', NULL "
                  "from range({n} // 2) t(i)",
    "neglect_tools": "select 'T' || i, 'C' || lpad((i % {n})::varchar, 7, '0'), NULL, 'GCP2', 'HV', "
                     "(DATE '2020-01-10' + (i % 1800)::INTEGER)::varchar, (i % 5 + 1)::varchar, "
                     "'2', '3', '4', '5' from range({n} // 4) t(i)",
    "two_year_olds": "select ['2024-SPR','2024-SUM','2024-AUT'][i % 3 + 1], "
                     "'C' || lpad((i // 3)::varchar, 7, '0'), NULL, 'Y' from range({n} // 2) t(i)",
    "attendance": "select 'C' || lpad((i // 6)::varchar, 7, '0'), ['2023/24','2024/25'][(i // 3) % 2 + 1], "
                  "['AUT','SPR','SUM'][i % 3 + 1], '120', (i % 40)::varchar from range({n} * 3) t(i)",
}


def write_extracts(folder: Path, children: int) -> dict[str, Path]:
    """A valid inbox (every extract) for ``children`` children, written by DuckDB."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    out = {}
    for extract, sql in _BIG.items():
        path = folder / f"{extract}_bench.csv"
        names = HEADERS[extract].split(",")
        body = sql.format(n=children)
        cols = ", ".join(f"#{i + 1} as {n}" for i, n in enumerate(names))
        con.execute(f"copy (select {cols} from ({body})) to '{path}' (header, delimiter ',')")
        out[extract] = path
    con.close()
    return out
