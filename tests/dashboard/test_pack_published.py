"""The newest month's board pack is built when `lscp run` publishes, kept owner-only beside
the database and served by the pack button; it opens with a two-page summary and stays under
30 pages on a generated partnership; after a commentary save (or for another month) the
button builds it again, with a progress bar."""

from __future__ import annotations

import io
import os
import re
import stat
from html import escape

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard import boardpack, data, published_pack, scorecard
from lscp_core import commentary as store
from lscp_core import packs

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("pack_published")]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from lscp_cli.main import main
    from pipelines.synthetic import generate

    work = tmp_path_factory.mktemp("published")
    saved = {k: os.environ.get(k) for k in ("LSCP_KEY", "LSCP_DB", "LSCP_CONFIG",
                                             "LSCP_PACKS_AT_PUBLISH")}
    os.environ["LSCP_KEY"] = "5ac4c0ffee0ddba11deadbeef0123456789abcdef0123456789abcdef0123456"
    os.environ.pop("LSCP_PACKS_AT_PUBLISH", None)  # the default: packs built at publish
    config = work / "lscp.toml"
    config.write_text("", encoding="utf-8")
    try:
        generate(out=work / "p", seed=5, children=4000, years=5, faults=False,
                 end_date=None, progress=None)
        code = main(["--config", str(config), "run", "--inbox", str(work / "p" / "inbox"),
                     "--seeds", str(work / "p" / "seeds"), "--db", str(work / "lscp.duckdb")])
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    assert code == 0
    return work / "lscp.duckdb"


def _newest(db) -> str:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return str(con.execute("select max(period_end) from indicator_values").fetchone()[0])
    finally:
        con.close()


def test_run_keeps_the_newest_months_packs_owner_only(published):
    folder = published_pack.folder(published)
    month = _newest(published)[:7]
    names = sorted(p.name for p in folder.iterdir())
    roles = published_pack.publish_roles()
    assert names == sorted(f"{month}-all-strategies-{r}.{k}" for r in roles
                           for k in ("pdf", "html", "json"))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
    viewer = (folder / f"{month}-all-strategies-viewer.pdf").read_bytes()
    board = (folder / f"{month}-all-strategies-board.pdf").read_bytes()  # viewer and board
    assert viewer.startswith(b"%PDF") and board.startswith(b"%PDF") and viewer != board
    assert packs.index(published) == []  # built ahead, not yet handed to anyone


def test_the_pack_opens_with_a_two_page_summary_and_stays_under_30_pages(published,
                                                                        use_db):
    use_db(published, "viewer")
    month = _newest(published)[:7]
    folder = published_pack.folder(published)
    reader = PdfReader(io.BytesIO((folder / f"{month}-all-strategies-viewer.pdf").read_bytes()))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert len(pages) < 30
    assert "Summary" in pages[0]
    report = next(n for n, p in enumerate(pages) if p.startswith("Exception report"))
    assert report <= 2  # at most two pages of summary before the details
    summary = " ".join(pages[:report])
    # each strategy's measures on one line each: value, direction, verdict, RAG
    html = (folder / f"{month}-all-strategies-viewer.html").read_text(encoding="utf-8")
    part = html.split("<div class='lscp-summary'>", 1)[1].split("</div>", 1)[0]
    card = scorecard.build("viewer", None, pd.Timestamp(_newest(published)))
    by_id = card.set_index("indicator_id")
    for name, ids in boardpack._strategy_groups(card, None):
        table = part.split(f"<caption>{escape(name)}</caption>", 1)[1]
        table = table.split("</table>", 1)[0]
        assert table.count("<tr><th scope='row'>") == len(ids), name
        for iid in ids:
            r = by_id.loc[iid]
            line = table.split(f"<th scope='row'>{escape(r['title'])}", 1)[1]
            line = line.split("</tr>", 1)[0]
            assert escape(r["value_text"]) in line and escape(r["direction"]) in line
            # the verdict in short on its line; its whole sentence in the measure's section
            # (context measures have no section: their line is all the pack says of them)
            # (the kind metrics.verdict handed over with the sentence, which starts with it)
            assert escape(boardpack.short_verdict(r)) in line
            assert r["variation_text"].startswith(r["verdict_kind"])
            assert (escape(r["variation_text"]) in html) or name == boardpack.CONTEXT_GROUP
            assert (r["rag"] or "no target") in line or (r["hidden"] and ">c<" in line)
        assert name in summary
    listed = part.split("</caption>", 1)[0]
    assert "Exceptions" in listed


def test_the_button_serves_the_kept_pack_without_building_it(published, use_db, app,
                                                              monkeypatch):
    use_db(published, "viewer")

    def no_building(*_a, **_k):
        raise AssertionError("the kept pack should have been served")

    monkeypatch.setattr(boardpack, "build", no_building)
    at = app.run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Download the board pack (PDF)" in labels
    assert not [b for b in at.button if b.key == "board_pack_prepare"]
    kept = published_pack.kept("viewer", None, data.periods("monthly")[0], "last_year", "pdf")
    assert kept is not None and kept.read().startswith(b"%PDF")


def test_after_a_commentary_save_or_for_another_month_it_is_built_with_progress(
        published, use_db, app):
    use_db(published, "viewer")
    newest = data.periods("monthly")[0]
    assert published_pack.kept("viewer", None, newest, "last_year", "pdf") is not None
    assert published_pack.kept("viewer", None, data.periods("monthly")[1], "last_year",
                               "pdf") is None  # another month: never kept ahead
    notes = store.store_path(published)
    store.save_comment(notes, "cp_repeat", newest.strftime("%Y-%m"), "Reviewed at the board",
                       "ana", 0)
    assert published_pack.kept("viewer", None, newest, "last_year", "pdf") is None  # stale
    at = app.run()
    assert not [b for b in at.get("download_button") if "board pack" in b.label]
    at.button(key="board_pack_prepare").click().run(timeout=600)
    assert not at.exception
    assert "Download the board pack (PDF)" in [b.label for b in at.get("download_button")]
    fresh = published_pack.kept("viewer", None, newest, "last_year", "pdf")
    assert fresh is not None  # kept again, with the new commentary in it
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(fresh.read())).pages)
    assert "Reviewed at the board" in re.sub(r"\s+", " ", text)
