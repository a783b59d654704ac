"""The pack's PDF prints its inline charts as images of the same SVG (dashboard.pdf): the
same words at the same places as the inline drawing, without WeasyPrint's HTML cascade over
every chart node."""

from __future__ import annotations

import io

from pypdf import PdfReader

from dashboard import chartspec, pdf, svg
from tests.dashboard.test_charts import _series


def _words(content: bytes) -> dict[str, tuple[float, float]]:
    """Each run of text the PDF draws, with where it starts (x, y in points)."""
    placed: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, *_):
        if text.strip():
            placed[text.strip()] = (round(cm[4] + tm[4] * cm[0], 0),
                                    round(cm[5] + tm[5] * cm[3], 0))
    PdfReader(io.BytesIO(content)).pages[0].extract_text(visitor_text=visit)
    return placed


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

    inline = _words(HTML(string=html).write_pdf())
    as_image = _words(HTML(string=printed).write_pdf())
    assert inline == as_image and "Process limits" in inline and "After" in inline
