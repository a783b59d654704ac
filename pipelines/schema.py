"""The typed tables the ingest stage hands to the models (the pipeline's inner contract).

Ingest turns every extract into ``src_<extract>`` with exactly these columns and DuckDB
types (child ids already pseudonymised, codes normalised, blank -> NULL), and every seeds
file into ``seed_<name>``. The SQL models in ``metrics/models`` read only these tables, so
tests can build them directly from small hand-written rows.
"""

from __future__ import annotations

# extract -> ordered (column, DuckDB type). Codes are normalised on ingest:
#   sex M/F/U; cp categories NEG/PHY/EMO/SAB/MUL; referral_source, primary_need,
#   closure_reason, category_of_need, tool, agency codes upper-case; factors as a list
#   of upper-case codes; Y/N as BOOLEAN; postcode trimmed but otherwise as sent
#   (normalisation and the locality lookup are the staging models' job).
SRC_TABLES: dict[str, list[tuple[str, str]]] = {
    "children": [
        ("child_id", "VARCHAR"),
        ("date_of_birth", "DATE"),
        ("expected_date_of_birth", "DATE"),
        ("sex", "VARCHAR"),
        ("ethnicity", "VARCHAR"),
        ("disability", "BOOLEAN"),
        ("postcode", "VARCHAR"),
        ("upn", "VARCHAR"),
    ],
    "referrals": [
        ("referral_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("referral_date", "DATE"),
        ("referral_source", "VARCHAR"),
        ("primary_need", "VARCHAR"),
        ("referral_nfa", "BOOLEAN"),
        ("closure_date", "DATE"),
        ("closure_reason", "VARCHAR"),
        ("neglect_flag", "BOOLEAN"),
    ],
    "assessments": [
        ("assessment_id", "VARCHAR"),
        ("referral_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("start_date", "DATE"),
        ("authorised_date", "DATE"),
        ("factors", "VARCHAR[]"),
    ],
    "cin_plans": [
        ("cin_plan_id", "VARCHAR"),
        ("referral_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
    ],
    "cp_plans": [
        ("cp_plan_id", "VARCHAR"),
        ("referral_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
        ("initial_category", "VARCHAR"),
        ("latest_category", "VARCHAR"),
        ("previous_cp_plans", "INTEGER"),
    ],
    "looked_after": [
        ("period_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
        ("category_of_need", "VARCHAR"),
    ],
    "early_help": [
        ("episode_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("family_id", "VARCHAR"),
        ("lead_agency", "VARCHAR"),
        ("start_date", "DATE"),
        ("assessment_date", "DATE"),
        ("end_date", "DATE"),
        ("neglect_identified", "BOOLEAN"),
        ("source", "VARCHAR"),
        ("end_reason", "VARCHAR"),
    ],
    "neglect_tools": [
        ("tool_assessment_id", "VARCHAR"),
        ("child_id", "VARCHAR"),
        ("family_id", "VARCHAR"),
        ("tool", "VARCHAR"),
        ("agency", "VARCHAR"),
        ("completed_date", "DATE"),
        ("overall_grade", "INTEGER"),
        ("physical_care", "INTEGER"),
        ("safety", "INTEGER"),
        ("emotional_care", "INTEGER"),
        ("developmental_care", "INTEGER"),
    ],
    "two_year_olds": [
        ("term", "VARCHAR"),  # 'YYYY-SPR' | 'YYYY-SUM' | 'YYYY-AUT', upper-case
        ("child_id", "VARCHAR"),
        ("postcode", "VARCHAR"),
        ("registered", "BOOLEAN"),
    ],
    "attendance": [
        ("child_id", "VARCHAR"),
        ("academic_year", "VARCHAR"),  # 'YYYY/YY'
        ("term", "VARCHAR"),  # 'AUT' | 'SPR' | 'SUM'
        ("sessions_possible", "INTEGER"),
        ("sessions_missed", "INTEGER"),
    ],
}

EXTRACTS: tuple[str, ...] = tuple(SRC_TABLES)

SEED_TABLES: dict[str, list[tuple[str, str]]] = {
    "localities": [("locality_code", "VARCHAR"), ("locality_name", "VARCHAR")],
    "postcode_localities": [("postcode_prefix", "VARCHAR"), ("locality_code", "VARCHAR")],
    "population": [
        ("locality_code", "VARCHAR"),
        ("year", "INTEGER"),
        ("population_0_17", "BIGINT"),
    ],
    "agencies": [
        ("agency_code", "VARCHAR"),
        ("agency_name", "VARCHAR"),
        ("sector", "VARCHAR"),
        ("referral_sources", "VARCHAR"),
    ],
    "benchmarks": [
        ("indicator_id", "VARCHAR"),
        ("geography", "VARCHAR"),
        ("period_label", "VARCHAR"),
        ("value", "DOUBLE"),
        ("source", "VARCHAR"),
    ],
    "targets": [("indicator_id", "VARCHAR"), ("target", "DOUBLE"), ("tolerance", "DOUBLE")],
    "strategies": [
        ("strategy", "VARCHAR"),
        ("success_measure", "VARCHAR"),
        ("indicator_id", "VARCHAR"),
    ],
    "bank_holidays": [("date", "DATE"), ("name", "VARCHAR")],
}

SEEDS: tuple[str, ...] = tuple(SEED_TABLES)


def create_empty(con, table: str, columns: list[tuple[str, str]]) -> None:
    """Create (or replace) an empty table with the given columns."""
    cols = ", ".join(f'"{name}" {dtype}' for name, dtype in columns)
    con.execute(f'create or replace table "{table}" ({cols})')


def create_empty_sources(con) -> None:
    """Empty src_* and seed_* tables: what the models see before anything is loaded."""
    for extract, columns in SRC_TABLES.items():
        create_empty(con, f"src_{extract}", columns)
    for seed, columns in SEED_TABLES.items():
        create_empty(con, f"seed_{seed}", columns)
