"""Page views and downloads of analysts and champions are recorded; a viewer's are not; the
analysts see the log on the data-quality page."""

from __future__ import annotations

import shutil

import pytest

from lscp_core import audit
from tests.dashboard.conftest import open_page
from tests.support.tables import page_tables


@pytest.fixture
def private_db(tmp_path, fake_db_path):
    db = tmp_path / "lscp.duckdb"
    shutil.copy2(fake_db_path, db)
    return db


@pytest.mark.parametrize("role", ["analyst", "champion:POL"])
def test_views_of_analysts_and_champions_are_recorded(app, use_db, private_db, role):
    use_db(private_db, role)
    at = open_page(app, "views/explorer.py", indicator="rereferral")
    entries = audit.read(audit.audit_path(private_db))
    assert [(e["role"], e["action"], e["page"], e["indicator"]) for e in entries][-1] == (
        role, "page_view", "Indicator explorer", "rereferral")
    at.run()  # the same view again is not a new entry
    assert len(audit.read(audit.audit_path(private_db))) == len(entries)


def test_a_viewer_is_not_recorded(app, use_db, private_db):
    use_db(private_db, "viewer")
    open_page(app, "views/explorer.py", indicator="rereferral")
    open_page(app, "views/localities.py")
    assert audit.read(audit.audit_path(private_db)) == []


def test_analysts_see_the_log_on_the_data_quality_page(app, use_db, private_db):
    audit.record(audit.audit_path(private_db), user="pc@police.example", role="champion:POL",
                 action="csv_download", page="Agency view")
    use_db(private_db, "analyst")
    at = open_page(app, "views/data_quality.py")
    tables = [d for d in page_tables(at)]
    log = next(t for t in tables if "User" in t.columns)
    assert "pc@police.example" in set(log["User"])
    use_db(private_db, "viewer")
    at = open_page(at, "views/data_quality.py")
    assert not [d for d in page_tables(at) if "User" in d.columns]
