"""The board role: every figure unsuppressed, as the analyst sees it, but read-only; every
view in the audit log; its pack marked OFFICIAL-SENSITIVE on every page."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from dashboard import auth, boardpack
from lscp_core import audit
from lscp_core.settings import Settings
from tests.dashboard import fake_db
from tests.dashboard.conftest import open_page
from tests.dashboard.test_disclosure import SENTINEL
from tests.support.tables import page_tables

MARKING = "OFFICIAL-SENSITIVE — not for publication"


@pytest.fixture
def private_poisoned(tmp_path, poisoned_db_path):
    db = tmp_path / "lscp.duckdb"
    shutil.copy2(poisoned_db_path, db)
    return db


def _figures(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if d.key == "table_figures") \
        if any(getattr(d, "key", None) == "table_figures" for d in at.dataframe) else \
        next(d for d in page_tables(at) if "Locality" in d.columns
             and "Numerator" in d.columns)


def test_a_board_member_sees_unsuppressed_figures_and_the_view_is_audited(
        app, use_db, private_poisoned):
    use_db(private_poisoned, "board")
    at = open_page(app, "views/explorer.py", indicator="cp_repeat_2y")
    figures = _figures(at)
    # the poisoned cells' own figures (sentinels), where a viewer sees c
    assert str(fake_db.SENTINEL_NUM) in set(figures["Numerator"])
    assert "c" not in set(figures["Value"])
    entries = audit.read(audit.audit_path(private_poisoned))
    assert [(e["role"], e["action"], e["page"], e["indicator"]) for e in entries][-1] == (
        "board", "page_view", "Indicator explorer", "cp_repeat_2y")
    sidebar = " ".join(w.value for w in at.sidebar.warning)
    assert "Board view" in sidebar and MARKING in sidebar


def test_the_same_page_for_a_viewer_shows_c_and_records_nothing(app, use_db, private_poisoned):
    use_db(private_poisoned, "viewer")
    figures = _figures(open_page(app, "views/explorer.py", indicator="cp_repeat_2y"))
    assert str(fake_db.SENTINEL_NUM) not in set(figures["Numerator"])
    assert "c" in set(figures["Value"])
    assert audit.read(audit.audit_path(private_poisoned)) == []


def test_the_board_reads_commentary_but_writes_nothing(app, use_db, fake_db_path, tmp_path):
    db = tmp_path / "lscp.duckdb"
    shutil.copy2(fake_db_path, db)
    use_db(db, "board", extra=f'commentary_db = "{tmp_path / "notes.sqlite"}"\n')
    at = open_page(app, "views/commentary.py")
    assert len(at.text_area) == 0
    assert not [b for b in at.button if b.key in ("cm_save", "ac_save")]
    assert "Only analysts" in " ".join(i.value for i in at.info)
    # row-level details and the audit log stay with the analysts
    at = open_page(at, "views/data_quality.py")
    assert not [d for d in page_tables(at) if "User" in d.columns]
    assert not [e for e in at.expander if "Quarantined rows" in e.label]


def test_board_members_are_named_in_the_settings_and_rank_below_analysts():
    conf = Settings(analysts=["ana@x.gov.uk"], board=["chair@x.gov.uk", "lscp-board"],
                    champions={"pc@police.example": "POLICE"})
    assert auth.role_for("chair@x.gov.uk", [], conf) == "board"
    assert auth.role_for("someone@x.gov.uk", ["LSCP-Board"], conf) == "board"
    assert auth.role_for("ana@x.gov.uk", ["lscp-board"], conf) == "analyst"
    assert auth.role_for("chair@x.gov.uk", [], conf, verified=False) == "viewer"
    assert auth.local_role("board") == "board"


def test_the_board_pack_is_unsuppressed_and_marked(use_db, poisoned_db_path):
    use_db(poisoned_db_path, "board")
    html = boardpack.build("board", None, pd.Timestamp("2025-09-30"))
    assert SENTINEL.search(html)  # the poisoned cells' figures, unsuppressed
    # a banner the HTML opens and ends with, and the top margin of every printed page
    body = html.split("<body", 1)[1]
    assert body.count(f'<p class="lscp-marking" role="note">{MARKING}</p>') == 2
    assert f'@top-center {{ content: "{MARKING}"' in html
    assert boardpack.marking("board") == MARKING
    for role in ("viewer", "analyst", "champion:POL"):
        assert boardpack.marking(role) is None
    viewer = boardpack.build("viewer", None, pd.Timestamp("2025-09-30"))
    assert MARKING not in viewer
