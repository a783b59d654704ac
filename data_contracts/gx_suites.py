"""Compile contracts into Great Expectations suites and run them (pandas path).

GX is imported lazily (it takes seconds) and never by the dashboard. Each expectation
carries ``meta = {"rule": ..., "column": ...}`` so a failure maps back to a quarantine
rule; ``result_format=COMPLETE`` with ``unexpected_index_column_names`` gives the failing
rows. GX runs on the *typed* values of rows that were readable (reading failures are found
in SQL first, see data_contracts.rules).

Ingest hands GX one row per distinct combination of the checked values (a "profile"), not
one per file line: every expectation here looks at one row's values only, so a profile
passes or fails exactly as each of its lines would, and 2.5 million attendance rows are
about 26,000 profiles. pipelines.ingest.extract maps a failing profile back to the lines
with its values.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import threading
import warnings
from functools import cache

from data_contracts import Contract

LINE = "_line"
EPOCH = dt.date(1970, 1, 1)  # GX sees dates as days since this day (see frame_columns)


def day_number(day: dt.date) -> float:
    """A date as GX sees it in the frames ingest builds."""
    return float((day - EPOCH).days)
_lock = threading.Lock()


def expectation_specs(contract: Contract, run_date: dt.date | None) -> list[dict]:
    """The contract's single-row rules as plain GX expectation specs (type, kwargs, meta)."""
    specs: list[dict] = []

    def add(kind, rule, target, **kwargs):
        specs.append({"type": kind, "kwargs": kwargs, "meta": {"rule": rule, "column": target}})

    for c in contract.columns:
        if c.required:
            add("expect_column_values_to_not_be_null", "required", c.name, column=c.name)
        if c.type == "code" and c.codes:
            add("expect_column_values_to_be_in_set", "unknown_code", c.name,
                column=c.name, value_set=list(c.codes))
        if c.type == "code_list" and c.codes:
            alt = "|".join(re.escape(code) for code in c.codes)
            add("expect_column_values_to_match_regex", "unknown_code", c.name,
                column=c.name, regex=f"^(?:{alt})(?:;(?:{alt}))*$")
        if c.format_regex:
            add("expect_column_values_to_match_regex", "bad_format", c.name,
                column=c.name, regex=f"^(?:{c.format_regex})$")
        if c.min is not None or c.max is not None:
            add("expect_column_values_to_be_between", "out_of_range", c.name,
                column=c.name, min_value=c.min, max_value=c.max)
        if c.not_future and run_date is not None:
            add("expect_column_values_to_be_between", "future_date", c.name,
                column=c.name, max_value=day_number(run_date))
    for check in contract.checks:
        rule = check["rule"]
        if rule == "end_before_start":
            add("expect_column_pair_values_a_to_be_greater_than_b", rule, check["end"],
                column_A=check["end"], column_B=check["start"],
                or_equal=not check.get("strict", False), ignore_row_if="either_value_is_missing")
        elif "at_most" in check:
            add("expect_column_pair_values_a_to_be_greater_than_b", rule, check["column"],
                column_A=check["at_most"], column_B=check["column"], or_equal=True,
                ignore_row_if="either_value_is_missing")
        elif "alone" in check:
            code = re.escape(str(check["alone"]))
            add("expect_column_values_to_not_match_regex", rule, check["column"],
                column=check["column"], regex=f"(?:^{code};)|(?:;{code};)|(?:;{code}$)")
    return specs


# Ingest checks a required column's presence in DuckDB, not in GX (``presence_in_sql``):
# ``rules.required_failures`` tests the very value GX would see (``frame_columns``) for
# null -- pandas' null: NULL or NaN -- on the rows GX would see, so the quarantine is the
# same row for row. Over half the expectations were these, each costing GX the same
# per-expectation overhead (tens of ms) however small the frame.
PRESENCE = "expect_column_values_to_not_be_null"


def gx_specs(contract: Contract, run_date: dt.date | None,
             presence_in_sql: bool = False) -> list[tuple[int, dict]]:
    """(position, spec) of the specs GX runs: all, or all but the presence checks."""
    return [(i, s) for i, s in enumerate(expectation_specs(contract, run_date))
            if not (presence_in_sql and s["type"] == PRESENCE)]


def frame_columns(contract: Contract, presence_in_sql: bool = False) -> dict[str, str]:
    """Column name -> SQL expression (over the typed table) of the columns the suite needs,
    shaped for GX's vectorised pandas paths: numbers as DOUBLE, code lists joined with ';',
    columns checked only for presence as 1.0/NULL. Empty when the contract has no GX rule.
    ``presence_in_sql``: without the columns only the presence checks need."""
    specs = [s for _i, s in gx_specs(contract, dt.date.today(), presence_in_sql)]
    kinds: dict[str, set[str]] = {}
    for s in specs:
        for k in ("column", "column_A", "column_B"):
            if k in s["kwargs"]:
                kinds.setdefault(s["kwargs"][k], set()).add(s["type"])
    cols = {}
    for c in contract.columns:
        if c.name not in kinds:
            continue
        name = '"' + c.name + '"'
        if kinds[c.name] == {"expect_column_values_to_not_be_null"}:
            # only presence is checked (ids): a number is far cheaper for pandas than text
            cols[c.name] = f"case when {name} is not null then 1.0::DOUBLE end"
        elif c.type in ("integer", "bigint", "number"):
            cols[c.name] = f"{name}::DOUBLE"
        elif c.type == "code_list":
            cols[c.name] = f"array_to_string({name}, ';')"
        elif c.type == "date":
            # a day number, not a pandas datetime: datetime64[ns] ends in 2262 (an 'open-
            # ended' 9999-12-31 must be judged, not crash), and GX compares other datetime
            # units one value at a time in Python; numbers it compares vectorised
            cols[c.name] = f"({name} - DATE '{EPOCH.isoformat()}')::DOUBLE"
        else:
            cols[c.name] = name
    return cols


