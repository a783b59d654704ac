"""Downloads for Excel: every CSV the app offers (each goes through ui.download_csv, captured
here) has numeric columns a spreadsheet reads as numbers beside any figure written as text;
counts are whole numbers; no thousands separator, unit or leading apostrophe in a numeric
column; ``c`` only where a restricted viewer's figure is withheld (the analyst's same cell
is a number)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from dashboard import formatting as fmt
from dashboard import ui
from tests.dashboard.conftest import PAGES, open_page

NUMBER = re.compile(r"-?\d+(\.\d+)?")
INTEGER = re.compile(r"-?\d+")
SYMBOLS = {"", fmt.NOT_AVAILABLE, fmt.NOT_APPLICABLE}  # blank, x (not available), z (n/a)
# a figure written for reading: thousands separator, a unit or a sign word
FORMATTED = re.compile(r"\d,\d{3}|\d%|per 10,000|percentage points?|^'|^[+−]\d")
# the numeric columns' names: the figure and its parts
NUMERIC = re.compile(r"^(Value|Numerator|Denominator|Partnership|Share of all|"
                     r"Rows (read|loaded|quarantined|superseded)|ISO dates|NULL cells|Total|"
                     r"Days old|Expected every \(days\)|Start value|End value|"
                     r"Mean \(centre line\)|(Lower|Upper) process limit|.* \(number\))$")
COUNTS = re.compile(r"^(Numerator|Denominator|Rows .*|ISO dates|NULL cells|Total|Days old|"
                    r"Expected every \(days\))$")
# the CSVs that carry a measure's figures: the text a reader sees, and the numbers beside it
WITH_FIGURES = ("scorecard-", "exceptions-", "strategies.csv", "annual-report-extract-",
                "LA-summary-")


REAL_DOWNLOAD = ui.download_csv


def _captured(monkeypatch) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    real = REAL_DOWNLOAD

    def capture(table, filename, key, label="Download this table (CSV)"):
        text = fmt.csv_bytes(table).decode("utf-8-sig")
        found[filename] = list(csv.reader(io.StringIO(text)))
        return real(table, filename, key, label)

    monkeypatch.setattr(ui, "download_csv", capture)
    return found


def _every_csv(app, use_db, path, role, monkeypatch) -> dict[str, list[list[str]]]:
    found = _captured(monkeypatch)
    use_db(path, role)
    at = app
    for page in PAGES:
        open_page(at, page)
        if page == "views/agency.py":  # an agency chosen: its summary and charts
            at.selectbox(key="ag_agency").set_value("LA").run()
    return found


@pytest.fixture
def offered(fake_db_path, use_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.dashboard.conftest import APP

    def _for(role):
        return _every_csv(AppTest.from_file(str(APP), default_timeout=90), use_db,
                          fake_db_path, role, monkeypatch)
    return _for


def _numeric_columns(rows):
    return [i for i, name in enumerate(rows[0]) if NUMERIC.match(name)]


def _check(name: str, rows: list[list[str]], role: str) -> list[str]:
    problems = []
    header, body = rows[0], rows[1:]
    numeric = _numeric_columns(rows)
    for i in numeric:
        for n, row in enumerate(body, start=2):
            cell = row[i]
            if cell in SYMBOLS or (cell == fmt.CONFIDENTIAL and role != "analyst"):
                continue
            pattern = INTEGER if COUNTS.match(header[i]) else NUMBER
            if not pattern.fullmatch(cell):
                problems.append(f"{name} line {n} {header[i]!r}: {cell!r}")
    if any(FORMATTED.search(cell) for row in body for i, cell in enumerate(row)
           if i not in numeric and header[i] not in ("Unit", "Measured as", "Definition")):
        if not any(header[i] in ("Value", "End value") or header[i].endswith(" (number)")
                   for i in numeric):
            problems.append(f"{name}: figures as text ({header}) and no numeric value column")
    if role == "analyst":  # an analyst sees every figure: no c anywhere
        problems += [f"{name} line {n}: c for an analyst" for n, row in enumerate(body, 2)
                     if fmt.CONFIDENTIAL in row]
    return problems


def test_every_csv_the_app_offers_reads_as_numbers_in_a_spreadsheet(offered):
    viewer, analyst = offered("viewer"), offered("analyst")
    assert len(viewer) >= 15, sorted(viewer)
    for prefix in WITH_FIGURES:
        files = [n for n in viewer if n.startswith(prefix)]
        assert files, prefix
        for n in files:
            assert {"Value (number)", "Numerator", "Denominator"} <= set(viewer[n][0]) or \
                {"Start value", "End value", "Change (number)"} <= set(viewer[n][0]) or \
                {"Agency value (number)"} <= set(viewer[n][0]) or \
                {"Agency count (number)", "Share (number)"} <= set(viewer[n][0]), n
    problems = [p for role, found in (("viewer", viewer), ("analyst", analyst))
                for name, rows in found.items() for p in _check(name, rows, role)]
    assert not problems, "\n".join(problems)
    # c only where a restricted viewer's figure is withheld: the analyst's same cell is not
    # c, and every other numeric cell is the analyst's own
    withheld = 0
    for name, rows in viewer.items():
        theirs = analyst.get(name)
        if theirs is None or len(theirs) != len(rows) or theirs[0] != rows[0]:
            continue
        for i in _numeric_columns(rows):
            for mine, full in zip(rows[1:], theirs[1:], strict=True):
                if mine[i] == fmt.CONFIDENTIAL:
                    withheld += 1
                    # a figure, or x where a withheld cell has none (a zero denominator)
                    assert NUMBER.fullmatch(full[i]) or full[i] in SYMBOLS, (
                        name, rows[0][i], full[i])
                else:
                    assert mine[i] == full[i], (name, rows[0][i], mine[i], full[i])
    assert withheld > 0  # the fake partnership has cells to withhold


def test_the_rules_catch_what_excel_misreads():
    bad = [["Indicator", "Value", "Numerator", "Change (number)"],
           ["A", "18.2 per 10,000", "1,798", "'+2.4"], ["B", "2492", "2492.0", "c"]]
    assert len(_check("bad.csv", bad, "viewer")) == 4  # 3 on line 2; 2492.0 is no count
    assert len(_check("bad.csv", bad, "analyst")) == 6  # and c, twice, for an analyst
    text_only = [["Indicator", "Value as shown"], ["A", "18.2 per 10,000"]]
    assert any("no numeric value column" in p for p in _check("t.csv", text_only, "viewer"))


def test_tables_own_csv_download_is_off(app, use_db, fake_db_path):
    import streamlit as st

    from lscp_cli.serve import streamlit_command

    use_db(fake_db_path, "viewer")
    st.set_option("client.disableDataExport", False)
    app.run()
    assert st.get_option("client.disableDataExport") is True
    cmd = streamlit_command(8501, "127.0.0.1")
    assert cmd[cmd.index("--client.disableDataExport") + 1] == "true"
