"""The disclosure audit alone, timed per audience, on a run's working database.

    python -m tests.bench.audit_bench DB.work [--threshold 5] [--pooled]

DB.work is the pipeline's working database after a run (``<db>.work``): its published tables
(``indicator_values``, ``indicator_breakdowns``, ``indicator_monthly``, ``manual_values``)
hold the flags as primary and rule-by-rule secondary suppression left them when the run had
``[disclosure] audit = false``, so this is the audit's input exactly. The tables are copied
into memory (the file is only read) and the audit with its complements runs on them: CPU time
per audience (a champion's in its worker process, when they run side by side) and in all, the
rounds, and the cells hidden before and after (per table). With
``--pooled``: each pair of champions pooling their views, exposed cells per pair.
"""

from __future__ import annotations

import argparse
import os
import time

import duckdb

TABLES = ("indicator_values", "indicator_breakdowns", "indicator_monthly", "manual_values",
          "seed_manual_measures", "indicator_catalogue")


def main(argv: list[str] | None = None) -> None:
    from metrics import disclosure_audit as da
    from metrics.disclosure import count_families

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--threshold", type=int, default=5)
    parser.add_argument("--pooled", action="store_true")
    args = parser.parse_args(argv)
    con = duckdb.connect()
    con.execute("attach ? as w (read_only)", [args.db])
    present = {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = 'w'").fetchall()}
    for table in TABLES:
        if table in present:
            con.execute(f"create table {table} as select * from w.{table}")
    con.execute("detach w")
    wall, cpu = time.perf_counter(), time.process_time()
    workers = os.times().children_user + os.times().children_system
    p = da.Published(con, args.threshold, count_families(con))
    read = time.process_time() - cpu
    before = p.rows["suppressed"].to_numpy().copy()
    result, added = da.complete(p)
    print(f"cells {len(p.cells):,}, relations {len(p.sense):,}; reading them {read:.2f} s CPU")
    print(f"{result.summary()}; {result.rounds} rounds; complements {added:,}")
    for a in result.audiences:
        print(f"  {a.audience:<28} {a.seconds:7.2f} s CPU  hidden {a.hidden:>7,}  "
              f"exposed {len(a.exposed)}")
    children = os.times()
    print(f"audit in all: {time.process_time() - cpu:.2f} s CPU here + "
          f"{children.children_user + children.children_system - workers:.2f} s CPU in "
          f"workers, {time.perf_counter() - wall:.2f} s wall")
    rows = p.rows.assign(before=before)
    print(rows.groupby("table").agg(rows=("suppressed", "size"), hidden_before=("before", "sum"),
                                    hidden_after=("suppressed", "sum")).to_string())
    if args.pooled:
        started = time.process_time()
        pooled = da.pool_champions(p, da.Solver(p))
        print(f"two champions pooling: {pooled} ({time.process_time() - started:.2f} s CPU)")


if __name__ == "__main__":
    main()
