"""The council level of a partnership of several councils (outputs.md `council`; issue 21):
filters on the pages, councils beside localities, suppression, downloads and the board pack.
A partnership of one council shows nothing council-related."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from dashboard import data
from tests.dashboard import fake_db
from tests.dashboard.conftest import open_page

ASHVALE, CORRIE = "Ashvale", "Corrie Bay"


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


def table(at, column: str) -> pd.DataFrame:
    for d in at.dataframe:
        if column in d.value.columns:
            return d.value
    raise AssertionError(f"no table with a {column!r} column")


def test_smoke_pages(app, use_db, two_councils):
    use_db(two_councils)
    for page in ("views/explorer.py", "views/localities.py", "views/agency.py"):
        at = open_page(app, page)
        assert not at.error
