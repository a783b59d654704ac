"""The agency view a champion would open: it asks which agency (or opens on a champion's own),
has a month picker, the partnership's targets, the neglect tools by tool and the figures the
agency entered by hand; no legend sits over a bar."""

from __future__ import annotations

import pandas as pd

from tests.dashboard.conftest import open_page
from tests.support.charts import page_charts
from tests.support.tables import page_tables


def _table(at, column):
    return next(d for d in page_tables(at) if column in d.columns)


def test_a_viewer_is_asked_which_agency(app, use_db, fake_db_path):
    use_db(fake_db_path, "viewer")
    at = open_page(app, "views/agency.py")
    assert at.selectbox(key="ag_agency").value is None
    assert any("Choose your agency" in i.value for i in at.info)
    assert not [d for d in page_tables(at) if "Share of the partnership" in d.columns]
    assert _table(at, "Tool") is not None  # the partnership's tools, whoever asks


def test_a_champion_opens_on_their_own_agency_with_targets_and_entered_figures(
        app, use_db, fake_db_path):
    use_db(fake_db_path, "champion:POL")
    at = open_page(app, "views/agency.py")
    assert at.selectbox(key="ag_agency").value == "POL"
    summary = _table(at, "Partnership target").set_index("Indicator")
    assert summary.loc["Re-referrals within 12 months", "Partnership target"] != "no target"
    entered = _table(at, "Measure (manual)")
    # the champion's own agency's small audit is theirs to see: 3 of 4, not c
    voice = entered[entered["Measure (manual)"].str.startswith("Audited cases")]
    assert not voice.empty and voice["Value"].iloc[0] == "75.0"
    assert (voice["Owner"] == "Quality assurance lead (test)").all()


def test_a_viewer_sees_an_agencys_small_audit_as_c(app, use_db, fake_db_path):
    use_db(fake_db_path, "viewer")
    at = open_page(app, "views/agency.py")
    at.selectbox(key="ag_agency").set_value("POL").run()
    entered = _table(at, "Measure (manual)")
    assert (entered["Value"] == "c").all() and (entered["Numerator"] == "c").all()


def test_the_month_picker_moves_every_figure(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/agency.py")
    at.selectbox(key="ag_agency").set_value("EDU").run()
    at.selectbox(key="ag_month").set_value(pd.Timestamp("2025-03-31")).run()
    assert any(h.value.endswith("in March 2025") for h in at.header)
    over_time = _table(at, "Month end")
    assert pd.to_datetime(over_time["Month end"]).max() == pd.Timestamp("2025-03-31")


def test_no_legend_over_a_bar(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/agency.py")
    at.selectbox(key="ag_agency").set_value("HLTH").run()
    bar_charts = [c for c in page_charts(at) if c["kind"] == "bars"]
    assert bar_charts
    for chart in bar_charts:
        # one series of bars: no legend to print over them, the title above the drawing
        assert chart["legend"] == [] and chart["svgs"] == 1
        assert chart["title"] and chart["title"] not in chart["texts"]
    # the small multiples' legend is one line of words above the panels, outside them
    over_time = next(c for c in page_charts(at) if c["kind"] == "small_multiples")
    assert over_time["svgs"] >= 2 and over_time["legend"] == []


def test_like_with_like_shares_of_counts_and_percentages_beside_percentages(
        app, use_db, fake_db_path):
    """Never a part beside the whole: Police's neglect referrals are its share of the
    partnership's (now and a year before), not its rate per 10,000 beside the partnership's;
    its re-referral percentage sits beside the partnership's re-referral percentage."""
    from dashboard import data

    use_db(fake_db_path, "analyst")
    at = open_page(app, "views/agency.py")
    at.selectbox(key="ag_agency").set_value("POL").run()
    at.selectbox(key="ag_month").set_value(pd.Timestamp("2025-09-30")).run()
    cells = data.values("analyst", indicator_ids=["referrals_neglect", "rereferral"],
                        localities=["All"], agencies=["POL", "All"])
    cells = cells.set_index(["indicator_id", "agency", "period_end"])
    now, before = pd.Timestamp("2025-09-30"), pd.Timestamp("2024-09-30")
    shares = _table(at, "Share of the partnership").set_index("Indicator")
    title = "Referrals where neglect is a factor"
    for when, column in ((now, "Share of the partnership"), (before, "Share, September 2024")):
        part = cells.loc[("referrals_neglect", "POL", when), "numerator"]
        whole = cells.loc[("referrals_neglect", "All", when), "numerator"]
        assert shares.loc[title, column] == f"{part / whole * 100:.1f}%"
    assert shares.loc[title, "Police"] == f"{cells.loc[('referrals_neglect', 'POL', now), 'numerator']:,.0f}"
    percentages = _table(at, "Partnership target").set_index("Indicator")
    rereferral = "Re-referrals within 12 months"
    assert percentages.loc[rereferral, "Police"] == \
        f"{cells.loc[('rereferral', 'POL', now), 'value']:.1f}%"
    assert percentages.loc[rereferral, "Partnership"] == \
        f"{cells.loc[('rereferral', 'All', now), 'value']:.1f}%"
    assert title not in set(percentages.index) and rereferral not in set(shares.index)
    shown = " ".join(str(v) for t in (shares, percentages) for v in t.to_numpy().ravel())
    assert "per 10,000" not in shown
    over_time = _table(at, "Month end")
    share_rows = over_time[over_time["Indicator"] == f"{title}: share"]
    assert set(share_rows["Agency"]) == {"Police"}  # the agency's part alone, never the whole
