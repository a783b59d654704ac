"""The Excel template for the manual measures: the contract's columns on the first sheet,
dropdowns from the partnership's lists, and a filled copy loads through the inbox."""

from __future__ import annotations

import datetime as dt
import io

import duckdb
from openpyxl import load_workbook

from data_contracts import extract_contracts
from lscp_cli.main import main
from lscp_core.settings import DEFAULT_SEEDS
from pipelines.export import template_from_seeds
from pipelines.ingest import ingest


def _book(payload: bytes):
    return load_workbook(io.BytesIO(payload))


def _validations(sheet) -> dict[str, object]:
    out = {}
    for rule in sheet.data_validations.dataValidation:
        for cells in str(rule.sqref).split():
            out[cells.split(":")[0].rstrip("0123456789")] = rule
    return out


def test_first_sheet_has_the_contract_columns_and_dropdowns():
    book = _book(template_from_seeds(DEFAULT_SEEDS))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == extract_contracts()["manual_measures"].column_names
    rules = _validations(sheet)
    assert rules["A"].type == "list" and rules["A"].formula1.startswith("'Lists'!$A$2")
    assert rules["B"].type == "date"
    assert rules["C"].type == "list" and rules["D"].type == "list"
    assert (rules["F"].type, rules["F"].operator, rules["F"].formula1) == (
        "decimal", "greaterThanOrEqual", "1")
    assert rules["I"].type == "textLength" and not rules["I"].allow_blank
    lists = book["Lists"]
    assert lists.sheet_state == "hidden"
    ids = [c.value for c in lists["A"][1:] if c.value]
    assert "audit_voice_of_child" in ids and len(ids) == 10
    assert [c.value for c in lists["B"][1:3]] == ["All", "POLICE"]
    assert "Northgate" in [c.value for c in lists["C"]]


def test_a_filled_template_loads_through_the_inbox(tmp_path):
    book = _book(template_from_seeds(DEFAULT_SEEDS))
    sheet = book.worksheets[0]
    sheet.append(["audit_voice_of_child", dt.date(2025, 3, 31), "All", "All", 14, 20, 70,
                  "Multi-agency audit", "QA lead", None])
    sheet.append(["made_up_measure", dt.date(2025, 3, 31), "All", "All", 1, 2, None,
                  "Multi-agency audit", "QA lead", None])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    book.save(inbox / "manual_measures_Q1.xlsx")
    con = duckdb.connect()
    ingest(con, inbox, DEFAULT_SEEDS, run_id="r", key=b"k" * 32, run_date=dt.date(2025, 6, 30),
           previous=None)
    assert con.execute("select measure_id, numerator, denominator, value "
                       "from src_manual_measures").fetchall() == [
        ("audit_voice_of_child", 14.0, 20.0, 70.0)]
    assert con.execute("select line, rule from quarantine where extract = 'manual_measures'"
                       ).fetchall() == [(3, "unknown_measure")]


def test_lscp_template_writes_the_file_and_refuses_a_bad_name(tmp_path, capsys):
    out = tmp_path / "template.xlsx"
    assert main(["template", "--out", str(out)]) == 0
    assert _book(out.read_bytes()).sheetnames[0] == "manual_measures"
    assert main(["template", "--out", str(tmp_path / "template.csv")]) != 0
    assert "must end in .xlsx" in capsys.readouterr().err
