"""HMAC-SHA256 pseudonyms computed set-wise in DuckDB match Python's hmac."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from pipelines.ingest.pseudonymise import (
    file_pseudonyms,
    install_hmac_macro,
    key_fingerprint,
    pseudonymise,
)


def test_rfc_4231_test_case_2():
    assert pseudonymise(["what do ya want for nothing?"], b"Jefe") == [
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"]


@pytest.mark.parametrize("key", [b"k", b"Jefe", b"x" * 64, b"a much longer key " * 10,
                                 bytes(range(256))])
def test_duckdb_macro_matches_python_hmac(key):
    values = ["001", "1", "abc", "Zoë £5", "x" * 300, " padded "]
    con = duckdb.connect()
    install_hmac_macro(con, key, "pseud")
    got = [r[0] for r in con.execute("select pseud(v) from unnest(?) t(v)", [values]).fetchall()]
    assert got == [hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in values]
    assert con.execute("select pseud(NULL)").fetchall() == [(None,)]


def test_leading_zeros_matter_and_keys_differ():
    assert pseudonymise(["007"], b"k") != pseudonymise(["7"], b"k")
    assert pseudonymise(["7"], b"k1") != pseudonymise(["7"], b"k2")
    assert key_fingerprint(b"k1") != key_fingerprint(b"k2")


def test_id_map_hashes_each_distinct_trimmed_id_once():
    con = duckdb.connect()
    install_hmac_macro(con, b"k", "pseud")
    con.execute("create temp table raw1 as select * from (values (' A1 '), ('A1'), ('B2'), (''), (NULL)) t(child_id)")
    con.execute("create temp table raw2 as select * from (values ('B2'), ('C3')) t(child_id)")
    file_pseudonyms(con, "idmap", "raw1", ["child_id"], "pseud")
    file_pseudonyms(con, "idmap", "raw2", ["child_id"], "pseud")
    # the run's map of child ids (each file's own ids join a table of their own)
    rows = con.execute("select raw, pseudonym from idmap__child_id order by raw").fetchall()
    assert rows == [(v, pseudonymise([v], b"k")[0]) for v in ("A1", "B2", "C3")]
    assert con.execute("select count(*) from duckdb_tables() where table_name = 'idmap__child_id' "
                       "and temporary").fetchall() == [(1,)]


def test_empty_key_is_refused():
    con = duckdb.connect()
    with pytest.raises(ValueError):
        install_hmac_macro(con, b"")
