"""`make bench` reads the stages of `lscp run` from its progress lines: each role's pack line
(its figures and HTML, then its PDF) is reported beside the stages, never added to them."""

from __future__ import annotations

from tests.bench.run_bench import stage_lines, stage_seconds

OUTPUT = """\
[run] 20261207T150937.022Z-5e9f: building lscp.duckdb.building beside lscp.duckdb
[ingest] reading inbox
[ingest] 3,433,581 rows loaded, 0 quarantined (9.3s)
[metrics] 65,324 indicator values as at 2026-11-30 (6.6s)
[spc] 1,476 SPC points (2.8s)
[check] 9 tables checked, 1 runs in history (0.2s)
[publish] swapped in lscp.duckdb in 15.1 ms (0.3s)
[pack] viewer pack for November 2026: figures and HTML 2.4 s, PDF 6.9 s, 37 pages
[pack] board pack for November 2026: figures and HTML 2.2 s, PDF 7.1 s, 37 pages
[pack] the newest month's packs (viewer, board; PDF and HTML) kept in x (9.6s)
"""


def test_stages_are_counted_once_and_role_lines_are_not_stages():
    seconds = stage_seconds(OUTPUT)
    assert seconds == {"ingest": 9.3, "metrics": 6.6, "spc": 2.8, "check": 0.2,
                       "publish": 0.3, "pack": 9.6}
    assert not any("pages" in ln for ln in stage_lines(OUTPUT))
