"""The board pack as PDF, printed in-process from the same HTML as the HTML pack.

WeasyPrint: a maintained HTML/CSS-to-PDF engine in Python that needs no browser (only Pango
from the system), supports CSS Paged Media (A4, page numbers, a contents list with page
numbers) and draws SVG charts as vector graphics. It fetches nothing: every resource in the
pack is inline (``data:`` URLs) and the fetcher is allowed no other protocol.

WeasyPrint lays out and draws an SVG ``<text>`` one letter at a time (each letter may carry
its own x, y, dx, dy or rotation). The charts' labels never do: each is one string at one
point, so :func:`_one_line_svg_text` lays it out and draws it once, which took a fifth of a
pack's PDF time (27 charts, about 5,000 letters). A label with anything per letter is drawn
by WeasyPrint's own code, as is every label when its internals are not the ones this was
written against.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable

_PER_LETTER = ("dx", "dy", "rotate", "textLength", "letter-spacing", "lengthAdjust")


def _single(value: str | None) -> bool:
    return value is not None and len(value.replace(",", " ").split()) == 1


def _one_line_svg_text(original):
    """WeasyPrint's SVG ``text`` drawer with a fast path for a label that is one string at
    one point (what svg.py draws): the same style, layout, position, text-anchor box and
    colour as the letter-by-letter path, laid out and drawn once (so with the font's own
    kerning, as a browser draws it)."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.draw.text import draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import Style, TextBox
    from weasyprint.svg.utils import size
    from weasyprint.text.line_break import split_first_line

    def text(svg, node, font_size):
        element = getattr(node, "_etree_node", None)
        simple = (element is not None and node.tag == "text" and node.text and not len(element)
                  and _single(node.get("x")) and _single(node.get("y"))
                  and not any(k in node.attrib for k in _PER_LETTER)
                  and node.get("direction", "ltr") == "ltr"
                  and node.get("display-anchor") is None
                  and node.get("dominant-baseline", node.get("alignment-baseline")) is None)
        if not simple:
            return original(svg, node, font_size)
        style = Style()
        style.update(INITIAL_VALUES)
        style.font_config = svg.font_config
        style["font_family"] = [f.strip("\"'") for f in
                                node.get("font-family", "sans-serif").split(",")]
        style["font_style"] = node.get("font-style", "normal")
        weight = node.get("font-weight", 400)
        weight = {"normal": 400, "bold": 700}.get(weight, weight)
        try:
            style["font_weight"] = int(weight)
        except ValueError:
            style["font_weight"] = 400
        style["font_size"] = font_size
        layout, _, _, width, height, baseline = split_first_line(
            node.text, style, svg.context, float("inf"), 0)
        x = size(node.get("x").replace(",", " ").strip(), font_size, svg.inner_width)
        y = size(node.get("y").replace(",", " ").strip(), font_size, svg.inner_height)
        if x:
            svg.cursor_d_position[0] = 0
        if y:
            svg.cursor_d_position[1] = 0
        x_position = x + svg.cursor_d_position[0]
        y_position = y + svg.cursor_d_position[1]
        svg.cursor_position = x + width, y
        node.text_bounding_box = extend_bounding_box(
            node.text_bounding_box, ((x_position, y_position - baseline),
                                     (x_position + width, y_position - baseline + height)))
        svg.stream.push_state()
        fill, stroke = svg.set_graphical_state(node, font_size)
        svg.stream.begin_text()
        layout.reactivate(style)
        svg.fill_stroke(fill, stroke, text=True)
        box = TextBox(layout, style)
        box.baseline = baseline
        draw_first_line(svg.stream, box, "none", "none",
                        Matrix(a=1, d=-1, e=x_position, f=y_position))
        svg.stream.end_text()
        svg.stream.pop_state()

    text.original = original
    return text


def _fast_svg_text() -> None:
    """Put :func:`_one_line_svg_text` in WeasyPrint's table of SVG drawers, once; left as
    it is when WeasyPrint's internals differ from those it was written against."""
    try:
        from weasyprint import svg as wsvg

        current = wsvg.text  # draw_node tells a text node by this very function
        if getattr(current, "original", None) is not None or wsvg.TAGS["text"] is not current:
            return
        fast = _one_line_svg_text(current)
    except (ImportError, AttributeError, KeyError):
        return
    wsvg.text = fast
    for tag, drawer in list(wsvg.TAGS.items()):
        if drawer is current:
            wsvg.TAGS[tag] = fast


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

    _fast_svg_text()
    step = step or (lambda _what: None)
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    step("laying out the pages")
    document = HTML(string=svg_as_images(html), url_fetcher=fetcher,
                    media_type="print").render()
    step(f"writing {len(document.pages)} pages")
    return document.write_pdf()
