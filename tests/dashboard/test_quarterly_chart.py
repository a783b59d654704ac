"""Issue 22, the quarterly series as a viewer reads it: each point is a calendar quarter,
labelled by its months ("Jan-Mar 2026") on the page's chart, its table and CSV and the
pack's chart -- never by the quarter's last month, which reads as a month; its rules are
said in quarters ("7 quarters in a row"); and a chart with nothing to draw is a sentence,
not empty axes (explorer and pack)."""

from __future__ import annotations

import io
import re
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
import streamlit as st

from dashboard import boardpack, charts, chartspec, data, scorecard, svg
from metrics import verdict as spc_verdict
from tests.dashboard.conftest import open_page
from tests.dashboard.test_chartspec import _boxes, _overlaps
from tests.support.charts import page_charts
from tests.support.charts import parse as read_charts

QUARTER = re.compile(r"^(Jan-Mar|Apr-Jun|Jul-Sep|Oct-Dec) \d{4}$")


def test_a_quarter_is_named_by_its_months():
    assert chartspec.quarter_label(pd.Timestamp("2026-03-31")) == "Jan-Mar 2026"
    assert chartspec.quarter_label(pd.Timestamp("2025-12-31")) == "Oct-Dec 2025"
    assert chartspec.quarter_label("2026-06-30") == "Apr-Jun 2026"
    assert chartspec.point_label("2026-06-30", "month") == "Jun 2026"


def _quarters(n: int, hidden: set[int] = frozenset()) -> pd.DataFrame:
    ends = pd.date_range(end="2026-09-30", periods=n, freq="QE-DEC")
    v = np.linspace(10.0, 14.0, n)
    return pd.DataFrame({
        "period_end": ends, "value": [None if i in hidden else v[i] for i in range(n)],
        "hidden": [i in hidden for i in range(n)], "mean": 12.0, "lpl": 9.0, "upl": 15.0,
        "point_type": "common_cause", "point_label": "Common Cause", "series": "quarter"})


