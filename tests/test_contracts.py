"""The YAML contracts agree with the typed tables, the rule names, and compile into GX."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from data_contracts import RULE_ORDER, extract_contracts, gx_suites, seed_contracts
from data_contracts.schema import SEED_TABLES, SRC_TABLES

ROOT = Path(__file__).resolve().parents[1]
# the rule names documented in docs/architecture.md "Quarantine rule names"
RULES = {"required", "bad_date", "future_date", "unknown_code", "bad_yes_no", "bad_integer",
         "bad_format", "out_of_range", "bad_combination", "end_before_start", "duplicate",
         "orphan_child", "orphan_referral", "before_referral", "unknown_measure",
         "value_mismatch"}


def test_every_extract_and_seed_has_a_contract_matching_the_schema():
    # the contracts folder holds exactly the extracts and seeds the schema lists
    folder = {p.stem for p in (ROOT / "data_contracts" / "extracts").glob("*.yaml")}
    assert folder == set(SRC_TABLES)
    assert {p.stem for p in (ROOT / "data_contracts" / "seeds").glob("*.yaml")} == set(SEED_TABLES)
    assert list(extract_contracts()) == list(SRC_TABLES)
    assert list(seed_contracts()) == list(SEED_TABLES)
    for name, contract in extract_contracts().items():
        assert [(c.name, c.duckdb_type) for c in contract.columns] == SRC_TABLES[name], name
    for name, contract in seed_contracts().items():
        assert [(c.name, c.duckdb_type) for c in contract.columns] == SEED_TABLES[name], name


def test_rule_names_are_the_documented_ones():
    assert set(RULE_ORDER) == RULES
    architecture = (ROOT / "docs" / "architecture.md").read_text()
    for rule in RULES:
        assert f"`{rule}`" in architecture
    for contract in extract_contracts().values():
        for spec in gx_suites.expectation_specs(contract, dt.date(2025, 1, 1)):
            assert spec["meta"]["rule"] in RULES
        for rule in contract.cross_file:
            assert rule["rule"] in RULES


def test_spec_required_columns():
    required = {n: c.required_columns for n, c in extract_contracts().items()}
    assert required["children"] == ["child_id"]
    assert required["referrals"] == ["referral_id", "child_id", "referral_date"]
    assert required["cp_plans"] == ["cp_plan_id", "child_id", "start_date", "initial_category"]
    assert required["two_year_olds"] == ["term", "child_id", "registered"]
    assert extract_contracts()["attendance"].key == ()
    assert extract_contracts()["two_year_olds"].key == ("term", "child_id")


def test_every_id_of_an_extract_is_pseudonymised_and_the_upn_not_stored():
    kept_as_sent = {("neglect_tools", "tool_assessment_id")}  # the spec's same-day order
    for contract in extract_contracts().values():
        for c in contract.columns:
            if c.type == "id":
                assert c.pseudonymise is ((contract.name, c.name) not in kept_as_sent), c.name
            else:
                assert not c.pseudonymise, c.name
    assert extract_contracts()["children"].column("upn").stored is False
    assert all(c.stored for n, con in extract_contracts().items() for c in con.columns
               if (n, c.name) != ("children", "upn"))


def test_seed_codes_are_not_pseudonymised():
    assert not any(c.pseudonymise for con in seed_contracts().values() for c in con.columns)


@pytest.mark.parametrize("value, ok", [("A123456789012", True), ("A12345678901B", True),
                                       ("a123456789012", False), ("A1234567890", False),
                                       ("AB23456789012", False)])
def test_upn_format(value, ok):
    regex = extract_contracts()["children"].column("upn").format_regex
    assert bool(re.fullmatch(regex, value)) is ok


def test_contracts_compile_into_gx_suites_and_catch_failures():
    import pandas as pd

    contract = extract_contracts()["neglect_tools"]
    suite = gx_suites.build_suite(contract, dt.date(2025, 1, 1))
    assert len(suite.expectations) == len(gx_suites.expectation_specs(contract, dt.date(2025, 1, 1)))
    frame = pd.DataFrame({
        "_line": [2, 3, 4],
        "tool_assessment_id": ["T1", "T2", None],
        "child_id": ["a", "b", "c"],
        "tool": ["GCP2", "XYZ", "NTK"],
        "agency": ["HV", "HV", "HV"],
        "completed_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2026-01-01"]),
        "overall_grade": [1.0, 6.0, None],
        "physical_care": [None, None, None], "safety": [None, None, None],
        "emotional_care": [None, None, None], "developmental_care": [None, None, None],
    })
    failures = set(gx_suites.validate_frame(contract, frame, dt.date(2025, 1, 1)))
    # a completion date after the run date is no rule of the spec's (only referral_date is)
    assert failures == {(4, "required", "tool_assessment_id"), (3, "unknown_code", "tool"),
                        (3, "out_of_range", "overall_grade")}


def test_dates_of_any_year_reach_gx_and_are_judged():
    import pandas as pd

    contract = extract_contracts()["referrals"]
    when = [dt.datetime(2024, 1, 1), dt.datetime(9999, 12, 31), dt.datetime(24, 1, 5),
            dt.datetime(2024, 1, 1)]
    closed = [dt.datetime(2023, 12, 1), None, dt.datetime(23, 1, 5), dt.datetime(9999, 1, 1)]
    def days(values):  # dates as ingest hands them to GX
        return [None if v is None else gx_suites.day_number(v.date()) for v in values]

    frame = pd.DataFrame({
        "_line": [2, 3, 4, 5], "referral_id": [1.0] * 4, "child_id": [1.0] * 4,
        "referral_date": days(when), "referral_source": ["1A"] * 4, "primary_need": ["N1"] * 4,
        "closure_date": days(closed), "closure_reason": [None] * 4,
    })
    failures = set(gx_suites.validate_frame(contract, frame, dt.date(2025, 1, 1)))
    assert failures == {(2, "end_before_start", "closure_date"),
                        (3, "future_date", "referral_date"),
                        (4, "end_before_start", "closure_date")}


def test_readme_documents_every_contract():
    readme = (ROOT / "data_contracts" / "README.md").read_text()
    for name in list(extract_contracts()) + list(seed_contracts()):
        assert f"`{name}`" in readme, name


def _whole_number(text: str, digits: int) -> int | None:
    """The contract's reading of a whole number, in plain Python: optional sign, up to
    ``digits`` digits, optionally '.' and zeros (a spreadsheet's '12.0')."""
    found = re.fullmatch(rf"([+-]?[0-9]{{1,{digits}}})(\.0*)?", text)
    if not found:
        return None
    value = int(found.group(1))
    return value if -2**31 <= value < 2**31 else None


INTEGER_TEXTS = ["12", "012", "12.0", "12.", "12.5", "1e3", "1_000", "0x10", "+5", "-0", "-7",
                 ".5", "999999999", "1000000000", "-99999999", "-999999999", "2147483647", "١٢"]


@pytest.mark.parametrize("text", INTEGER_TEXTS)
def test_whole_numbers_are_read_exactly_as_the_contract_says(text):
    import duckdb

    from data_contracts.rules import typed_value

    column = extract_contracts()["attendance"].column("sessions_possible")
    sql = f"select {typed_value(column, 'v')} from (select ?::VARCHAR as v)"
    got = duckdb.connect().execute(sql, [text]).fetchall()[0][0]
    assert got == _whole_number(text, 9)


def test_whole_number_reading_matches_the_python_reading_on_random_text():
    import duckdb
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from data_contracts.rules import typed_value

    column = extract_contracts()["attendance"].column("sessions_possible")
    con = duckdb.connect()
    sql = f"select {typed_value(column, 'v')} from (select ?::VARCHAR as v)"

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet="0123456789+-.e_x ", min_size=1, max_size=12))
    def check(text):
        assert con.execute(sql, [text]).fetchall()[0][0] == _whole_number(text, 9)

    check()