@cache
def _gx():
    """Import GX once, quietly, with an ephemeral context and progress bars off."""
    for name in ("great_expectations", "great_expectations.core", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # children's data: GX's usage analytics stay off (and there is no network to send to)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every in-memory frame (a pandas hash of all rows: ~0.3 s per million)
    # only to label the batch; our frames are labelled by file and line, so skip it.
    pandas_execution_engine.HASH_THRESHOLD = 0

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.enable_analytics(False)
    source = context.data_sources.add_pandas("lscp")
    return gx, context, source


def preload() -> None:
    """Import GX in advance (ingest calls this from a background thread)."""
    with _lock:
        _gx()


def build_suite(contract: Contract, run_date: dt.date | None, only: set[int] | None = None,
                presence_in_sql: bool = False):
    """A gx.ExpectationSuite compiled from the contract (``only``: those specs, by position;
    ``presence_in_sql``: without the presence checks, which ingest makes in DuckDB)."""
    gx, _context, _source = _gx()
    suite = gx.ExpectationSuite(name=f"lscp_{contract.kind}_{contract.name}")
    for i, spec in gx_specs(contract, run_date, presence_in_sql):
        if only is None or i in only:
            cls = _expectation_class(gx, spec["type"])
            suite.add_expectation(cls(**spec["kwargs"], meta={**spec["meta"], "spec": i}))
    return suite


def _expectation_class(gx, snake: str):
    camel = "".join(part.capitalize() for part in snake.split("_"))
    return getattr(gx.expectations, camel)


# One pandas asset and batch definition for every frame: each asset or batch definition GX
# adds rewrites its whole project config as YAML (measured: 2.3 s of the worker's CPU on
# the 300,000-children partnership with one asset per contract; the asset's name is no
# part of a check's answer).
ASSET = "lscp_profiles"
_suites: dict[tuple, object] = {}  # the suites this process compiled, by their specs


@cache
def _batch_definition():
    _gx_module, _context, source = _gx()
    return source.add_dataframe_asset(ASSET).add_batch_definition_whole_dataframe("whole")


def _suite(contract: Contract, run_date: dt.date | None, only: set[int] | None = None,
           presence_in_sql: bool = False):
    """``build_suite``, compiled once a process per suite (its specs) and subset."""
    key = (contract.kind, contract.name,
           json.dumps(expectation_specs(contract, run_date), sort_keys=True, default=str),
           None if only is None else frozenset(only), presence_in_sql)
    if key not in _suites:
        _suites[key] = build_suite(contract, run_date, only, presence_in_sql)
    return _suites[key]


def validate_frame(contract: Contract, frame, run_date: dt.date | None,
                   index: str = LINE, presence_in_sql: bool = False) -> list[tuple[int, str, str]]:
    """Run the contract's suite on a pandas frame; (index, rule, column) per failing row,
    where ``index`` names the frame's row-identifying column (a file line by default).
    ``presence_in_sql``: the presence checks are left to DuckDB (``rules.required_failures``)."""
    if frame is None or len(frame) == 0:
        return []
    with _lock:  # one GX context; validations run one at a time
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
        with warnings.catch_warnings():  # pandas: "pattern ... has match groups"
            warnings.simplefilter("ignore", UserWarning)
            # A yes/no pass first (three times cheaper); the failing rows are listed only
            # for the expectations that failed, which on most files is none.
            quick = batch.validate(_suite(contract, run_date, None, presence_in_sql),
                                   result_format={"result_format": "BOOLEAN_ONLY"})
            failed = {r.expectation_config.meta["spec"] for r in quick.results if not r.success}
            if not failed:
                return []
            result = batch.validate(
                _suite(contract, run_date, failed, presence_in_sql),
                result_format={"result_format": "COMPLETE",
                               "unexpected_index_column_names": [index]},
            )
    failures = []
    for r in result.results:
        if r.success:
            continue
        meta = r.expectation_config.meta or {}
        if "unexpected_index_list" not in (r.result or {}):
            raise RuntimeError(f"GX could not run {r.expectation_config.type} on "
                               f"{contract.name}: {r.exception_info}")
        for row in r.result["unexpected_index_list"]:
            failures.append((int(row[index]), meta["rule"], meta["column"]))
    return failures
