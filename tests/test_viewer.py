"""lscp_core.viewer: a role parsed once, and the one rule for how a suppressed cell reads;
lscp_core.periods: the one period label (pages and export)."""

import datetime as dt

import duckdb
import pytest

from lscp_core.periods import period_label
from lscp_core.viewer import Viewer, figure_sql, figure_text_sql, hidden_sql


@pytest.mark.parametrize("role, kind, agency", [
    ("viewer", "viewer", None), ("analyst", "analyst", None), ("board", "board", None),
    ("champion:POLICE", "champion", "POLICE"), ("champion:HEALTH_2", "champion", "HEALTH_2")])
def test_a_role_parses_into_a_viewer_and_back(role, kind, agency):
    viewer = Viewer.parse(role)
    assert (viewer.kind, viewer.agency, viewer.role) == (kind, agency, role)
    assert viewer.unsuppressed == (role in ("analyst", "board"))
    assert viewer.writes == (role == "analyst")


def test_the_board_sees_every_cell_but_writes_nothing_and_its_packs_are_marked():
    board = Viewer.of("board")
    assert board.unsuppressed and not board.writes
    assert board.shown_sql() == "true"
    assert board.marking == "OFFICIAL-SENSITIVE — not for publication"
    assert [Viewer.of(r).marking for r in ("viewer", "analyst", "champion:POLICE")] == [None] * 3


@pytest.mark.parametrize("role", [None, "", "Analyst", "Board", "admin", "champion",
                                  "champion:", "champion:police",
                                  "champion:AB\n", "champion:X') or true --",
                                  "champion:" + "A" * 41])
def test_anything_else_is_the_restricted_view(role):
    assert Viewer.parse(role) is None
    assert Viewer.of(role) == Viewer()
    assert Viewer.of(role).shown_sql() == "false"


CELLS = """select * from (values ('POLICE', 5, true), ('HEALTH', 7, true), ('POLICE', 9, false),
           ('HEALTH', 3, null)) as t(agency, numerator, suppressed) order by numerator"""


@pytest.mark.parametrize("role, page, export, hidden", [
    ("viewer", [3, None, None, 9], ["3", "c", "c", "9"], [False, True, True, False]),
    ("champion:POLICE", [3, 5, None, 9], ["3", "5", "c", "9"], [False, False, True, False]),
    ("analyst", [3, 5, 7, 9], [3, 5, 7, 9], [False, False, False, False])])
def test_how_a_suppressed_cell_reads_on_a_page_and_in_the_export(role, page, export, hidden):
    show = Viewer.of(role).shown_sql()
    rows = duckdb.sql(f"select {figure_sql('numerator', show)}, "
                      f"{figure_text_sql('numerator', show)}, {hidden_sql(show)} "
                      f"from ({CELLS})").fetchall()  # a NULL flag (the 3) is not suppressed
    assert [r[0] for r in rows] == page
    assert [r[1] for r in rows] == export
    assert [r[2] for r in rows] == hidden


def test_a_champion_sees_no_more_where_cells_have_no_agency():
    assert Viewer.of("champion:POLICE").shown_sql(by_agency=False) == "false"
    assert Viewer.of("analyst").shown_sql(by_agency=False) == "true"


@pytest.mark.parametrize("kind, lag, expected", [
    ("rolling_12_months", 0, "12 months to November 2026"),
    ("rolling_12_months", 6, "12 months to May 2026, followed to November 2026"),
    ("month_end", 0, "end of November 2026"),
    ("monthly", 0, "November 2026"),
    (None, 0, "November 2026"),
    ("quarterly", 0, "quarter to November 2026"),
    ("annual", 0, "year to November 2026")])
def test_period_label(kind, lag, expected):
    assert period_label(dt.date(2026, 11, 30), kind, lag) == expected


@pytest.mark.parametrize("end, expected", [
    (dt.date(2025, 12, 31), "autumn term 2025"), (dt.date(2026, 3, 31), "spring term 2026"),
    (dt.date(2026, 7, 31), "summer term 2026")])
def test_term_labels(end, expected):
    assert period_label(end, "term") == period_label(end, "termly") == expected
