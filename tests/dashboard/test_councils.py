"""The council level of a partnership of several councils (outputs.md `council`; issue 21):
filters on the pages, councils beside localities, suppression, downloads and the board pack.
A partnership of one council shows nothing council-related."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from dashboard import boardpack, data
from tests.dashboard import fake_db
from tests.dashboard.conftest import PAGES, TITLES, open_page
from tests.dashboard.test_disclosure import SENTINEL, Scanner, _decode_images
from tests.support.charts import funnel_places, heatmap_places, page_charts
from tests.support.tables import page_tables

ASHVALE, CORRIE = "Ashvale", "Corrie Bay"
PAGES_WITH_COUNCILS = ("views/explorer.py", "views/localities.py", "views/agency.py")


@pytest.fixture(scope="module")
def two_councils(tmp_path_factory):
    return fake_db.build(tmp_path_factory.mktemp("two") / "lscp.duckdb", councils=2)


@pytest.fixture(scope="module")
def two_councils_poisoned(tmp_path_factory):
    return fake_db.build(tmp_path_factory.mktemp("two_poison") / "lscp.duckdb", councils=2,
                         poison=True)


@pytest.fixture(scope="module")
def one_council_with_column(tmp_path_factory):
    return fake_db.build(tmp_path_factory.mktemp("one_col") / "lscp.duckdb",
                         council_column=True)


@pytest.fixture
def downloads(monkeypatch):
    """What each download button would hand over: {file name: text}."""
    got: dict[str, str] = {}
    real = st.download_button

    def recording(label, data=None, *args, **kwargs):
        name = kwargs.get("file_name", label)
        if not name.endswith(".csv"):  # not the packs: slow to make, tested below
            return real(label, data, *args, **kwargs)
        payload = data() if callable(data) else data
        got[name] = (payload.decode("utf-8-sig", "replace") if isinstance(payload, bytes)
                     else str(payload))
        return real(label, payload, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return got


def table(at, column: str) -> pd.DataFrame:
    for d in page_tables(at):
        if column in d.columns:
            return d
    raise AssertionError(f"no table with a {column!r} column")


def charts(at) -> list[dict]:
    return page_charts(at)


def trace_names(chart: dict) -> list[str]:
    return chart["names"]


def council_boxes(at) -> list:
    return [s for s in at.selectbox if s.label == "Council"]


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["period_end"] == frame["period_end"].max()]


# --- the data layer -------------------------------------------------------------------------


def test_councils_and_their_localities_in_order(use_db, two_councils):
    use_db(two_councils)
    assert data.councils() == [ASHVALE, CORRIE]
    assert data.localities() == ["North", "South", "East", "Unknown (Ashvale)", "West",
                                 "Central", "Unknown (Corrie Bay)"]
    known = data.places()
    assert list(known.loc[known["level"] == "council", "place"]) == [ASHVALE, CORRIE]
    assert set(known.loc[known["council"] == CORRIE, "locality"]) == {
        "All", "West", "Central", "Unknown (Corrie Bay)"}


def test_values_are_the_partnership_unless_every_council_is_asked_for(use_db, two_councils):
    use_db(two_councils)
    top = data.values("analyst", indicator_ids=["eh_assessments"], localities=["All"],
                      agencies=["All"])
    assert set(top["council"]) == {"All"} and top["period_end"].is_unique
    every = data.values("analyst", indicator_ids=["eh_assessments"], localities=["All"],
                        agencies=["All"], councils=None)
    assert set(every["council"]) == {"All", ASHVALE, CORRIE}
    # the partnership is its councils' sum, and each council its localities' sum
    sums = every[every["council"] != "All"].groupby("period_end")["numerator"].sum()
    assert (sums.to_numpy() == top.set_index("period_end")["numerator"].to_numpy()).all()
    places = data.values("analyst", indicator_ids=["eh_assessments"], agencies=["All"],
                         councils=[CORRIE])
    local = places[places["locality"] != "All"].groupby("period_end")["numerator"].sum()
    total = places[places["locality"] == "All"].set_index("period_end")["numerator"]
    assert (local.to_numpy() == total.to_numpy()).all()


@pytest.mark.parametrize("column", [False, True])
def test_one_council_reads_as_before(use_db, fake_db_path, one_council_with_column, column):
    """Before (no column) and after (council All everywhere) the data side's change."""
    use_db(one_council_with_column if column else fake_db_path)
    assert data.councils() == []
    assert data.localities() == ["North", "South", "East", "West", "Central", "Unknown"]
    cells = data.values("viewer", agencies=["All"])
    assert set(cells["council"]) == {"All"} and "Unknown" in set(cells["locality"])
    assert cells.equals(data.values("viewer", agencies=["All"], councils=None))


