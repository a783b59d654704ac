"""Issue 25: viewers see no e-mail addresses (the pack list, commentary bylines, the board
pack); e-mail addresses and groups are two namespaces in the role lists."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from dashboard import auth, boardpack
from dashboard import commentary as dash_commentary
from lscp_core import commentary as store
from lscp_core import packs
from lscp_core.errors import UserError
from lscp_core.settings import Settings, load_settings
from tests.dashboard.conftest import open_page
from tests.dashboard.test_pages import table, texts

ANA = "ana.lyst@northshire.example"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def site(use_db, fake_db_path, tmp_path):
    db = tmp_path / "lscp.duckdb"
    shutil.copy2(fake_db_path, db)
    notes = tmp_path / "notes.sqlite"
    store.save_comment(notes, "cp_neglect_rate", "2025-09", "Steady this quarter", ANA, 0)
    packs.keep(db, b"<html></html>", kind="html", month="2025-09", scope="all strategies",
               who=ANA, role="analyst")
    packs.keep(db, b"<html></html>", kind="html", month="2025-09", scope="all strategies",
               who="pc@police.example", role="champion:POL")
    packs.keep(db, b"<html></html>", kind="html", month="2025-09", scope="all strategies",
               who="lscp", role="viewer")

    def _as(role: str):
        use_db(db, role, extra=f'commentary_db = "{notes}"\n')
        return db

    return _as


@pytest.mark.parametrize("role", ["viewer", "champion:POL"])
def test_no_email_address_reaches_a_restricted_reader(app, site, role):
    site(role)
    at = open_page(app, "views/commentary.py")
    made = table(at, "Made by")
    assert list(made["Made by"]) == ["Viewer", "Champion (POL)", "Analyst"]  # newest first
    assert EMAIL.findall(texts(at)) == []
    at = open_page(at, "views/scorecard.py")
    assert "Steady this quarter" in texts(at) and EMAIL.findall(texts(at)) == []


def test_an_analyst_sees_who(app, site):
    site("analyst")
    at = open_page(app, "views/commentary.py")
    assert ANA in set(table(at, "Made by")["Made by"])
    assert ANA in texts(at)


def test_a_viewers_board_pack_names_no_one(site):
    site("viewer")
    html = boardpack.build("viewer", None, pd.Timestamp("2025-09-30"))
    assert "Steady this quarter" in html and ANA not in html and "Analyst, " in html
    assert ANA in boardpack.build("analyst", None, pd.Timestamp("2025-09-30"))


def test_person_outside_a_running_app_is_the_restricted_reader():
    assert dash_commentary.person(ANA) == "Analyst"
    assert dash_commentary.person(ANA, "analyst") == ANA
    assert dash_commentary.person("lscp", "viewer", "command line") == "The command line"


# --- two namespaces ----------------------------------------------------------------------

def test_a_group_named_like_an_analysts_address_makes_no_one_an_analyst():
    conf = Settings(analysts=[ANA], champions={"pc@police.example": "POLICE"})
    assert auth.role_for(ANA, [], conf) == "analyst"
    assert auth.role_for("mallory@example.org", [ANA], conf) == "viewer"
    assert auth.role_for("mallory@example.org", ["pc@police.example"], conf) == "viewer"
    assert auth.listed_as_email([ANA, "other"], conf) == [ANA]


def test_a_group_never_matches_as_an_email_either():
    conf = Settings(analyst_groups=["lscp-analysts"],
                    champions={"group:health@nhs.example": "HEALTH", "schools": "SCHOOLS"})
    # an unverifiable e-mail equal to a group's name is still only an address
    assert auth.role_for("lscp-analysts", [], conf) == "viewer"
    assert auth.role_for("x@example.org", ["lscp-analysts"], conf) == "analyst"
    assert auth.role_for("health@nhs.example", [], conf) == "viewer"
    assert auth.role_for("x@example.org", ["health@nhs.example"], conf) == "champion:HEALTH"
    assert auth.role_for("x@example.org", ["Schools"], conf) == "champion:SCHOOLS"  # old style


def test_group_entries_in_the_analysts_list(tmp_path):
    path = tmp_path / "lscp.toml"
    path.write_text('[dashboard]\nanalysts = ["Ana@X.example", "group:Q-and-P"]\n')
    conf = load_settings(path)
    assert auth.role_for("y@example.org", ["q-and-p"], conf) == "analyst"
    assert auth.role_for("ana@x.example", [], conf) == "analyst"
    assert auth.role_for("q-and-p", [], conf) == "viewer"
    path.write_text('[dashboard]\nanalysts = ["lscp-analysts"]\n')
    with pytest.raises(UserError, match=r"analysts lists e-mail addresses: 'lscp-analysts' is "
                                         r"not one \(for a group, write \"group:lscp-analysts\""):
        load_settings(path)


def test_the_page_says_when_a_group_is_listed_as_an_email(app, use_db, fake_db_path):
    from tests.dashboard.test_auth_serve import AUTH

    use_db(fake_db_path, "viewer", extra='analysts = ["team@council.example"]\n')
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": "x@example.org", "email_verified": True,
                "groups": ["team@council.example"]}
    at = open_page(app, "views/about.py")
    assert at.session_state["role"] == "viewer"
    assert any("group:NAME" in w.value for w in at.warning)
