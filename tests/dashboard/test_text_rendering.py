"""File- and data-supplied strings show as text: a crafted inbox file name must not become a
link, an image, HTML or an icon on any page."""

from __future__ import annotations

import shutil

import duckdb
from markdown_it import MarkdownIt

from dashboard.formatting import as_text
from tests.dashboard.conftest import open_page

CRAFTED = ("[click me](https://evil.example/x) <img src=x onerror=alert(1)> **bold** "
           ":material/warning: :red[red] $x^2$ `code` # heading _under_ ![i](https://e.example/i.png)")


def _render(markdown: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).render(markdown)


def test_as_text_renders_to_the_same_text_with_no_markup():
    html = _render(as_text(CRAFTED))
    assert "<a " not in html and "<img" not in html and "<strong>" not in html
    assert "<em>" not in html and "<code>" not in html and "<h1>" not in html
    # what a reader sees is the string as sent (HTML-escaped by the renderer)
    assert html == "<p>" + (CRAFTED.replace("&", "&amp;")
                                                  .replace("<", "&lt;").replace(">", "&gt;")
                                                  .replace('"', "&quot;")) + "</p>\n"
    # and the unescaped string would have made a link and an image: the check can fail
    raw = _render(CRAFTED)
    assert "<a href" in raw and "<img" in raw


def test_a_crafted_file_name_on_the_data_quality_page_is_text(app, use_db, fake_db_path,
                                                             tmp_path):
    db = tmp_path / "crafted.duckdb"
    shutil.copy2(fake_db_path, db)
    con = duckdb.connect(str(db))
    try:
        con.execute("update load_report set status = 'failed', file = ?, message = ? "
                    "where extract = 'children'", [CRAFTED + ".csv", "empty file <b>x</b>"])
        con.execute("checkpoint")
    finally:
        con.close()
    use_db(db)
    at = open_page(app, "views/data_quality.py")
    shown = [e.value for e in at.error if "was not loaded" in e.value]
    assert len(shown) == 1
    html = _render(shown[0])
    assert "<a " not in html and "<img" not in html and "<b>" not in html
    assert "[click me](https://evil.example/x)" in html  # the name is there, as text
