"""The board pack as PDF, printed in-process from the same HTML as the HTML pack.

WeasyPrint: a maintained HTML/CSS-to-PDF engine in Python that needs no browser (only Pango
from the system), supports CSS Paged Media (A4, page numbers, a contents list with page
numbers) and draws SVG charts as vector graphics. It fetches nothing: every resource in the
pack is inline (``data:`` URLs) and the fetcher is allowed no other protocol.
"""

from __future__ import annotations

from collections.abc import Callable


def html_to_pdf(html: str, step: Callable[[str], None] | None = None) -> bytes:
    from weasyprint import HTML  # imported on use: Pango loads only when a PDF is made
    from weasyprint.urls import URLFetcher

    step = step or (lambda _what: None)
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    step("laying out the pages")
    document = HTML(string=html, url_fetcher=fetcher, media_type="print").render()
    step(f"writing {len(document.pages)} pages")
    return document.write_pdf()
