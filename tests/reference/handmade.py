"""Small hand-written src_*/seed_* tables: the same rows feed the reference and DuckDB."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_contracts.schema import SEED_TABLES, SRC_TABLES, create_empty_sources

# A two-locality partnership with an ambiguous referral source and a sector override.
LOCALITIES = [("N", "North"), ("S", "South")]
POSTCODE_LOCALITIES = [("NS1", "N"), ("NS1 9", "S"), ("NS2", "S")]
POPULATION = [("N", 2023, 10000), ("N", 2025, 12000), ("S", 2024, 8000)]
AGENCIES = [
    ("POL", "Police", "police", "5A;5B"),
    ("HLT", "Health", "health", "3A;3B;5A"),  # 5A is listed twice: Police has it
    ("SCH", "Schools", "education", "2A;2B"),
    ("VCS", "Voluntary sector", "voluntary", None),
]
BANK_HOLIDAYS = [("2024-12-25", "Christmas Day"), ("2024-12-26", "Boxing Day"),
                 ("2025-01-01", "New Year's Day"), ("2025-04-18", "Good Friday"),
                 ("2025-04-21", "Easter Monday"), ("2025-05-05", "Early May bank holiday")]


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def table(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows given as dicts (missing columns = NULL, ISO date strings accepted) -> typed frame."""
    kind, _, base = name.partition("_")
    columns = (SRC_TABLES if kind == "src" else SEED_TABLES)[base]
    data = {}
    for column, dtype in columns:
        values = [row.get(column) for row in rows]
        if dtype == "DATE":
            values = [_date(v) for v in values]
        data[column] = values
    df = pd.DataFrame(data, columns=[c for c, _ in columns])
    for column, dtype in columns:
        if dtype == "DATE":
            df[column] = pd.to_datetime(df[column]).astype("datetime64[us]")
        elif dtype == "BOOLEAN":
            df[column] = df[column].astype("boolean")
        elif dtype in ("INTEGER", "BIGINT"):
            df[column] = df[column].astype("Int64")
        else:
            df[column] = df[column].astype(object)
    return df


def seeds() -> dict[str, pd.DataFrame]:
    cols = lambda name: [c for c, _ in SEED_TABLES[name]]  # noqa: E731
    # a row may leave out trailing optional columns (localities' la_code: one council)
    as_dicts = lambda name, rows: [dict(zip(cols(name)[:len(r)], r, strict=True))  # noqa: E731
                                   for r in rows]
    return {
        "seed_localities": table("seed_localities", as_dicts("localities", LOCALITIES)),
        "seed_postcode_localities": table("seed_postcode_localities",
                                          as_dicts("postcode_localities", POSTCODE_LOCALITIES)),
        "seed_population": table("seed_population", as_dicts("population", POPULATION)),
        "seed_agencies": table("seed_agencies", as_dicts("agencies", AGENCIES)),
        "seed_bank_holidays": table("seed_bank_holidays", as_dicts("bank_holidays", BANK_HOLIDAYS)),
    }


def frames(**src: list[dict]) -> dict[str, pd.DataFrame]:
    """frames(referrals=[{...}], children=[...]) -> every src_* and seed_* table."""
    out = seeds()
    for extract in SRC_TABLES:
        out[f"src_{extract}"] = table(f"src_{extract}", src.get(extract, []))
    for seed in SEED_TABLES:
        out.setdefault(f"seed_{seed}", table(f"seed_{seed}", []))
    return out


def load_into(con, tables: dict[str, pd.DataFrame]) -> None:
    """Create the typed src_*/seed_* tables of data_contracts.schema and insert the frames' rows."""
    create_empty_sources(con)
    for name, df in tables.items():
        if df.empty:
            continue
        con.register("_handmade", df)
        columns = ", ".join(f'"{c}"' for c in df.columns)
        con.execute(f'insert into "{name}" ({columns}) select {columns} from _handmade')
        con.unregister("_handmade")
