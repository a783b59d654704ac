"""The seeds files (the partnership's reference data): read, typed and checked like an
extract's file; any rejected row stops the run with a one-line reason."""

from __future__ import annotations

from pathlib import Path

from data_contracts import rules, seed_contracts
from lscp_core.errors import RunFailed
from pipelines.ingest.context import PSEUDONYM, IngestRun
from pipelines.ingest.extract import Target, parse, settle
from pipelines.ingest.readers.tabular import (
    FileRejected,
    read_file,
)


def start(run: IngestRun, seeds_dir: Path) -> list:
    """Read and type every seeds file now; their GX checks finish in finish."""
    con, jobs = run.con, []
    for name, contract in seed_contracts().items():
        path = seeds_dir / f"{name}.csv"
        label = f"seeds/{name}.csv"
        if not path.is_file():
            if contract.optional:
                continue  # its seed_ table stays empty
            raise RunFailed(f"{label}: file missing from {seeds_dir}")
        try:
            raw = read_file(con, path, contract, f"raw_seed_{name}", run.workdir)
        except FileRejected as exc:
            raise RunFailed(f"{label}: {exc}") from None
        jobs.append((label, parse(con, contract, label, raw, PSEUDONYM, run.executor, None)))
    return jobs


def finish(con, jobs) -> None:
    """Settle the seeds; any rejected row stops the run with a one-line reason."""
    for label, parsed in jobs:
        settle(con, parsed, PSEUDONYM, Target.seed(parsed.contract.name))
        checks = zip(parsed.contract.cross_file,
                     rules.cross_file_failures(parsed.contract, f"seed_{parsed.contract.name}"),
                     strict=True)
        for spec, (_rule, column, sql) in checks:
            bad = con.execute(sql.replace("l._line", "count(*)", 1)).fetchall()[0][0]
            if bad:
                where = "seeds/" + spec["references"].split(".")[0].removeprefix("seed_") + ".csv"
                raise RunFailed(f"{label}: {bad} rows with {column} not in {where}")
        first = con.execute(
            "select line, rule, \"column\", value from land_rejects where file = ? "
            "order by line limit 1", [label]).fetchall()
        if first:
            line, rule_name, column, value = first[0]
            count = con.execute("select count(*) from land_rejects where file = ?",
                                [label]).fetchall()[0][0]
            what = f"{column} {value!r}" if column else value
            raise RunFailed(f"{label}: line {line}: {what} ({rule_name})"
                            + (f" and {count - 1} more rows" if count > 1 else ""))