def test_both_one_council_databases_hold_the_same_figures(use_db, fake_db_path,
                                                          one_council_with_column):
    use_db(fake_db_path)
    before = data.values("analyst")
    use_db(one_council_with_column)
    after = data.values("analyst")
    assert before.equals(after)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_two_councils(app, use_db, two_councils, page):
    use_db(two_councils)
    at = open_page(app, page)
    assert [t.value for t in at.title] == [TITLES[page]]
    assert not at.error, [e.value for e in at.error]
    boxes = council_boxes(at)
    assert (len(boxes) == 1) == (page in PAGES_WITH_COUNCILS)


# --- no council control with one council ------------------------------------------------------


@pytest.mark.parametrize("column", [False, True])
def test_one_council_shows_no_council_control(app, use_db, fake_db_path,
                                              one_council_with_column, column, downloads):
    use_db(one_council_with_column if column else fake_db_path)
    at = open_page(app, "views/explorer.py", indicator="eh_step_up")
    assert council_boxes(at) == []
    assert not any("Council" in d.columns for d in page_tables(at))
    assert not any(h.value.startswith(("Councils", "Localities of")) for h in at.header)
    at = open_page(at, "views/localities.py")
    assert council_boxes(at) == [] and "Councils" not in [o for r in at.radio for o in r.options]
    assert "Compared with the partnership" in table(at, "Locality").columns
    at = open_page(at, "views/agency.py")
    at.selectbox(key="ag_agency").set_value("HLTH").run()
    assert council_boxes(at) == []
    assert not any("Council" in d.columns for d in page_tables(at))
    header = [text.splitlines()[0] for name, text in downloads.items() if name.endswith(".csv")]
    assert header and not any("Council" in h for h in header)


# --- the council filter on each page that has it -------------------------------------------------


def test_explorer_council_filter(app, use_db, two_councils, downloads):
    use_db(two_councils)
    at = open_page(app, "views/explorer.py", indicator="eh_step_up")
    box = at.selectbox(key="ex_council")
    assert box.options == ["Partnership (every council)", ASHVALE, CORRIE]
    assert box.value == "All"
    assert any(h.value == "Councils compared" for h in at.header)
    by_council = next(c for c in charts(at) if "by council" in c["title"])
    assert sorted(trace_names(by_council)) == sorted(["Partnership (All)", ASHVALE, CORRIE])
    figures = table(at, "Period end")
    assert set(figures["Council"]) == {"All", ASHVALE, CORRIE}
    assert {"Unknown (Ashvale)", "Unknown (Corrie Bay)", "West"} <= set(figures["Locality"])
    assert not ((figures["Council"] == "All") & (figures["Locality"] != "All")).any()
    assert downloads["eh_step_up-by-locality.csv"].startswith(
        "Period end,Council,Locality,Numerator")

    at.selectbox(key="ex_council").set_value(CORRIE).run()
    assert not at.exception
    assert any(h.value == "Localities of Corrie Bay" for h in at.header)
    mine = next(c for c in charts(at) if "its localities" in c["title"])
    assert trace_names(mine)[-1] == "Partnership (All)"  # drawn last, on top
    assert set(trace_names(mine)) == {"Partnership (All)", CORRIE, "West", "Central",
                                      "Unknown (Corrie Bay)"}
    figures = table(at, "Period end")
    assert set(figures["Council"]) == {"All", CORRIE}
    # the agencies of the council chosen, its own figures
    agencies = table(at, "Agency code")
    assert set(agencies["Council"]) == {CORRIE}
    cells = latest(data.values("viewer", indicator_ids=["eh_step_up"], localities=["All"],
                               councils=[CORRIE]))
    health = cells[cells["agency"] == "HLTH"].iloc[0]
    shown = agencies.set_index("Agency code").loc["HLTH", "Value"]
    assert shown == ("c" if health["hidden"] else f"{health['value']:.1f}")
    assert "eh_step_up-by-locality-corrie-bay.csv" in downloads


