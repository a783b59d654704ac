"""A 100 MB Windows-1252 CSV is streamed: bounded memory, every row counted."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import duckdb
import pytest

from tests.support.samples import HEADERS, write_seeds

ROWS = 500_000


@pytest.mark.slow
def test_100_mb_windows_1252_csv_is_streamed(tmp_path):
    inbox, seeds = tmp_path / "inbox", write_seeds(tmp_path / "seeds")
    inbox.mkdir()
    utf8 = tmp_path / "children.utf8.csv"
    notes = "Zoë £ café " * 15  # a wide extra column, outside ASCII
    con = duckdb.connect()
    con.execute(
        f"copy (select 'C' || lpad(i::varchar, 8, '0') as child_id, "
        f"'2015-01-01' as date_of_birth, '' as expected_date_of_birth, "
        f"case when i % 100000 = 7 then 'Q' else 'M' end as sex, 'WBRI' as ethnicity, "
        f"'N' as disability, 'NS1 4AB' as postcode, '' as upn, '{notes}' as notes "
        f"from range({ROWS}) t(i)) to '{utf8}' (header, delimiter ',')")
    con.close()
    target = inbox / "children_big.csv"
    with open(utf8, encoding="utf-8") as src, open(target, "w", encoding="cp1252") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    utf8.unlink()
    assert target.stat().st_size > 100_000_000
    assert (inbox / "children_big.csv").read_bytes()[:len(HEADERS["children"])].decode() == \
        HEADERS["children"]
    script = textwrap.dedent(f"""
        import datetime as dt, json, resource, duckdb
        from pathlib import Path
        from pipelines.ingest import ingest
        con = duckdb.connect()
        r = ingest(con, Path({str(inbox)!r}), Path({str(seeds)!r}), run_id="big", key=b"k",
                   run_date=dt.date(2025, 6, 30), previous=None)
        row = [x for x in r.reports if x["extract"] == "children"][0]
        print(json.dumps({{"read": row["rows_read"], "loaded": row["rows_loaded"],
            "quarantined": row["rows_quarantined"],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["read"] == ROWS
    assert figures["quarantined"] == ROWS // 100_000  # the 'Q' sexes
    assert figures["loaded"] == ROWS - figures["quarantined"]
    # the file is 100 MB; Python objects per row would need several GB
    assert figures["peak_mb"] < 1500, figures