def test_the_column_reference_is_derived_from_the_contracts_and_current():
    from data_contracts import docs

    text = docs.render()
    # every contract column appears in the reference, with its DuckDB type
    for name, columns in SRC_TABLES.items():
        assert f"## `{name}`" in text
        for column, duckdb_type in columns:
            assert f"| `{column}` | " in text and duckdb_type in text
    assert docs.DOC_FILE.read_text(encoding="utf-8") == text, (
        "data_contracts/EXTRACTS.md is stale: run `python -m data_contracts.docs`")


def test_presence_checks_in_duckdb_fail_exactly_the_rows_gx_fails():
    """Ingest checks required columns in DuckDB (rules.required_failures), not in GX: on every
    contract, a typed table with blanks, NaN, empty code lists and reading failures gives the
    same (line, 'required', column) as GX's not-null expectations on the frame GX is handed."""
    import duckdb

    from data_contracts import rules

    con = duckdb.connect()
    run = dt.date(2025, 1, 1)
    sample = {"date": "DATE '2024-01-02'", "yes_no": "true", "integer": "3", "bigint": "3",
              "number": "2.5::DOUBLE", "code_list": "['A']"}
    checked = 0
    # and a required number with a range, which GX is handed as a number (NaN: missing)
    ranged = dataclasses.replace(seed_contracts()["benchmarks"], columns=tuple(
        dataclasses.replace(c, min=0.0) if c.name == "value" else c
        for c in seed_contracts()["benchmarks"].columns))
    for contract in [*extract_contracts().values(), *seed_contracts().values(), ranged]:
        required = [s["kwargs"]["column"] for _i, s in gx_suites.gx_specs(contract, run)
                    if s["type"] == gx_suites.PRESENCE]
        if not required:
            continue
        rows = []
        for line in range(2, 12):
            cells = []
            for i, c in enumerate(contract.columns):
                value = sample.get(c.type, "'X'")
                blank = (line + i) % 3 == 0
                if c.type == "number" and line % 4 == 0:
                    value = "'NaN'::DOUBLE"  # read from the text 'nan': pandas calls it null
                if c.type == "code_list" and line % 5 == 0:
                    value = "[]::VARCHAR[]"  # ';;' read as an empty list: present
                cells.append(f"NULL::{c.duckdb_type}" if blank else f"{value}::{c.duckdb_type}")
            pf = "'bad_date'" if line == 11 else "NULL"  # a reading failure: neither checks it
            rows.append(f"select {line} as _line, {', '.join(f'{v} as {q}' for v, q in zip(cells, [rules.q(c.name) for c in contract.columns], strict=True))}, {pf} as _pf_rule")
        con.execute("create or replace table typed as " + " union all ".join(rows))
        in_sql = set(con.execute(rules.required_failures(contract, "typed")).fetchall())
        shown = gx_suites.frame_columns(contract)
        frame = con.execute(
            "select _line, " + ", ".join(f"{e} as {rules.q(n)}" for n, e in shown.items())
            + " from typed where _pf_rule is null").df()
        by_gx = {f for f in gx_suites.validate_frame(contract, frame, run) if f[1] == "required"}
        assert in_sql == by_gx, contract.name
        assert by_gx, contract.name  # the sample does miss required values
        checked += 1
    assert checked >= 16
