"""The typed tables the ingest stage hands to the models (the pipeline's inner contract).

Derived from the contract YAML: nothing here restates a column.

Ingest turns every extract into ``src_<extract>`` with exactly these columns and DuckDB
types (child ids already pseudonymised, codes normalised, blank -> NULL), and every seeds
file into ``seed_<name>``. The SQL models in ``metrics/models`` read only these tables, so
tests can build them directly from small hand-written rows.
"""

from __future__ import annotations

from data_contracts import extract_contracts, seed_contracts

# extract -> ordered (column, DuckDB type), derived from data_contracts/extracts/*.yaml (the
# one statement of each extract's shape). Codes are normalised on ingest: sex M/F/U; cp
# categories NEG/PHY/EMO/SAB/MUL; referral_source, primary_need, closure_reason,
# category_of_need, tool, agency codes upper-case; factors as a list of upper-case codes;
# Y/N as BOOLEAN; postcode trimmed but otherwise as sent (normalisation and the locality
# lookup are the staging models' job).
SRC_TABLES: dict[str, list[tuple[str, str]]] = {
    name: [(c.name, c.duckdb_type) for c in contract.columns]
    for name, contract in extract_contracts().items()
}

EXTRACTS: tuple[str, ...] = tuple(SRC_TABLES)

# seeds file -> ordered (column, DuckDB type), from data_contracts/seeds/*.yaml
SEED_TABLES: dict[str, list[tuple[str, str]]] = {
    name: [(c.name, c.duckdb_type) for c in contract.columns]
    for name, contract in seed_contracts().items()
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
