"""The annual report extract: a financial year's start and end figures per strategy measure,
checked against the published rows read straight from the database."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dashboard import annual, boardpack
from lscp_core import commentary as store
from tests.dashboard.conftest import open_page
from tests.support.tables import page_tables


def test_financial_years_run_april_to_march():
    months = [pd.Timestamp(d) for d in ("2024-03-31", "2024-04-30", "2025-03-31", "2025-04-30")]
    assert annual.years(months) == ["2025-26", "2024-25", "2023-24"]
    assert annual.year_end("2024-25", months) == pd.Timestamp("2025-03-31")
    assert annual.year_end("2025-26", months) == pd.Timestamp("2025-04-30")  # under way
    assert boardpack.last_complete_year(pd.Timestamp("2025-03-31")) == "2024-25"
    assert boardpack.last_complete_year(pd.Timestamp("2025-02-28")) == "2023-24"
    assert boardpack.last_complete_year(pd.Timestamp("2025-09-30")) == "2024-25"


@pytest.fixture
def extract(use_db, fake_db_path, tmp_path):
    notes = tmp_path / "notes.sqlite"
    use_db(fake_db_path, "analyst", extra=f'commentary_db = "{notes}"\n')
    store.save_comment(notes, "cp_repeat_neglect", "2025-03", "Year-end: repeat plans fell", "ana", 0)
    return annual.build("analyst", "2024-25")


def _published(db, iid: str, day: str) -> float:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select value from indicator_values where indicator_id = ? and "
                           "period_end = ? and locality = 'All' and agency = 'All'",
                           [iid, day]).fetchone()[0]
    finally:
        con.close()


def test_start_end_change_and_commentary_match_the_published_figures(extract, fake_db_path):
    row = extract[extract["Indicator"] == "Children on a neglect plan for a second time or more"].iloc[0]
    start = _published(fake_db_path, "cp_repeat_neglect", "2024-03-31")
    end = _published(fake_db_path, "cp_repeat_neglect", "2025-03-31")
    assert row["Start figure"] == f"{start:.1f}%" and row["End figure"] == f"{end:.1f}%"
    change = round(end, 1) - round(start, 1)
    assert row["Change"] == (f"{'up' if change > 0 else 'down'} {abs(change):.1f} "
                             "percentage points")
    # the same figures as numbers beside the text
    assert (row["Start value"], row["End value"], row["Change (number)"]) == (
        f"{round(start, 1):.1f}", f"{round(end, 1):.1f}", f"{round(change, 1):.1f}")
    assert row["Start"].endswith("March 2024") and row["End"].endswith("March 2025")
    assert row["Commentary"] == "Year-end: repeat plans fell"
    assert "in the year" in row["SPC verdict"]
    assert list(extract.columns) == annual.COLUMNS + annual.NUMBERS


def test_the_strategies_page_offers_the_extract_as_csv(app, use_db, fake_db_path):
    use_db(fake_db_path)
    at = open_page(app, "views/strategies.py")
    assert at.selectbox(key="st_year").value == "2025-26"
    at.selectbox(key="st_year").set_value("2024-25").run()
    assert any(d.columns.tolist() == annual.COLUMNS + annual.NUMBERS
               for d in page_tables(at))
    assert [b for b in at.get("download_button") if "annual" in b.proto.label.lower()]


def test_commentary_written_after_the_figures_were_worked_out_is_in_the_extract(
        use_db, fake_db_path, tmp_path):
    # the figures are worked out once per published file and shared; the commentary is
    # written between publishes and read as it stands each time
    notes = tmp_path / "notes.sqlite"
    use_db(fake_db_path, "analyst", extra=f'commentary_db = "{notes}"\n')
    before = annual.build("analyst", "2024-25")
    assert set(before["Commentary"]) == {""}
    store.save_comment(notes, "cp_repeat_neglect", "2025-03", "Written later", "ana", 0)
    after = annual.build("analyst", "2024-25")
    said = after.loc[after["Commentary"] != "", "Indicator"].tolist()
    assert said == ["Children on a neglect plan for a second time or more"] * len(said) and said
    assert after.drop(columns="Commentary").equals(before.drop(columns="Commentary"))
    after.loc[:, "Start figure"] = "changed by a reader"  # a copy: the shared rows keep theirs
    assert annual.build("analyst", "2024-25")["Start figure"].equals(before["Start figure"])
