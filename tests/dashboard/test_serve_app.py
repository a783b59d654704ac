"""``lscp serve`` writes the server's root into each page's HTML (dashboard/base_url.py), so
a page opened at its own address does not first look for the server under that address (a
404 and a 0.1 s wait on every first load but the home page's); nothing else it serves changes."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from dashboard.base_url import MARK, OneBaseUrl, base_url_script

PAGE = ("<!DOCTYPE html><html><head><script>window.prerenderReady = false</script>"
        '<script type="module" crossorigin src="./static/js/index.js"></script></head>'
        "<body>" + "x" * 2000 + "</body></html>")


def _client() -> TestClient:
    async def page(request):
        return HTMLResponse(PAGE)

    async def script(request):
        return Response("let a = 1;" * 300, media_type="text/javascript")

    app = Starlette(routes=[Route("/static/js/index.js", script), Route("/{path:path}", page)],
                    middleware=[Middleware(OneBaseUrl), Middleware(GZipMiddleware)])
    return TestClient(app)


def test_each_page_is_told_its_path_on_the_server_before_streamlits_code():
    client = _client()
    for path in ("/", "/explorer", "/data-quality"):
        r = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == 200 and "content-encoding" not in r.headers
        html = r.content
        assert int(r.headers["content-length"]) == len(html)
        script = base_url_script(path)
        assert html.count(script) == 1 and html.index(script) < html.index(MARK), path
        assert html.replace(script, b"") == PAGE.encode()  # nothing else changed
        server_path = re.search(rb'var s="([^"]*)"', script).group(1).decode()
        assert server_path == path.rstrip("/")


def test_streamlits_own_files_are_served_as_before():
    client = _client()
    r = client.get("/static/js/index.js", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip"  # still compressed where it was
    assert r.text == "let a = 1;" * 300
    assert client.head("/explorer").status_code == 200


def test_the_script_sets_the_root_only_when_the_address_ends_with_the_servers_path():
    script = base_url_script("/explorer").decode()
    # the browser's address less the server's path: a proxy's prefix is kept
    assert "p.slice(p.length-s.length)!==s)return" in script
    assert "BACKEND_BASE_URL:location.origin+p.slice(0,p.length-s.length)+'/'" in script
    assert 'var s=""' in base_url_script("/").decode()  # the home page: the address itself
