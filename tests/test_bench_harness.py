"""A smoke test of the page-timing harness (the bench itself is not part of `make test`)."""

from __future__ import annotations

import io

from tests.bench import browser_bench, pack_bench


def test_percentile_is_the_nearest_rank():
    values = [0.1 * n for n in range(1, 21)]
    assert browser_bench.percentile(values, 50) == values[10]
    assert browser_bench.percentile(values, 95) == values[18]
    assert browser_bench.percentile([3.0], 95) == 3.0


def test_report_names_a_page_over_either_target():
    fast, out = {"start": 2.0, "first": {"": [0.9, 1.0, 1.1]}, "change": {"": [0.2, 0.3]}}, \
        io.StringIO()
    assert browser_bench.report(fast, out)
    assert "met on every page" in out.getvalue()
    slow_change = {"start": 2.0, "first": {"about": [0.9]}, "change": {"about": [0.2, 0.7]}}
    out = io.StringIO()
    assert not browser_bench.report(slow_change, out)
    assert "/about" in out.getvalue() and "OVER TARGET" in out.getvalue()


def test_report_takes_each_pages_best_rounds_p95():
    # a busy moment fell on the first round: the page's p95 is its best round's
    rounds = {"start": 2.0, "first": {"": [[4.0, 1.0, 1.1], [1.2, 1.0, 1.1], [1.3, 1.4, 1.2]]},
              "change": {"": [[0.9, 0.3], [0.2, 0.3], [0.4, 0.4]]}}
    out = io.StringIO()
    assert browser_bench.best_p95(rounds["first"][""]) == 1.2
    assert browser_bench.best_p95(rounds["change"][""]) == 0.3
    assert browser_bench.report(rounds, out)
    text = out.getvalue()
    assert "best of 3 rounds' p95" in text and "first load (fresh tab)" in text
    assert "page change" in text and "9/6" in text
    every_round_slow = {"start": 2.0, "first": {"": [[1.6, 1.0], [1.7, 1.0]]},
                        "change": {"": [[0.2], [0.2]]}}
    out = io.StringIO()
    assert not browser_bench.report(every_round_slow, out)
    assert "OVER TARGET" in out.getvalue()


def test_report_breaks_a_first_load_down():
    figures = {"start": 2.0, "first": {"explorer": [[1.0, 1.2]]},
               "change": {"explorer": [[0.3]]},
               "parts": {"explorer": [(0.3, 0.1, 0.2, 0.4), (0.5, 0.1, 0.2, 0.6)]}}
    out = io.StringIO()
    browser_bench.report(figures, out)
    row = [ln for ln in out.getvalue().splitlines()[-3:] if ln.startswith("/explorer")][0]
    assert row.split()[1:] == ["0.40", "0.10", "0.20", "0.50"]
    assert "server runs the page" in out.getvalue()


def test_every_page_is_timed_to_its_own_heading_and_content():
    assert set(browser_bench.PAGES) == {"", "explorer", "localities", "data-quality",
                                        "commentary", "exceptions", "agency", "strategies",
                                        "about"}
    assert all(len(v) == 3 and all(v) for v in browser_bench.PAGES.values())
    assert "notRunning" in browser_bench.LOADED_JS  # loaded means the script has finished


def test_pack_report_fails_when_nothing_was_kept(capsys):
    figures = {"served": None, "served_pages": 0, "newest": "November 2026",
               "other": "October 2026", "built": 4.0, "html": 1.5, "pdf": 2.5, "built_pages": 28, "steps": []}
    assert not pack_bench.report(figures)
    assert "NOT KEPT" in capsys.readouterr().out
    assert pack_bench.report(figures | {"served": 0.01, "served_pages": 28})
