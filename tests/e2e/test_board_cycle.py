"""The meeting cycle in Chromium: an analyst writes commentary and an action, a restricted
viewer of the same database sees both and cannot edit; the scorecard and the exception report
read top to bottom on a phone (390 px) and an upright tablet (768 px)."""

from __future__ import annotations

import pytest

from tests.dashboard import fake_db
from tests.e2e.conftest import OWN_SERVERS, Server, open_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(OWN_SERVERS)]

# every element that scrolls sideways (or the page itself); tables (Streamlit's data grids,
# our plain ones) are left out: they are collapsed in "View as table" and scroll on purpose
OVERFLOW_JS = """() => {
  const out = [];
  const doc = document.scrollingElement;
  if (doc.scrollWidth > window.innerWidth + 1) out.push('page ' + doc.scrollWidth);
  for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
    if (el.closest('[data-testid="stDataFrame"], .lscp-static-table') || !el.offsetParent)
      continue;
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      out.push((el.className || el.tagName) + ' ' + el.scrollWidth + '>' + el.clientWidth);
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > window.innerWidth + 1)
      out.push('past the edge: ' + (el.className || el.tagName) + ' ' + Math.round(box.right)
               + ' ' + (el.textContent || '').slice(0, 60));
  }
  return out.slice(0, 10);
}"""


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A viewer and an analyst server over the same database and commentary store."""
    work = tmp_path_factory.mktemp("cycle")
    db = fake_db.build(work / "lscp.duckdb")
    servers = {}
    try:
        for role in ("analyst", "viewer"):
            config = work / f"{role}.toml"
            config.write_text(f'[dashboard]\ndefault_role = "{role}"\n'
                              f'commentary_db = "{work / "notes.sqlite"}"\n', encoding="utf-8")
            servers[role] = Server(db, work, config)
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def test_an_analyst_writes_and_a_restricted_viewer_reads_but_cannot_edit(page, shared):
    analyst, viewer = shared["analyst"].url, shared["viewer"].url
    open_app(page, analyst + "/commentary", "Commentary and actions")
    page.get_by_label("Your commentary", exact=False).fill(
        "Referrals fell after the **front door** review")
    page.get_by_role("button", name="Save commentary").click()
    page.get_by_text("Commentary saved (version 1)").wait_for(timeout=30_000)
    page.get_by_label("Action", exact=True).fill("Report on front door decisions")
    page.get_by_role("button", name="Save action").click()
    page.get_by_text("Action 1 saved").wait_for(timeout=30_000)

    open_app(page, viewer + "/commentary", "Commentary and actions")
    page.get_by_text("front door", exact=False).first.wait_for(timeout=30_000)
    assert page.locator("strong", has_text="front door").count() >= 1  # Markdown rendered
    assert page.get_by_text("Report on front door decisions").count() >= 1
    assert page.get_by_role("button", name="Save commentary").count() == 0
    assert page.get_by_role("button", name="Save action").count() == 0
    assert page.locator("textarea").count() == 0
    assert page.get_by_text("Only analysts can write").count() == 1
    open_app(page, viewer + "/", "Board scorecard")
    page.get_by_text("Referrals fell after the", exact=False).first.wait_for(timeout=30_000)


@pytest.mark.parametrize("width", [390, 768])
@pytest.mark.parametrize(("path", "heading", "drawn"), [
    ("/", "Board scorecard", "table.lscp-scorecard"),
    ("/exceptions", "Exception report", "[data-testid='stExpander']")])
def test_reads_top_to_bottom_without_sideways_scrolling(browser, shared, width, path, heading,
                                                        drawn):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_app(page, shared["viewer"].url + path, heading)
        page.locator(drawn).first.wait_for(timeout=30_000)  # the page's table is drawn
        overflow = page.evaluate(OVERFLOW_JS)
        for _ in range(20):  # Streamlit lays the columns out again as the page settles
            if not overflow:
                break
            page.wait_for_timeout(300)
            overflow = page.evaluate(OVERFLOW_JS)
        assert overflow == []
    finally:
        context.close()
