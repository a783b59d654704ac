"""`lscp pack` writes the board pack as PDF: A4, page numbers, contents, the exception report
first, every table column, commentary and actions, tables that fit A4 portrait, and a kept
copy with an index line; an unsuppressed pack is audited."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from html.parser import HTMLParser

import duckdb
import pytest
from pypdf import PdfReader

from lscp_cli.main import main
from lscp_core import audit, packs
from lscp_core import commentary as store
from tests.dashboard import fake_db

pytestmark = pytest.mark.xdist_group("pack_pdf")
A4 = (595.28, 841.89)  # points
PARTNERSHIP = "Northshire Safeguarding Children Partnership"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pack")
    db = fake_db.build(folder / "lscp.duckdb")
    config = folder / "lscp.toml"
    config.write_text(f'[dashboard]\npartnership = "{PARTNERSHIP}"\n', encoding="utf-8")
    notes = store.store_path(db)
    # commentary on a measure the fake database lists as an exception (red RAG), with markup
    store.save_comment(notes, "cp_repeat", "2025-09", "Audit found **late reviews** "
                       "<script>alert(1)</script>", "ana", 0)
    store.save_action(notes, action="Re-audit repeat plans", owner="LA",
                      due_date=dt.date(2025, 1, 31), status="In progress",
                      indicators=["cp_repeat"], meeting="2025-12-10 Board", author="ana")
    saved = {k: os.environ.get(k) for k in ("LSCP_DB", "LSCP_CONFIG")}
    try:
        out = folder / "pack.pdf"
        code = main(["--config", str(config), "pack", "--db", str(db), "--month", "2025-09",
                     "--out", str(out)])
        html_out = folder / "pack.html"
        html_code = main(["--config", str(config), "pack", "--db", str(db), "--month",
                          "2025-09", "--out", str(html_out), "--unsuppressed"])
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert (code, html_code) == (0, 0)
    reader = PdfReader(out)
    return {"db": db, "out": out, "html": html_out.read_text(encoding="utf-8"),
            "reader": reader, "pages": [p.extract_text() for p in reader.pages]}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_page_is_a4_portrait_and_numbered(made):
    pages = made["pages"]
    assert len(pages) > 5
    for n, page in enumerate(made["reader"].pages, start=1):
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == \
            (round(A4[0], 1), round(A4[1], 1))
        assert f"Page {n} of {len(pages)}" in pages[n - 1]


def test_first_page_names_partnership_month_load_date_and_exceptions(made):
    con = duckdb.connect(str(made["db"]), read_only=True)
    built = dict(con.execute("select key, value from meta").fetchall())["built_at"]
    con.close()
    loaded = dt.datetime.fromisoformat(built)
    first = made["pages"][0]
    assert PARTNERSHIP in first and "September 2025" in first
    assert f"Data last loaded on {loaded.day} {loaded:%B %Y}" in " ".join(first.split())
    assert "Exceptions" in first and "Second or subsequent CP plans" in first
    assert built not in first  # a date in words, not a timestamp


def test_summary_and_contents_first_then_the_exception_report(made):
    first = " ".join(made["pages"][0].split())
    assert "Contents" in first and "Summary" in first
    contents = first.split("Contents", 1)[1]
    order = re.findall(r"([A-Z][A-Za-z ]+?) p\. \d+", contents)
    assert order[:2] == ["Summary", "Exception report"]
    starts = [n for n, page in enumerate(made["pages"]) if page.startswith("Exception report")]
    assert starts and starts[0] <= 2  # the summary's two pages at most, then the exceptions
    report = " ".join(made["pages"][starts[0]].split())
    assert "Why it is listed" in report and "Audit found late reviews" in report
    assert "alert(1)" in report  # the script tag shown as text, never run


def test_every_table_column_is_in_the_pdf(made):
    class Headers(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found, self._in = set(), False

        def handle_starttag(self, tag, attrs):
            self._in = tag == "th" and ("scope", "col") in attrs
            self._text = ""

        def handle_data(self, data):
            if self._in:
                self._text += data

        def handle_endtag(self, tag):
            if tag == "th" and self._in:
                self.found.add(self._text.strip())
                self._in = False

    parser = Headers()
    parser.feed(made["html"])
    assert {"Measure", "Value", "Direction", "Verdict (SPC)", "RAG", "Numerator",
            "Denominator", "Owner", "Due", "Last file loaded"} <= parser.found
    text = _squash("".join(made["pages"]))
    assert [h for h in parser.found if _squash(h) not in text] == []


def test_commentary_actions_and_overdue_flag_reach_the_pack(made):
    text = " ".join(" ".join(made["pages"]).split())
    assert "Re-audit repeat plans" in text and "OVERDUE" in text
    assert "<script>" not in made["html"] and "<strong>late reviews</strong>" in made["html"]


def test_every_table_fits_a4_portrait(made):
    from weasyprint import HTML

    doc = HTML(string=made["html"], media_type="print").render()

    def walk(box):
        yield box
        for child in getattr(box, "children", None) or []:
            yield from walk(child)

    tables = 0
    for page in doc.pages:
        frame = page._page_box  # the page's content area, inside its margins
        right = frame.content_box_x() + frame.width
        for box in walk(frame):
            if type(box).__name__ == "TableBox":
                tables += 1
                assert box.position_x + box.margin_width() <= right + 0.5
    assert tables > 5


def test_each_pack_is_kept_with_an_index_line_and_unsuppressed_ones_are_audited(made):
    kept = packs.index(made["db"])
    assert [(k["month"], k["role"], k["format"]) for k in kept] == [
        ("2025-09", "analyst", "html"), ("2025-09", "viewer", "pdf")]
    pdf_copy = packs.kept_file(made["db"], kept[1]["file"])
    assert pdf_copy.read_bytes() == made["out"].read_bytes()
    assert oct(pdf_copy.stat().st_mode & 0o777) == "0o600"
    log = [e for e in audit.read(audit.audit_path(made["db"])) if e["action"] == "board_pack"]
    assert [(e["page"], e["month"]) for e in log] == [("lscp pack", "2025-09")]  # not the viewer's
    assert json.loads((packs.packs_dir(made["db"]) / packs.INDEX).read_text().splitlines()[0])[
        "who"]


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2031-01", "--out", "x.pdf"], "no figures for 2031-01"),
    (["--month", "2025-09", "--out", "x.docx"], "must end in .pdf or .html"),
    (["--month", "2025-09", "--out", "x.pdf", "--strategy", "Nowhere"], "no strategy"),
])
def test_bad_pack_requests_get_one_line(made, tmp_path, capsys, monkeypatch, args, message):
    for name in ("LSCP_DB", "LSCP_CONFIG"):  # lscp pack sets them; put them back afterwards
        monkeypatch.setenv(name, os.environ.get(name, ""))
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    assert main(["pack", "--db", str(made["db"]), *args]) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_a_pack_over_a_corrupt_commentary_store_says_so_on_its_first_page(use_db, fake_db_path,
                                                                           tmp_path):
    from dashboard import boardpack

    notes = tmp_path / "notes.sqlite"
    notes.write_bytes(b"not sqlite " * 300)
    use_db(fake_db_path, "viewer", extra=f'commentary_db = "{notes}"\n')
    html = boardpack.build("viewer", "Brackenfold", fake_db.pd.Timestamp("2025-09-30"))
    cover = html.split("<nav", 1)[0]
    assert "Commentary and actions could not be read" in cover
    assert "<caption>Brackenfold</caption>" in html  # the figures are still there


def test_the_board_pack_is_marked_on_every_page_and_audited(tmp_path, monkeypatch):
    """`lscp pack --board`: unsuppressed, "OFFICIAL-SENSITIVE — not for publication" at the
    top of every page of the PDF, kept as the board's and recorded in the audit log."""
    for name in ("LSCP_DB", "LSCP_CONFIG"):  # lscp pack sets them; put them back afterwards
        monkeypatch.setenv(name, os.environ.get(name, ""))
    db = fake_db.build(tmp_path / "lscp.duckdb", poison=True)
    out = tmp_path / "board.pdf"
    assert main(["pack", "--db", str(db), "--month", "2025-09", "--out", str(out),
                 "--board"]) == 0
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert len(pages) > 5
    marked = [_squash("OFFICIAL-SENSITIVE — not for publication") in _squash(p) for p in pages]
    assert all(marked), [i + 1 for i, m in enumerate(marked) if not m]
    assert re.search(r"42,?40[123]", _squash("".join(pages)))  # the poisoned cells' figures
    assert [k["role"] for k in packs.index(db)] == ["board"]
    log = [e for e in audit.read(audit.audit_path(db)) if e["action"] == "board_pack"]
    assert len(log) == 1
