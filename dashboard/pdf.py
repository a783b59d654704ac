"""The board pack as PDF, printed in-process from the same HTML as the HTML pack.

WeasyPrint: a maintained HTML/CSS-to-PDF engine in Python that needs no browser (only Pango
from the system), supports CSS Paged Media (A4, page numbers, a contents list with page
numbers) and draws SVG charts as vector graphics. It fetches nothing: every resource in the
pack is inline (``data:`` URLs) and the fetcher is allowed no other protocol.

"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

_SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)
_ATTR = re.compile(r'\s([a-z-]+)="([^"]*)"')


def _as_image(match: re.Match) -> str:
    """An inline ``<svg>`` as an ``<img>`` of the same drawing, size and words (its label as
    the alt text); the svg itself when it holds another one."""
    drawing = match.group(0)
    if "<svg" in drawing[4:]:
        return drawing
    head = dict(_ATTR.findall(drawing[:drawing.index(">")]))
    if "xmlns" not in head:
        drawing = drawing.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"', 1)
    size = (f"width:{head['width']};height:auto;" if head.get("width", "").endswith("%")
            else "")
    encoded = base64.b64encode(drawing.encode("utf-8")).decode("ascii")
    return (f'<img src="data:image/svg+xml;base64,{encoded}" alt="{head.get("aria-label", "")}"'
            f' style="{size}{head.get("style", "")}">')


def svg_as_images(html: str) -> str:
    """The pack's HTML for print, its inline charts as images of themselves. WeasyPrint
    styles every element of an inline SVG as HTML (the cascade over some 1,800 chart nodes)
    before it draws them as an image anyway; an ``<img>`` of the same SVG skips that (a
    sixth of the pack's PDF time) and prints the same page."""
    return _SVG.sub(_as_image, html)


def html_to_pdf(html: str, step: Callable[[str], None] | None = None) -> bytes:
    from weasyprint import HTML  # imported on use: Pango loads only when a PDF is made
    from weasyprint.urls import URLFetcher

    step = step or (lambda _what: None)
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    step("laying out the pages")
    document = HTML(string=svg_as_images(html), url_fetcher=fetcher,
                    media_type="print").render()
    step(f"writing {len(document.pages)} pages")
    return document.write_pdf()
