"""Each page's HTML told where the server's root is (``OneBaseUrl``, ASGI middleware that
``dashboard/serve_app.py`` puts in front of the app).

A page opened at its own address (``/explorer``) does not know where the server's root is:
Streamlit's page first asks ``/explorer/_stcore/health``, gets a 404, waits 0.1 s and then
asks ``/_stcore/health``. Every first load of every page but the home page paid for that.
``OneBaseUrl`` writes the root into the page's HTML (``window.__streamlit.BACKEND_BASE_URL``,
Streamlit's own setting for it), worked out in the browser from the address it was opened at
and the path the server was asked for, so a proxy that serves the dashboard under a prefix of
its own still works. Nothing else changes: the same config, routes and files.
"""

from __future__ import annotations

import json

MARK = b'<script type="module"'
# what is never a page's address: Streamlit's own routes and files
NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/auth/",
             "/oauth2callback")


def base_url_script(server_path: str) -> bytes:
    """The script that tells Streamlit's page where the server's root is: the address the
    browser opened, less the page's path on the server (``server_path``); when they do not
    match (an address rewritten on the way), nothing is set and Streamlit looks for itself."""
    return ("<script>(function(){var s=" + json.dumps(server_path.rstrip("/"))
            + ",p=location.pathname.replace(/\\/+$/,'');"
            "if(p.slice(p.length-s.length)!==s)return;"
            "window.__streamlit=Object.assign({},window.__streamlit,"
            "{BACKEND_BASE_URL:location.origin+p.slice(0,p.length-s.length)+'/'});"
            "})();</script>").encode("utf-8")


def _page_path(path: str) -> str:
    """The request's path under the server's own ``server.baseUrlPath`` (if set)."""
    from streamlit import config

    base = "/" + (config.get_option("server.baseUrlPath") or "").strip("/")
    if base != "/" and (path == base or path.startswith(base + "/")):
        path = path[len(base):] or "/"
    return path


class OneBaseUrl:
    """ASGI middleware: the app's HTML page gets ``base_url_script`` before Streamlit's code."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        body: list[bytes] = []
        if not _page_path(scope["path"]).startswith(NOT_PAGES):
            # a page's address: its HTML uncompressed (8 KB, as Streamlit sends the home
            # page's), so that the script can be written into it
            scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers", [])
                                          if k.lower() != b"accept-encoding"]}

        async def sending(message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if (message.get("status") == 200
                        and headers.get(b"content-type", b"").startswith(b"text/html")
                        and b"content-encoding" not in headers):
                    start = message  # the page: held until its body is complete
                    return
                await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                html = b"".join(body)
                if MARK in html and scope["method"] == "GET":
                    html = html.replace(MARK, base_url_script(_page_path(scope["path"]))
                                        + MARK, 1)
                headers = [(k, v) for k, v in start.get("headers", [])
                           if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(html)).encode("ascii")))
                if scope["method"] == "HEAD":
                    headers = start.get("headers", [])
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": html, "more_body": False})
            else:
                await send(message)

        await self.app(scope, receive, sending)
