"""No page asks another host for anything (children's data: no third party learns who looks
at what, and the dashboard works on a network with no way out). Every request the browser
makes while each page loads and settles is recorded; all must go to the dashboard's own host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import open_app, settle
from tests.e2e.test_browser import PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def test_every_request_of_every_page_goes_to_the_dashboard_itself(page, analyst_server):
    own = urlsplit(analyst_server.url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # a request that does go out is also stopped, so a test run never reaches another host
    page.route(lambda url: urlsplit(url).netloc not in (own, ""),
               lambda route: route.abort())
    for path, heading in PAGES:
        open_app(page, analyst_server.url + path, heading)
        settle(page, quiet=700)  # fonts, icons and images load after the first draw
    assert len(requested) > 20  # the recorder saw the app's own traffic
    outside = sorted({u for u in requested
                      if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                      and urlsplit(u).netloc != own})
    assert outside == []