def test_localities_council_filter(app, use_db, two_councils):
    use_db(two_councils)
    at = open_page(app, "views/localities.py")
    assert at.selectbox(key="loc_council").value == "All"
    heat = charts(at)[0]
    assert heatmap_places(heat) == [ASHVALE, "North", "South", "East", CORRIE, "West",
                                    "Central"]  # councils and their localities, no Unknown
    compared = table(at, "Compared with the partnership")
    assert list(compared.columns[:4]) == ["Indicator", "Period", "Council", "Locality"]
    corrie = compared[(compared["Council"] == CORRIE) & (compared["Locality"] == "All")]
    assert len(corrie) == len(fake_db.CATALOGUE)
    assert "Councils" in at.radio(key="loc_funnel_by").options
    at.radio(key="loc_funnel_by").set_value("Councils").run()
    funnel = charts(at)[1]
    plotted = funnel_places(funnel)
    assert plotted and plotted <= {ASHVALE, CORRIE}

    at.selectbox(key="loc_council").set_value(ASHVALE).run()
    assert not at.exception
    heat = charts(at)[0]
    assert heatmap_places(heat) == ["North", "South", "East"]
    assert "against the council" in heat["title"]
    compared = table(at, "Compared with the council")
    assert set(compared["Council"]) == {ASHVALE} and ASHVALE in compared.columns
    # each locality set against its council's own figure
    row = compared[compared["Indicator"] == "Children on a CP plan (all categories)"].iloc[0]
    council = latest(data.values("viewer", indicator_ids=["cp_rate"], localities=["All"],
                                 agencies=["All"], councils=[ASHVALE])).iloc[0]
    assert row[ASHVALE] == f"{council['value']:,.1f}"
    assert "Councils" not in [o for r in at.radio for o in r.options]
    funnel = charts(at)[1]
    plotted = funnel_places(funnel)
    assert plotted and plotted <= {"North", "South", "East"}
    assert any("Ashvale" in name for name in funnel["legend"])  # the council's line


def test_agency_council_filter(app, use_db, two_councils):
    use_db(two_councils)
    at = open_page(app, "views/agency.py")
    at.selectbox(key="ag_agency").set_value("POL").run()
    assert at.selectbox(key="ag_council").value == "All"
    summary = table(at, "Share of the partnership")
    assert set(summary["Council"]) == {"All"} and "Partnership" in summary.columns
    at.selectbox(key="ag_council").set_value(CORRIE).run()
    assert not at.exception
    summary = table(at, f"Share of {CORRIE}").set_index("Indicator")
    assert set(summary["Council"]) == {CORRIE}
    cells = latest(data.values("viewer", indicator_ids=["referrals_neglect"], localities=["All"],
                               agencies=["POL", "All"], councils=[CORRIE])).set_index("agency")
    title = "Referrals where neglect is a factor"  # a part of the whole: as a share of it
    assert summary.loc[title, "Police"] == f"{cells.loc['POL', 'numerator']:,.0f}"
    assert summary.loc[title, CORRIE] == f"{cells.loc['All', 'numerator']:,.0f}"
    share = cells.loc["POL", "numerator"] / cells.loc["All", "numerator"] * 100
    assert summary.loc[title, f"Share of {CORRIE}"] == f"{share:.1f}%"
    over_time = table(at, "Agency")
    assert set(over_time["Council"]) == {CORRIE} and set(over_time["Agency"]) == {"Police", "All"}


# --- suppression -------------------------------------------------------------------------


def _visit_councils(app, scan: Scanner, role: str):
    at = open_page(app, "views/explorer.py", indicator="cp_neglect_share")
    for indicator in ("cp_neglect_share", "eh_step_up", "cin_to_cp_neglect"):
        at.selectbox(key="ex_indicator").set_value(indicator).run()
        for council in ("All", ASHVALE, CORRIE):
            at.selectbox(key="ex_council").set_value(council).run()
            assert not at.exception
            scan.app(f"explorer {indicator} {council}", at)
    at = open_page(at, "views/localities.py")
    for council in ("All", ASHVALE, CORRIE):
        at.selectbox(key="loc_council").set_value(council).run()
        at.selectbox(key="loc_funnel").set_value("eh_step_up").run()
        for unit in at.radio(key="loc_funnel_by").options:
            at.radio(key="loc_funnel_by").set_value(unit).run()
            assert not at.exception
            scan.app(f"localities {council} {unit}", at)
    at = open_page(at, "views/agency.py")
    for agency in ("POL", "HLTH"):
        at.selectbox(key="ag_agency").set_value(agency).run()
        for council in ("All", ASHVALE, CORRIE):
            at.selectbox(key="ag_council").set_value(council).run()
            assert not at.exception
            scan.app(f"agency {agency} {council}", at)
    return at


