"""The dashboard over a database the real pipeline built (generate + run), not the fake."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dashboard import boardpack, data, scorecard
from tests.dashboard.conftest import PAGES, TITLES, open_page
from tests.support.tables import page_tables

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("real_db")]


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    import os

    from lscp_core.settings import Settings
    from pipelines.run import run_pipeline
    from pipelines.synthetic import generate

    work = tmp_path_factory.mktemp("real")
    old = os.environ.get("LSCP_KEY")
    os.environ["LSCP_KEY"] = "64617368626f6172642d746573742d6b65792d686578"
    try:
        generate(out=work / "p", seed=11, children=1500, years=3, faults=True, end_date=None,
                 progress=None)
        run_pipeline(inbox=work / "p" / "inbox", db=work / "lscp.duckdb",
                     seeds=work / "p" / "seeds", as_at=None, settings=Settings())
    finally:
        if old is None:
            os.environ.pop("LSCP_KEY", None)
        else:
            os.environ["LSCP_KEY"] = old
    return work / "lscp.duckdb"


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_every_page_over_a_real_database(app, use_db, real_db, role):
    use_db(real_db, role)
    for page in PAGES:
        at = open_page(app, page)
        assert [t.value for t in at.title] == [TITLES[page]]
        errors = [e.value for e in at.error]
        if page == "views/data_quality.py":  # generated with faults: broken files are shown
            assert errors and all("was not loaded" in e for e in errors), errors
        else:
            assert not errors, (page, errors)


def test_viewer_tables_show_c_exactly_where_suppressed(app, use_db, real_db):
    use_db(real_db, "viewer")
    with duckdb.connect(str(real_db), read_only=True) as con:
        truth = con.sql("select indicator_id, period_end, locality, suppressed, value "
                        "from indicator_values where agency = 'All'").df()
    assert truth["suppressed"].any(), "a small partnership must have suppressed cells"
    indicator = (truth[truth["suppressed"]].groupby("indicator_id").size()
                 .sort_values().index[-1])
    at = open_page(app, "views/explorer.py", indicator=indicator)
    shown = next(d for d in page_tables(at) if "Locality" in d.columns)
    shown["period_end"] = pd.to_datetime(shown["Period end"])
    want = truth[truth["indicator_id"] == indicator].copy()
    want["period_end"] = pd.to_datetime(want["period_end"])
    both = shown.merge(want, left_on=["period_end", "Locality"],
                       right_on=["period_end", "locality"], validate="one_to_one")
    assert len(both) == len(want)
    assert ((both["Value"] == "c") == both["suppressed"]).all()
    assert (both.loc[both["suppressed"], ["Numerator", "Denominator"]] == "c").all().all()


def test_scorecard_and_pack_over_a_real_database(use_db, real_db):
    use_db(real_db, "viewer")
    period = data.periods("monthly")[0]
    card = scorecard.build("viewer", None, period)
    assert set(card["indicator_id"]) == set(data.measures()["indicator_id"])  # manual too
    assert card["value_text"].ne("x").sum() >= len(card) // 2
    pack = boardpack.build("viewer", None, period)
    sections = len(set(card["indicator_id"]) - boardpack.context_only())  # context: a line
    assert pack.count("<section class='lscp-indicator' ") == sections
    # generated with faults, the newest looked_after/attendance files fail: nothing loaded
    empty = card[card["period_end"].isna() & ~card["indicator_id"].isin(boardpack.context_only())]
    assert len(empty) > 0 and pack.count("No figures yet") == len(empty)
    assert data.failed_runs_since_publish() == []
    quarantined = data.quarantine_summary()
    assert int(quarantined["rows"].sum()) > 0  # generated with faults


def test_lscp_pack_on_a_generated_database(real_db, tmp_path, monkeypatch):
    import os

    from pypdf import PdfReader

    from lscp_cli.main import main

    for name in ("LSCP_DB", "LSCP_CONFIG"):  # lscp pack sets them; put them back afterwards
        monkeypatch.setenv(name, os.environ.get(name, ""))
    monkeypatch.delenv("LSCP_CONFIG")
    con = duckdb.connect(str(real_db), read_only=True)
    latest = con.execute("select max(period_end) from indicator_values v join "
                         "indicator_catalogue c using (indicator_id) "
                         "where c.frequency = 'monthly'").fetchone()[0]
    con.close()
    out = tmp_path / "pack.pdf"
    assert main(["pack", "--db", str(real_db), "--month", f"{latest:%Y-%m}",
                 "--out", str(out)]) == 0
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert pages[2].startswith("Exception report")
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "About these figures" in " ".join(pages[-3:])
