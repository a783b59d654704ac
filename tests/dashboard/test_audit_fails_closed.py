"""Issue 25: the audit trail fails closed. An analyst's (or champion's) view is recorded
before anything is drawn; when the log cannot be written the page says so and shows the
restricted view: no unsuppressed figure anywhere (the poisoned database's sentinels are
searched for in everything Streamlit would send, as in test_disclosure)."""

from __future__ import annotations

import shutil

import pytest

from lscp_core import audit
from tests.dashboard.conftest import open_page
from tests.dashboard.test_disclosure import scanner  # noqa: F401


@pytest.fixture
def poisoned_copy(tmp_path, poisoned_db_path):
    db = tmp_path / "db" / "lscp.duckdb"
    db.parent.mkdir()
    shutil.copy2(poisoned_db_path, db)
    return db


def _unwritable(tmp_path):
    """An audit log no one can write, root included: its folder is a file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    return blocker / "audit.jsonl"


def _visit(app, scan) -> None:
    """The pages where unsuppressed figures are: scorecard (and its downloads), explorer
    (chart, table, CSV, who), localities, agency view, data quality."""
    app.default_timeout = 300  # a loaded 2-core machine
    at = app.run()
    scan.app("scorecard", at)
    at = open_page(at, "views/explorer.py", indicator="cp_repeat")
    scan.app("explorer cp_repeat", at)
    at.radio(key="who_dimension").set_value("disability").run()
    scan.app("explorer who", at)
    at = open_page(at, "views/localities.py")
    scan.app("localities", at)
    at = open_page(at, "views/agency.py")
    at.selectbox(key="ag_agency").set_value("POL").run()
    scan.app("agency POL", at)
    at = open_page(at, "views/data_quality.py")
    scan.app("data quality", at)


@pytest.mark.parametrize("role", ["analyst", "champion:POL"])
def test_an_unwritable_audit_log_shows_no_unsuppressed_figure(app, use_db, poisoned_copy,
                                                            scanner, tmp_path, role):  # noqa: F811
    log = _unwritable(tmp_path)
    use_db(poisoned_copy, role, extra=f'audit_log = "{log}"\n')
    _visit(app, scanner)
    assert scanner.found == []
    assert not log.exists()


@pytest.mark.parametrize("role", ["analyst", "champion:POL"])
def test_the_same_visit_with_a_writable_log_shows_them(app, use_db, poisoned_copy, scanner,  # noqa: F811
                                                       role):
    """The scan can fail: with the log written, the same visit finds unsuppressed figures."""
    use_db(poisoned_copy, role)
    _visit(app, scanner)
    assert scanner.found
    assert {e["role"] for e in audit.read(audit.audit_path(poisoned_copy))} == {role}


def test_the_page_says_why_and_the_sidebar_shows_the_restricted_view(app, use_db,
                                                                     poisoned_copy, tmp_path):
    use_db(poisoned_copy, "analyst", extra=f'audit_log = "{_unwritable(tmp_path)}"\n')
    at = open_page(app, "views/explorer.py", indicator="rereferral")
    assert any("audit log could not be written" in e.value for e in at.error)
    assert at.session_state["role"] == "viewer"
    assert not at.sidebar.warning or "Analyst view" not in at.sidebar.warning[0].value
    assert "shown as **c**" in at.sidebar.info[0].value


def test_once_the_log_can_be_written_the_analyst_view_returns(app, use_db, poisoned_copy,
                                                              tmp_path):
    blocked = tmp_path / "audit"
    blocked.write_text("")  # a file where the log's folder should be
    log = blocked / "audit.jsonl"
    use_db(poisoned_copy, "analyst", extra=f'audit_log = "{log}"\n')
    at = open_page(app, "views/explorer.py", indicator="rereferral")
    assert at.session_state["role"] == "viewer"
    blocked.unlink()
    blocked.mkdir()
    at.run()
    assert at.session_state["role"] == "analyst" and not at.error
    assert [(e["role"], e["page"], e["indicator"]) for e in audit.read(log)] == [
        ("analyst", "Indicator explorer", "rereferral")]


def test_the_entry_is_written_before_the_page_runs(app, use_db, poisoned_copy, monkeypatch):
    """The page's first element is drawn only once the log holds the view."""
    import streamlit as st

    use_db(poisoned_copy, "analyst")
    seen = []
    real = st.title

    def title(*args, **kwargs):
        seen.append(len(audit.read(audit.audit_path(poisoned_copy))))
        return real(*args, **kwargs)

    monkeypatch.setattr(st, "title", title)
    open_page(app, "views/localities.py")
    assert seen and seen[-1] >= 1
    entries = audit.read(audit.audit_path(poisoned_copy))
    assert entries[-1]["page"] == "Localities" and entries[-1]["month"]
