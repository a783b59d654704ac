"""Fixtures for the dashboard tests: fake databases, a role, an AppTest with clean caches."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import pages
from tests.dashboard import fake_db
from tests.support.tables import open_tables

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = [p.script for p in pages.PAGES]  # the app's own registry
TITLES = {p.script: p.heading for p in pages.PAGES}


@pytest.fixture(scope="session")
def fake_db_path(tmp_path_factory) -> Path:
    return fake_db.build(tmp_path_factory.mktemp("db") / "lscp.duckdb")


@pytest.fixture(scope="session")
def poisoned_db_path(tmp_path_factory) -> Path:
    return fake_db.build(tmp_path_factory.mktemp("poison") / "lscp.duckdb", poison=True)


def _clear():
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def use_db(monkeypatch, tmp_path):
    """Point the dashboard at a database and a role: ``use_db(path, role)``."""

    def _use(path: Path, role: str = "viewer", extra: str = "") -> Path:
        config = tmp_path / "lscp.toml"
        config.write_text(f'[dashboard]\ndefault_role = "{role}"\n{extra}', encoding="utf-8")
        monkeypatch.setenv("LSCP_DB", str(path))
        monkeypatch.setenv("LSCP_CONFIG", str(config))
        _clear()
        return path

    yield _use
    _clear()


@pytest.fixture
def app():
    """A fresh AppTest of the whole app (call .run() yourself)."""
    _clear()
    return AppTest.from_file(str(APP), default_timeout=60)


# The pages AppTest finds before the app's first run: by their file's name, which is the
# address st.Page gives a page with no url_path of its own (AppTest.switch_page's docs).
_FOUND_BY_FILE = {p.script for p in pages.PAGES if p.url_path in ("", Path(p.file).stem)}


def open_page(at: AppTest, page: str, **query) -> AppTest:
    """Switch to ``page`` and run it. A fresh AppTest runs it as its first run where AppTest
    finds it by its file's name; otherwise the app runs once first (registering the pages):
    the home page's run is then the only extra one (most of a second of CPU a test)."""
    first = not getattr(at, "_lscp_started", False)
    at._lscp_started = True
    if first and page not in _FOUND_BY_FILE:
        at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    open_tables(at)  # the tables behind "View as table", as a reader opening them
    assert not at.exception, [e.value for e in at.exception]
    return at