@pytest.mark.parametrize("n", [1, 4, 15, 28, 40])
def test_the_quarterly_chart_labels_quarters_on_the_web_and_in_the_pack(n):
    frame = _quarters(n)
    spec = chartspec.xmr_spec(frame, "T", "percent")
    assert spec.step == "quarter"
    assert spec.x_tick_text and all(QUARTER.match(t) for t in spec.x_tick_text)
    assert spec.x_tick_text[-1] == "Jul-Sep 2026"  # the latest quarter, by its months
    page = read_charts(charts.xmr(frame, "T", "percent"))[0]  # the page's chart
    assert [t for t in page["texts"] if QUARTER.match(t)] == spec.x_tick_text
    assert page["tips"][-1].startswith("Jul-Sep 2026: ")  # what a hover says
    assert f"XmR chart of {n} quarters" in page["labels"][0]
    drawn = svg.xmr_chart(spec, "chart")
    texts = [b[0] for b in _boxes(drawn)]
    assert [t for t in texts if QUARTER.match(t)] == spec.x_tick_text
    assert not _overlaps(_boxes(drawn))
    # a launch marked on quarters fixes the limits on the quarters before it
    launch = chartspec.xmr_spec(frame.assign(
        baseline_kind=["fix" if i == n // 2 else None for i in range(n)],
        baseline_label=["Launch" if i == n // 2 else None for i in range(n)]), "T", "percent")
    if n > 1:
        assert launch.markers[0].words == "limits fixed on the quarters before"
        assert "Launch: limits fixed on the quarters before" in svg.xmr_chart(launch, "c")
        assert "Launch: limits fixed on the quarters before" in charts.xmr_figure(launch)
    # a monthly series keeps its months
    monthly = frame.assign(series="in_month", period_end=pd.date_range(
        end="2026-09-30", periods=n, freq="ME"))
    assert chartspec.xmr_spec(monthly, "T", "percent").x_tick_text[-1] == "Sep 2026"


def test_the_rules_of_a_quarterly_series_are_said_in_quarters():
    for label in scorecard.RULE_WORDS:
        words = scorecard.rule_text(label, "quarter")
        assert "points" not in words and "months" not in words
    assert scorecard.rule_text("7 Points Above CL", "quarter").startswith(
        "7 quarters in a row above the average")
    assert scorecard.rule_text("2 in 3 Below CL", "quarter").startswith("2 of 3 quarters")
    assert scorecard.rule_text("7 Point Trend (Increasing)", "month").startswith(
        "7 months in a row each higher")


def test_nothing_to_draw_is_said_not_drawn():
    frame = _quarters(12, hidden=set(range(12)))
    spec = chartspec.xmr_spec(frame, "T", "percent")
    assert spec.visible == 0 and chartspec.visible_points(frame) == 0
    assert chartspec.no_chart_sentence(12, "quarter") == (
        "No chart: none of the 12 quarters can be shown, because each has too few children "
        "to publish (c).")
    assert chartspec.visible_points(_quarters(12, hidden={3})) == 11


@pytest.fixture
def downloads(monkeypatch):
    got: list[tuple[str, str]] = []
    real = st.download_button

    def recording(label, data=None, *args, **kwargs):
        payload = data() if callable(data) else data
        got.append((kwargs.get("file_name", ""), payload.decode("utf-8")
                    if isinstance(payload, bytes) else str(payload)))
        return real(label, payload, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return got


def _xmr_chart(at) -> dict:
    found = [c for c in page_charts(at) if c["kind"] == "xmr"]
    assert len(found) <= 1
    return found[0] if found else {}


MONTH = re.compile(r"^[A-Z][a-z]{2} \d{4}$")


def _period_ticks(chart: dict) -> list[str]:
    """The x axis's labels: the texts drawn that name a quarter or a month."""
    return [t for t in chart["texts"] if QUARTER.match(t) or MONTH.match(t)]


def test_the_explorer_shows_a_viewer_quarters_by_their_months(use_db, poisoned_db_path, app,
                                                              downloads):
    use_db(poisoned_db_path)
    quarters = data.spc_quarterly("viewer", "cin_to_cp_neglect")
    assert len(quarters) and data.spc("viewer", "cin_to_cp_neglect")["hidden"].any()
    at = open_page(app, "views/explorer.py", indicator="cin_to_cp_neglect")
    ticks = _period_ticks(_xmr_chart(at))
    assert ticks and all(QUARTER.match(t) for t in ticks)
    assert ticks[-1] == chartspec.quarter_label(quarters["period_end"].max())
    csv = dict(downloads)["cin_to_cp_neglect-xmr.csv"]
    table = pd.read_csv(io.StringIO(csv))
    assert list(table["Quarter"]) == [chartspec.quarter_label(p)
                                      for p in quarters["period_end"]]
    assert "Quarter to" not in table.columns and "Month" not in table.columns
    # the analyst reads months, labelled as months
    use_db(poisoned_db_path, "analyst")
    downloads.clear()
    at = open_page(app, "views/explorer.py", indicator="cin_to_cp_neglect")
    ticks = _period_ticks(_xmr_chart(at))
    assert ticks and all(MONTH.match(t) for t in ticks)


@pytest.fixture
def no_quarter_shown(poisoned_db_path, tmp_path):
    """The poisoned database with every quarter of one measure hidden from a viewer."""
    db = tmp_path / "lscp.duckdb"
    shutil.copy(poisoned_db_path, db)
    with duckdb.connect(str(db)) as con:
        con.execute("update spc_quarterly set suppressed = true "
                    "where indicator_id = 'cin_to_cp_neglect'")
        con.execute("update indicator_quarterly set suppressed = true "
                    "where indicator_id = 'cin_to_cp_neglect'")
    return db


def test_no_visible_quarter_is_a_sentence_not_empty_axes(use_db, no_quarter_shown, app):
    use_db(no_quarter_shown)
    quarters = data.spc_quarterly("viewer", "cin_to_cp_neglect")
    sentence = chartspec.no_chart_sentence(len(quarters), "quarter")
    at = open_page(app, "views/explorer.py", indicator="cin_to_cp_neglect")
    assert _xmr_chart(at) == {}
    assert sentence in [i.value for i in at.info]
    verdict = [m.value for m in at.markdown if m.value.startswith("**Verdict:**")]
    assert verdict and "too few children each month to judge safely" in verdict[0]
    # the board pack: the same sentence where the chart would be, and no empty chart
    period = data.periods("monthly")[0]
    pack = boardpack.build("viewer", None, period)
    title = data.measures().set_index("indicator_id").loc["cin_to_cp_neglect", "title"]
    sections = [s.split("</section>")[0] for s in
                pack.split("<section class='lscp-indicator'")[1:] if f">{title}<" in s]
    assert sections, "the pack has the measure's own section"
    chart = sections[0].split("<div class='lscp-chart'>")[1].split("</div>")[0]
    assert sentence in chart and "<svg" not in chart


def _said(at) -> list[str]:
    """Every sentence the page shows a reader: markdown (st.write too), notes and captions."""
    return [e.value for kind in (at.markdown, at.info, at.warning, at.caption, at.text)
            for e in kind]


def test_too_few_children_is_said_once(use_db, no_quarter_shown, app):
    use_db(no_quarter_shown)
    at = open_page(app, "views/explorer.py", indicator="cin_to_cp_neglect")
    said = [s for s in _said(at) if spc_verdict.TOO_FEW in s]
    assert len(said) == 1, said
    assert said[0].startswith("**Verdict:** No verdict")


def test_no_quarter_shown_says_no_chart_shows_quarters(use_db, no_quarter_shown,
                                                       poisoned_db_path, app):
    shows = "this chart shows " + spc_verdict.EACH_QUARTER
    use_db(no_quarter_shown)
    at = open_page(app, "views/explorer.py", indicator="cin_to_cp_neglect")
    assert not [s for s in _said(at) if shows in s]
    assert any("looked at by quarter" in s for s in _said(at))
    # with quarters to show, the chart's intro says what it shows
    use_db(poisoned_db_path)
    at = open_page(app, "views/explorer.py", indicator="cin_to_cp_neglect")
    assert _xmr_chart(at)
    assert [s for s in _said(at) if shows in s]
