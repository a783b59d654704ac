"""``lscp validate``: run the data contracts over an inbox and print the report; loads nothing.

The same ingest runs in an in-memory DuckDB with a random per-process key (nothing is kept,
so the key need not be configured). Child ids are never printed, not even pseudonymised:
the file and line are what an analyst needs to fix a row. Great Expectations is imported
here lazily (never by the dashboard).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys
from pathlib import Path

from data_contracts import extract_contracts
from lscp_core.errors import RunFailed
from pipelines.ingest.report import files_failed

SHOW_ROWS = 20


def validate_inbox(inbox: Path, seeds_dir: Path, run_date: dt.date | None = None,
                   la_code: str | None = None) -> dict:
    """Check every extract and seeds file; return a plain dict report (JSON-ready)."""
    import duckdb

    from pipelines.ingest import ingest

    con = duckdb.connect()
    run_id = "validate-" + dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    try:
        result = ingest(con, Path(inbox), Path(seeds_dir), run_id=run_id,
                        key=secrets.token_bytes(32), run_date=run_date or dt.date.today(),
                        previous=None, la_code=la_code)
    except RunFailed as exc:  # a broken seeds file
        return {"inbox": str(inbox), "seeds": str(seeds_dir), "ok": False, "files": [],
                "file_failures": [str(exc)], "quarantine_counts": [], "quarantine": [],
                "summary": [f"FAILED {exc}"]}
    hidden = {(c.name, col.name) for c in extract_contracts().values()
              for col in c.columns if col.pseudonymise}
    rows = con.execute(
        "select extract, file, line, rule, \"column\", value from quarantine "
        "where run_id = ? order by extract, file, line", [run_id]).fetchall()
    quarantine = [
        {"extract": e, "file": f, "line": ln, "rule": r, "column": c,
         "value": "<child id>" if (e, c) in hidden and v is not None else v}
        for e, f, ln, r, c, v in rows
    ]
    counts = [{"extract": e, "rule": r, "rows": n} for e, r, n in result.top_rules]
    files = [{k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v)
              for k, v in r.items() if k != "run_id"} for r in result.reports]
    con.close()
    return {"inbox": str(inbox), "seeds": str(seeds_dir), "ok": not result.file_failures,
            "files": files, "file_failures": result.file_failures,
            "quarantine_counts": counts, "quarantine": quarantine,
            "summary": result.summary_lines(dry_run=True)}


def validate_command(inbox: Path, seeds: Path, fmt: str = "text", out=None,
                     la_code: str | None = None) -> int:
    """Print the report; exit code 1 when any file-level failure was found, else 0."""
    out = out or sys.stdout
    report = validate_inbox(inbox, seeds, la_code=la_code)
    if fmt == "json":
        json.dump(report, out, indent=2, default=str)
        out.write("\n")
    else:
        print(f"lscp validate {report['inbox']} (seeds: {report['seeds']})", file=out)
        for line in report["summary"]:
            print(line, file=out)
        shown = report["quarantine"][:SHOW_ROWS]
        if shown:
            print(f"quarantined rows (first {len(shown)} of {len(report['quarantine']):,}):",
                  file=out)
            for q in shown:
                where = f"{q['file']} line {q['line']}"
                value = "(blank)" if q["value"] is None else repr(q["value"])
                what = f"{q['column']} {value}" if q["column"] else q["value"]
                print(f"  {where}: {q['rule']}: {what}", file=out)
        print("OK: no file-level failures" if report["ok"] else
              f"FAILED: {files_failed(len(report['file_failures']))}", file=out)
    return 0 if report["ok"] else 1
