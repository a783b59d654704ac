"""A page opened at its own address in a new tab connects to the server at once: no request
fails on the way (Streamlit's page used to ask ``/<page>/_stcore/health`` first, get a 404 and
wait 0.1 s before asking the server's root), and the page works as before."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_app
from tests.e2e.test_browser import PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def test_every_page_opened_in_a_new_tab_asks_nothing_that_fails(browser, viewer_server):
    for path, heading in PAGES:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            tab = context.new_page()
            failed: list[str] = []
            asked: list[str] = []
            tab.on("request", lambda r, asked=asked: asked.append(r.url))
            tab.on("response", lambda r, failed=failed: r.status >= 400 and failed.append(
                f"{r.status} {r.url}"))
            open_app(tab, viewer_server.url + path, heading)
            tab.wait_for_timeout(300)
            assert failed == [], path
            health = [u for u in asked if u.endswith("/_stcore/health")]
            assert health == [viewer_server.url + "/_stcore/health"], path
            # the page still runs: the sidebar's links lead to the other pages
            assert tab.get_by_role("link", name="About").count() >= 1
        finally:
            context.close()
