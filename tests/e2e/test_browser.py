"""End to end in Debian's chromium: navigation, downloads, suppression and axe-core."""

from __future__ import annotations

import csv
import io
import re

import pytest

from dashboard import pages
from tests.dashboard import fake_db
from tests.e2e.conftest import open_app, settle

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

PAGES = [(p.url, p.heading) for p in pages.PAGES]  # the app's own registry


def test_scorecard_links_to_the_explorer(page, viewer_server):
    open_app(page, viewer_server.url + "/", "Board scorecard")
    assert page.get_by_role("button", name="Deploy").count() == 0  # toolbarMode = viewer
    assert page.title() == "Board scorecard · Neglect strategy dashboard"
    page.get_by_role("link", name="Re-referrals within 12 months").first.click()
    page.get_by_role("heading", name="Indicator explorer", level=1).wait_for(timeout=30_000)
    assert "indicator=rereferral" in page.url
    assert page.title().startswith("Indicator explorer")
    page.get_by_role("heading", name="Agencies").wait_for(timeout=30_000)
    assert page.get_by_text("Re-referrals within 12 months").count() >= 1


def test_download_the_figures_csv(page, viewer_server):
    open_app(page, viewer_server.url + "/explorer?indicator=rereferral", "Indicator explorer")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the figures (CSV)").click()
    download = info.value
    assert download.suggested_filename == "rereferral-by-locality.csv"
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, as Excel wants
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    # numbers unquoted: a numeric cell is bare digits in the file
    assert '"' not in raw.decode("utf-8-sig").splitlines()[1]
    assert rows and set(rows[0]) == {"Period end", "Locality", "Numerator", "Denominator",
                                     "Value"}
    assert {r["Locality"] for r in rows} >= {"All", "North", "Unknown"}
    hidden = [r for r in rows if r["Value"] == "c"]
    assert hidden, "the fake database has suppressed cells for this indicator"
    assert all(r["Numerator"] == "c" and r["Denominator"] == "c" for r in hidden)
    text = open(download.path(), encoding="utf-8").read()
    assert str(fake_db.SENTINEL_NUM) not in text and "42403" not in text


def _heatmap_c_cells(page, url: str) -> int:
    open_app(page, url + "/localities", "Localities")
    page.locator(".lscp-chart svg").first.wait_for(timeout=30_000)
    return page.locator(".lscp-chart[data-kind=heatmap] svg text").filter(
        has_text=re.compile(r"^c$")).count()


def test_viewer_sees_c_and_analyst_sees_figures(page, viewer_server, analyst_server):
    assert _heatmap_c_cells(page, viewer_server.url) > 0
    assert _heatmap_c_cells(page, analyst_server.url) == 0
    open_app(page, viewer_server.url + "/", "Board scorecard")
    page.get_by_text("shown as").first.wait_for()
    open_app(page, viewer_server.url + "/explorer?indicator=cin_to_cp_neglect",
             "Indicator explorer")
    # the first visible one: an expander further down the page may be collapsed or hidden
    page.get_by_text("View as table").locator("visible=true").first.click()
    table = page.locator(".lscp-static-table table").locator("visible=true").first
    table.wait_for()
    body = page.content()
    assert "42,403" not in body and "42403" not in body
    open_app(page, analyst_server.url + "/", "Board scorecard")
    page.get_by_text("Analyst view").first.wait_for()


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_axe_no_serious_or_critical_violations(page, viewer_server, path, heading):
    from axe_playwright_python.sync_playwright import Axe

    open_app(page, viewer_server.url + path, heading)
    settle(page)  # charts finish drawing
    results = Axe().run(page)
    bad = [v for v in results.response["violations"]
           if v.get("impact") in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                       f"{[n['target'] for n in v['nodes']][:4]}" for v in bad)
    assert not bad, report


def test_board_pack_download_is_self_contained(page, viewer_server):
    open_app(page, viewer_server.url + "/", "Board scorecard")
    # no pack kept for this database (not published by `lscp run`): built with a progress bar
    page.get_by_role("button", name="Prepare the board pack").click()
    page.get_by_role("button", name="Download the board pack (HTML)").wait_for(timeout=180_000)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the board pack (HTML)").click()
    download = info.value
    assert download.suggested_filename.startswith("board-pack-all-")
    html = open(download.path(), encoding="utf-8").read()
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html
    assert "<script" not in html.lower() and "<link" not in html.lower()
    manual = (fake_db.SEEDS / "manual_measures.csv").read_text().strip().count("\n")
    assert html.count("<section class='lscp-indicator' ") == (
        len(fake_db.CATALOGUE) - len(fake_db.context_only()) + manual)
    assert ">c<" in html and "42403" not in html and "42,403" not in html
    with page.expect_download(timeout=180_000) as info:
        page.get_by_role("button", name="Download the board pack (PDF)").click()
    pdf = open(info.value.path(), "rb").read()
    assert info.value.suggested_filename.endswith(".pdf") and pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert "Exception report" in text and "42,403" not in text and "42403" not in text


def test_an_analysts_download_is_audited_and_a_viewers_is_not(page, viewer_server,
                                                              analyst_server):
    from lscp_core import audit

    def downloads(server) -> list[dict]:
        return [e for e in audit.read(audit.audit_path(server.db))
                if e["action"] == "csv_download"]

    before = len(downloads(analyst_server))
    open_app(page, analyst_server.url + "/explorer?indicator=rereferral", "Indicator explorer")
    with page.expect_download():
        page.get_by_role("button", name="Download the figures (CSV)").click()
    entries = downloads(analyst_server)
    assert len(entries) == before + 1
    assert entries[-1]["role"] == "analyst"
    assert entries[-1]["indicator"] == "rereferral-by-locality.csv"
    open_app(page, viewer_server.url + "/explorer?indicator=rereferral", "Indicator explorer")
    with page.expect_download():
        page.get_by_role("button", name="Download the figures (CSV)").click()
    assert downloads(viewer_server) == []