@pytest.fixture
def scanner(monkeypatch):
    scan = Scanner()
    real = st.download_button

    def recording(label, data=None, *args, **kwargs):
        payload = data() if callable(data) else data
        scan.payloads.append((label, payload if isinstance(payload, bytes)
                              else str(payload).encode("utf-8")))
        return real(label, payload, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return scan


def test_viewer_sees_c_for_suppressed_council_cells(app, use_db, two_councils_poisoned,
                                                    scanner):
    use_db(two_councils_poisoned, "viewer")
    at = _visit_councils(app, scanner, "viewer")
    assert scanner.found == []
    # the council's own suppressed figure is shown as c, beside the localities' figures
    at = open_page(at, "views/localities.py")
    at.selectbox(key="loc_council").set_value("All").run()
    compared = table(at, "Compared with the partnership")
    cell = compared[(compared["Indicator"] == "Share of CP plans that are for neglect")
                    & (compared["Council"] == CORRIE) & (compared["Locality"] == "All")]
    assert list(cell["Value"]) == ["c"]
    assert list(cell["Compared with the partnership"]) == ["not compared"]


def test_the_council_scan_finds_them_for_an_analyst(app, use_db, two_councils_poisoned,
                                                    scanner):
    use_db(two_councils_poisoned, "analyst")
    _visit_councils(app, scanner, "analyst")
    places = " ".join(scanner.found)
    assert "localities" in places and "explorer" in places and "agency" in places


def test_a_champion_sees_its_own_agency_in_a_council(use_db, two_councils_poisoned):
    use_db(two_councils_poisoned, "champion:POL")
    cells = latest(data.values("champion:POL", indicator_ids=["eh_step_up"],
                               localities=["All"], councils=[ASHVALE])).set_index("agency")
    assert cells.loc["POL", "suppressed"] and not cells.loc["POL", "hidden"]
    assert cells.loc["POL", "numerator"] == fake_db.SENTINEL_NUM
    assert cells.loc["HLTH", "hidden"] and pd.isna(cells.loc["HLTH", "numerator"])
    viewer = latest(data.values("viewer", indicator_ids=["eh_step_up"], localities=["All"],
                                councils=[ASHVALE])).set_index("agency")
    assert viewer.loc["POL", "hidden"] and pd.isna(viewer.loc["POL", "numerator"])
    analyst = latest(data.values("analyst", indicator_ids=["eh_step_up"], localities=["All"],
                                 councils=[ASHVALE])).set_index("agency")
    assert not analyst["hidden"].any() and analyst.loc["HLTH", "numerator"] == fake_db.SENTINEL_NUM


def test_champion_page_shows_its_own_council_cell(app, use_db, two_councils_poisoned):
    use_db(two_councils_poisoned, "champion:POL")
    at = open_page(app, "views/agency.py")
    at.selectbox(key="ag_council").set_value(ASHVALE).run()
    summary = table(at, "Partnership target").set_index("Indicator")  # its percentages
    assert summary.loc["Early help stepping up to social care", "Police"] != "c"
    at.selectbox(key="ag_agency").set_value("HLTH").run()
    summary = table(at, "Partnership target").set_index("Indicator")
    assert summary.loc["Early help stepping up to social care", "Health"] == "c"


# --- the board pack ------------------------------------------------------------------------


def _council_tables(pack: str) -> list[str]:
    return [part.split("</table>")[0] for part in pack.split("lscp-councils")[1:]]


def test_board_pack_gives_each_council_beside_the_partnership(use_db, two_councils_poisoned):
    use_db(two_councils_poisoned, "viewer")
    pack = boardpack.build("viewer", None, pd.Timestamp("2025-09-30"), partnership="Test")
    tables = _council_tables(pack)
    # every computed measure with a section (context ones are a summary line), none by hand
    assert len(tables) == len(fake_db.CATALOGUE) - len(fake_db.context_only())
    for t in tables:
        assert t.index(">Partnership<") < t.index(f">{ASHVALE}<") < t.index(f">{CORRIE}<")
    share = next(t for t in tables if "Share of CP plans that are for neglect:" in t)
    corrie = share.split(f">{CORRIE}<")[1].split("</tr>")[0]
    assert corrie.count(">c<") == 3  # numerator, denominator and value
    assert "each council beside the partnership, end of September 2025" in share
    assert not SENTINEL.search(_decode_images(pack))
    analyst = boardpack.build("analyst", None, pd.Timestamp("2025-09-30"), partnership="Test")
    share = next(t for t in _council_tables(analyst)
                 if "Share of CP plans that are for neglect:" in t)
    assert SENTINEL.search(share.split(f">{CORRIE}<")[1])


def test_board_pack_council_figures_are_the_councils(use_db, two_councils):
    use_db(two_councils, "viewer")
    pack = boardpack.build("viewer", None, pd.Timestamp("2025-06-30"), partnership="Test")
    rate = next(t for t in _council_tables(pack) if "Children on a CP plan under neglect:" in t)
    cells = data.values("viewer", indicator_ids=["cp_neglect_rate"], localities=["All"],
                        agencies=["All"], councils=None,
                        period_ends=[pd.Timestamp("2025-06-30")]).set_index("council")
    for council in ("All", ASHVALE, CORRIE):
        row = rate.split(f">{'Partnership' if council == 'All' else council}<")[1].split("</tr>")[0]
        assert f">{cells.loc[council, 'value']:,.1f} per 10,000<" in row
        assert f">{cells.loc[council, 'numerator']:,}<" in row


def test_one_council_pack_has_no_council_table(use_db, fake_db_path, one_council_with_column):
    for path in (fake_db_path, one_council_with_column):
        use_db(path, "viewer")
        pack = boardpack.build("viewer", None, pd.Timestamp("2025-09-30"), partnership="Test")
        assert "lscp-councils" not in pack and "each council" not in pack


def test_places_by_hand(use_db, tmp_path):
    """A council named like a locality is labelled '(council)'; a council missing from the
    councils table comes after the listed ones; a (partnership, locality) row, which a
    several-council database must not have, is no place of its own."""
    import duckdb

    path = tmp_path / "hand.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table indicator_values (indicator_id varchar, period_end date, "
                "council varchar, locality varchar, agency varchar, numerator bigint, "
                "denominator double, value double, suppressed boolean)")
    rows = [("All", "All"), ("Zeta", "All"), ("Zeta", "Moor"), ("Zeta", "Unknown (Zeta)"),
            ("Moor", "All"), ("Moor", "Dale"), ("Moor", "Burn"), ("All", "Dale"),
            ("Alpha", "All"), ("Alpha", "Fell")]
    con.executemany("insert into indicator_values values ('x', date '2025-09-30', ?, ?, "
                    "'All', 10, null, 10, false)", rows)
    con.execute("create table seed_localities as select * from (values ('L1', 'Moor'), "
                "('L2', 'Dale'), ('L3', 'Burn'), ('L4', 'Fell')) t(locality_code, locality_name)")
    con.execute("create table councils as select * from (values ('902', 'Zeta'), "
                "('901', 'Moor')) t(la_code, name)")
    con.close()
    use_db(path)
    assert data.councils() == ["Moor", "Zeta", "Alpha"]
    known = data.places()
    assert list(known["place"]) == ["Moor (council)", "Dale", "Burn", "Zeta", "Moor",
                                    "Unknown (Zeta)", "Alpha", "Fell"]
    assert data.localities() == ["Dale", "Burn", "Moor", "Unknown (Zeta)", "Fell"]
    cells = data.with_place(data.values("viewer", councils=None))
    keys = zip(cells["council"], cells["locality"], strict=True)
    labelled = dict(zip(keys, cells["place"], strict=True))
    assert labelled[("Moor", "All")] == "Moor (council)" and labelled[("Zeta", "Moor")] == "Moor"
    assert labelled[("All", "All")] == "All"
    stray = cells[(cells["council"] == "All") & (cells["locality"] == "Dale")]
    assert stray["place_order"].tolist() == [len(known)]  # listed after every known place


def test_lscp_pack_prints_the_council_tables(two_councils_poisoned, tmp_path, monkeypatch):
    """`lscp pack` as PDF (the restricted pack): the council tables print, with c."""
    from pypdf import PdfReader

    from lscp_cli.main import main

    config = tmp_path / "lscp.toml"
    config.write_text('[dashboard]\npartnership = "Two councils"\n', encoding="utf-8")
    for key in ("LSCP_DB", "LSCP_CONFIG"):  # `lscp pack` sets them: put back after
        monkeypatch.setenv(key, "")
        monkeypatch.delenv(key)
    out = tmp_path / "pack.pdf"
    assert main(["--config", str(config), "pack", "--db", str(two_councils_poisoned),
                 "--month", "2025-09", "--out", str(out)]) == 0
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert text.count("each council beside the partnership") == (
        len(fake_db.CATALOGUE) - len(fake_db.context_only()))
    share = text.split("Share of CP plans that are for neglect: each council")[1][:400]
    assert f"{CORRIE} c c c" in share
    assert not SENTINEL.search(text)
