"""Pseudonymise child ids with HMAC-SHA256 (hex), vectorised inside DuckDB.

HMAC(K, m) = SHA256((K' xor opad) || SHA256((K' xor ipad) || m)), where K' is the key
padded with zeros to SHA-256's 64-byte block (hashed first if longer). The two padded
keys are computed here once and passed to DuckDB as BLOB parameters, so DuckDB hashes
millions of ids set-wise. ``pseudonymise`` is the plain-Python reference the tests
compare the SQL against.
"""

from __future__ import annotations

import hashlib
import hmac

BLOCK = 64  # SHA-256 block size in bytes


def pseudonymise(values: list[str], key: bytes) -> list[str]:
    """Python reference: HMAC-SHA256 hex digest of each value's UTF-8 bytes."""
    return [hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest() for v in values]


def padded_keys(key: bytes) -> tuple[bytes, bytes]:
    """The inner (ipad) and outer (opad) keys of RFC 2104."""
    if not key:
        raise ValueError("the pseudonymisation key is empty")
    if len(key) > BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK, b"\0")
    inner = bytes(b ^ 0x36 for b in key)
    outer = bytes(b ^ 0x5C for b in key)
    return inner, outer


def key_fingerprint(key: bytes) -> str:
    """A short public check value, so a run can tell whether the key has changed."""
    return hmac.new(key, b"lscp key fingerprint", hashlib.sha256).hexdigest()[:16]


def install_hmac_macro(con, key: bytes, name: str = "lscp_pseudonym") -> str:
    """Create a DuckDB macro ``name(x)`` = HMAC-SHA256 hex of VARCHAR x (NULL stays NULL).

    The padded keys are embedded as hex literals in a TEMP macro: it lives only in this
    connection, is never written to the database file, and needs no parameters at call time.
    """
    inner, outer = padded_keys(key)
    con.execute(
        f"create or replace temp macro {name}(x) as "
        f"sha256(unhex('{outer.hex()}') || unhex(sha256(unhex('{inner.hex()}') || encode(x))))"
    )
    return name


def file_pseudonyms(con, id_map: str, raw: str, columns: list[str], macro: str) -> dict[str, str]:
    """column -> TEMP table ``(raw, pseudonym)`` of the distinct trimmed ids of ``raw``'s
    column, each hashed once per run: looked up in the run's map of ids of that column's
    name (``<id_map>__<column>``), the new ones hashed and added to it.

    The typed rows join these small tables, not one map of every id of the run (a hash join
    builds its table from the smaller side: the run's map, near a million ids at 300,000
    children, was built again for every id column of every file). Ids of one name share a
    map (a child id is hashed once whichever extract sends it). The tables hold raw ids:
    TEMP, dropped with the file's raw table (and by ``forget``)."""
    out = {}
    for col in columns:
        known = f"{id_map}__{col}"
        ids = f"{id_map}_of_{raw}__{col}"
        con.execute(f"create temp table if not exists {known} (raw VARCHAR, pseudonym VARCHAR)")
        con.execute(
            f"create or replace temp table {ids} as select i.v as raw, "
            f"case when m.raw is null then {macro}(i.v) else m.pseudonym end as pseudonym, "
            f"m.raw is null as _new from (select distinct nullif(trim(\"{col}\"), '') as v "
            f"from {raw}) i left join {known} m on m.raw = i.v where i.v is not null")
        con.execute(f"insert into {known} select raw, pseudonym from {ids} where _new")
        out[col] = ids
    return out


def forget(con, id_map: str) -> None:
    """Drop the run's TEMP maps of raw ids (``file_pseudonyms``)."""
    names = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where temporary and (table_name = ? or "
        "starts_with(table_name, ?))", [id_map, id_map + "_"]).fetchall()]
    for name in names:
        con.execute(f"drop table if exists temp.{name}")
