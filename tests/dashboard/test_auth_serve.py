"""Roles (OIDC or local setting) and the `lscp serve` command line."""

from __future__ import annotations

import pytest

from dashboard import auth
from lscp_cli import serve
from lscp_core.settings import Settings
from tests.dashboard.conftest import open_page

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s",
        "client_id": "c", "client_secret": "x",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}


def test_role_rules():
    assert auth.role_for("Ana@Example.org", [], Settings(analysts=["ana@example.org"])) == "analyst"
    assert auth.role_for("bob@example.org", [], Settings(analysts=["ana@example.org"])) == "viewer"
    assert auth.role_for(None, [], Settings()) == "viewer"
    assert auth.local_role("analyst") == "analyst"
    assert auth.local_role("admin") == "viewer" and auth.local_role(None) == "viewer"


def test_default_is_the_restricted_view(app, use_db, fake_db_path, monkeypatch, tmp_path):
    use_db(fake_db_path)
    monkeypatch.delenv("LSCP_CONFIG")
    monkeypatch.chdir(tmp_path)  # no lscp.toml here
    at = app.run()
    assert at.session_state["role"] == "viewer"
    assert "shown as **c**" in at.sidebar.info[0].value


def test_local_analyst_setting(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")
    at = app.run()
    assert at.session_state["role"] == "analyst"
    assert "unsuppressed" in at.sidebar.warning[0].value


def test_oidc_logged_out_sees_only_the_login(app, use_db, fake_db_path):
    use_db(fake_db_path, "analyst")  # the local default must not apply once auth is on
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": False}
    at = app.run()
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.dataframe and not at.get("html")


@pytest.mark.parametrize(("email", "role"), [("ana@example.org", "analyst"),
                                             ("bob@example.org", "viewer")])
def test_oidc_role_from_email(app, use_db, fake_db_path, email, role):
    use_db(fake_db_path, "viewer", extra='analysts = ["ana@example.org"]\n')
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": email, "email_verified": True}
    at = open_page(app, "views/scorecard.py")
    assert at.session_state["role"] == role
    assert "Log out" in [b.label for b in at.sidebar.button]


def test_serve_command_line(tmp_path):
    cmd = serve.streamlit_command(8600, "127.0.0.1", cwd=tmp_path)
    assert cmd[cmd.index("--server.port") + 1] == "8600"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert "--secrets.files" not in cmd or str(tmp_path) not in " ".join(cmd)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[auth]\n")
    cmd = serve.streamlit_command(8600, "127.0.0.1", cwd=tmp_path)
    assert str(tmp_path / ".streamlit" / "secrets.toml") in cmd
    assert (serve.ROOT / ".streamlit" / "config.toml").is_file()
    config = (serve.ROOT / ".streamlit" / "config.toml").read_text()
    assert "gatherUsageStats = false" in config and 'toolbarMode = "viewer"' in config
    # no full garbage collection after each run of a page (issue 23: 0.1 s holding the
    # interpreter lock while the page's last messages waited), whichever folder serves it
    assert cmd[cmd.index("--runner.postScriptGC") + 1] == "false"
    assert "postScriptGC = false" in config


# --- roles of the partnership, verified e-mails, session times (issue 17) ---

def _conf(**kw):
    from lscp_core.settings import Settings

    return Settings(**kw)


def test_roles_by_email_and_group_and_champions():
    conf = _conf(analysts=["ana@example.org"], analyst_groups=["lscp-analysts"],
                 champions={"pc@police.example": "POLICE", "health-champions": "HEALTH"})
    assert auth.role_for("Ana@Example.org", [], conf) == "analyst"
    assert auth.role_for("x@example.org", ["lscp-analysts"], conf) == "analyst"
    assert auth.role_for("PC@police.example", [], conf) == "champion:POLICE"
    assert auth.role_for("nurse@nhs.example", ["health-champions"], conf) == "champion:HEALTH"
    assert auth.role_for("bob@example.org", ["other"], conf) == "viewer"
    # an unverified e-mail counts for nothing
    assert auth.role_for("ana@example.org", [], conf, verified=False) == "viewer"
    assert auth.local_role("champion:SCHOOLS") == "champion:SCHOOLS"
    assert auth.local_role("champion:x; drop table") == "viewer"


def test_an_unverified_email_gets_the_restricted_view(app, use_db, fake_db_path):
    use_db(fake_db_path, "viewer", extra='analysts = ["ana@example.org"]\n')
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": "ana@example.org", "email_verified": False}
    at = open_page(app, "views/scorecard.py")
    assert at.session_state["role"] == "viewer"
    assert any("not verified" in w.value for w in at.warning)


def test_idle_timeout_and_session_lifetime():
    conf = _conf(idle_minutes=30, session_hours=8)
    state: dict = {}
    assert auth.session_expired(conf, 1000.0, state, {"iat": 1000}) is None
    assert auth.session_expired(conf, 1000.0 + 29 * 60, state, {"iat": 1000}) is None
    assert "without activity" in auth.session_expired(conf, 1000.0 + 60 * 60, state,
                                                      {"iat": 1000})
    state = {}
    t = 1000.0
    for _ in range(8 * 4 + 4):  # active every 15 minutes: not idle, but the day ends
        t += 15 * 60
        why = auth.session_expired(conf, t, state, {"iat": 1000})
        if why:
            break
    assert why and "8 hours" in why and t - 1000 > 8 * 3600


def test_a_champion_sees_their_own_agency_unsuppressed_and_nothing_else(use_db,
                                                                       poisoned_db_path):
    from dashboard import data

    use_db(poisoned_db_path, "champion:POL")
    frame = data.values("champion:POL")
    own = frame[frame["agency"] == "POL"]
    others = frame[frame["agency"] != "POL"]
    assert own["suppressed"].any() and not own["hidden"].any()
    assert own.loc[own["suppressed"], "numerator"].notna().all()
    assert others["suppressed"].any()
    assert others.loc[others["suppressed"], ["numerator", "denominator", "value"]].isna().all().all()
    assert (others["hidden"] == others["suppressed"]).all()
    spc = data.spc("champion:POL")
    assert spc["hidden"].any() and spc.loc[spc["hidden"], "value"].isna().all()
