"""The pack's PDF draws each chart label once (dashboard.pdf), not letter by letter as
WeasyPrint does: the same words at the same places, anchored the same way, as WeasyPrint's
own drawing; a label with something per letter is still drawn by WeasyPrint."""

from __future__ import annotations

import io

from pypdf import PdfReader

from dashboard import chartspec, pdf, svg
from tests.dashboard.test_charts import _series

LABELS = """<svg width="400" height="120" viewBox="0 0 400 120" xmlns="http://www.w3.org/2000/svg">
<text x="20" y="30" font-size="11" font-family="Arial, Helvetica, sans-serif">Start label</text>
<text x="200" y="60" text-anchor="middle" font-size="11" fill="#d4351c">Middle label</text>
<text x="380" y="90" text-anchor="end" font-size="11" font-weight="bold">End label 12.5%</text>
<text x="14.8" y="99.0" text-anchor="middle" font-size="11"
 transform="rotate(-90 14.8 99.0)">Count</text>
<text x="10 30 50" y="110" font-size="11">abc</text>
</svg>"""


def _words(content: bytes) -> dict[str, tuple[float, float]]:
    """Each run of text the PDF draws, with where it starts (x, y in points)."""
    placed: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, *_):
        if text.strip():
            placed[text.strip()] = (round(cm[4] + tm[4] * cm[0], 0),
                                    round(cm[5] + tm[5] * cm[3], 0))
    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return placed


def _both(html: str) -> tuple[bytes, bytes]:
    from weasyprint import svg as wsvg

    pdf._fast_svg_text()
    fast = wsvg.text
    assert fast.original is not None  # the fast path is in place
    quick = pdf.html_to_pdf(html)
    wsvg.text = fast.original
    for tag, drawer in list(wsvg.TAGS.items()):
        if drawer is fast:
            wsvg.TAGS[tag] = fast.original
    try:
        slow = _weasyprint_only(html)
    finally:
        pdf._fast_svg_text()
    return quick, slow


def _weasyprint_only(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def test_chart_labels_are_drawn_once_at_the_same_places_as_weasyprint_draws_them():
    quick, slow = _both(f"<html><body>{LABELS}</body></html>")
    fast_text = PdfReader(io.BytesIO(quick)).pages[0].extract_text()
    for words in ("Start label", "Middle label", "End label 12.5%", "Count"):
        assert words in fast_text
    at, before = _words(quick), _words(slow)
    for words in ("Start label", "Middle label", "End label 12.5%"):
        # a whole label is one run; WeasyPrint's own run is its first letter
        first = next(v for k, v in before.items() if words.startswith(k))
        assert abs(at[words][0] - first[0]) <= 1 and abs(at[words][1] - first[1]) <= 1
    # letters placed one by one (an x each) are still WeasyPrint's: apart, not "abc"
    assert "a b c" in fast_text and "abc" not in fast_text


def test_a_whole_chart_prints_the_same_words_either_way():
    chart = svg.xmr_chart(chartspec.xmr_spec(_series(), "Referrals", "percent"), "chart")
    quick, slow = _both(f"<html><body>{chart}</body></html>")
    squash = [PdfReader(io.BytesIO(c)).pages[0].extract_text().replace(" ", "").replace(
        "\n", "") for c in (quick, slow)]
    assert squash[0] == squash[1] and "Processlimits" in squash[0]
    assert len(quick) < len(slow)  # one text object a label, not one a letter


def test_inline_charts_print_as_images_of_themselves_at_the_same_places():
    """The PDF is printed from the pack's HTML with each inline chart as an <img> of the
    same SVG (no HTML cascade over its nodes): the same words at the same places."""
    chart = svg.xmr_chart(chartspec.xmr_spec(_series(), "Referrals", "percent"), "Chart label")
    html = (f"<html><body><p>Before</p><div style='width:50%'>{chart}</div><p>After</p>"
            "</body></html>")
    printed = pdf.svg_as_images(html)
    assert "<svg" not in printed and printed.count("<img") == 1
    assert 'alt="Chart label"' in printed and "width:100%;height:auto;max-width:" in printed
    assert pdf.svg_as_images("<p>no chart</p>") == "<p>no chart</p>"
    nested = "<svg><svg></svg></svg>"
    assert pdf.svg_as_images(nested) == nested  # left inline, not cut in half
    from weasyprint import HTML

    pdf._fast_svg_text()
    inline = _words(HTML(string=html).write_pdf())
    as_image = _words(HTML(string=printed).write_pdf())
    assert inline == as_image and "Process limits" in inline and "After" in inline
