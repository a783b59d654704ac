"""Issue 25: the idle timeout is counted per sign-in (the token), not per Streamlit session,
so a reload does not restart it; the sign-in cookie lasts no longer than the session."""

from __future__ import annotations

import pytest

from dashboard import auth
from lscp_core.settings import Settings

CONF = Settings(idle_minutes=30, session_hours=8)
T0 = 1_000_000.0
TOKEN = {"iss": "https://idp.example", "sub": "ana", "email": "ana@example.org", "iat": T0}


def test_a_reload_does_not_restart_the_idle_clock():
    activity: dict = {}
    assert auth.session_expired(CONF, T0 + 60, {}, TOKEN, activity) is None
    # 31 minutes later the browser reloads: a new Streamlit session, the same sign-in
    why = auth.session_expired(CONF, T0 + 60 + 31 * 60, {}, TOKEN, activity)
    assert why and "30 minutes without activity" in why


def test_the_old_per_session_clock_would_have_let_it_through():
    """What the reload did before: a fresh session state knew no last page run."""
    assert auth.session_expired(CONF, T0 + 60 + 31 * 60, {}, TOKEN) is None


def test_activity_in_any_tab_keeps_the_sign_in_alive():
    activity: dict = {}
    t = T0
    for _ in range(8):  # two tabs taking turns every 20 minutes: never idle 30
        t += 20 * 60
        assert auth.session_expired(CONF, t, {}, TOKEN, activity) is None
    assert auth.session_expired(CONF, t + 29 * 60, {}, TOKEN, activity) is None


def test_a_token_never_seen_is_idle_since_it_was_issued():
    """After a restart of the dashboard (nothing remembered) an old token is not let in."""
    assert "without activity" in auth.session_expired(CONF, T0 + 45 * 60, {}, TOKEN, {})
    assert auth.session_expired(CONF, T0 + 5 * 60, {}, TOKEN, {}) is None


def test_a_new_sign_in_is_a_new_clock_and_the_session_still_ends():
    activity: dict = {}
    assert auth.session_expired(CONF, T0 + 60, {}, TOKEN, activity) is None
    again = dict(TOKEN, iat=T0 + 3600)
    assert auth.token_key(again) != auth.token_key(TOKEN)
    assert auth.session_expired(CONF, T0 + 3660, {}, again, activity) is None
    t = T0
    while True:  # active every 10 minutes: the 8 hours from the token still end it
        t += 600
        why = auth.session_expired(CONF, t, {}, TOKEN, activity)
        if why:
            break
    assert "8 hours" in why and 8 * 3600 < t - T0 <= 8 * 3600 + 600


@pytest.fixture
def routes():
    from streamlit.web.server.starlette import starlette_auth_routes as routes
    from streamlit.web.server.starlette.starlette_server_config import (
        AUTH_COOKIE_MAX_AGE_SECONDS as STREAMLITS,
    )

    before = routes.AUTH_COOKIE_MAX_AGE_SECONDS
    routes.AUTH_COOKIE_MAX_AGE_SECONDS = STREAMLITS  # another app test may have bounded it
    yield routes
    routes.AUTH_COOKIE_MAX_AGE_SECONDS = before


def test_the_sign_in_cookie_lasts_no_longer_than_the_session(routes, monkeypatch):
    from starlette.responses import Response

    assert routes.AUTH_COOKIE_MAX_AGE_SECONDS == 30 * 24 * 3600  # Streamlit's own
    assert auth.bound_auth_cookie(Settings(session_hours=8))
    monkeypatch.setattr(routes, "get_cookie_secret", lambda: "a-test-cookie-secret")
    response = Response()
    routes._set_single_cookie(response, "_streamlit_user", '{"email": "ana@example.org"}')
    header = response.headers["set-cookie"]
    assert "Max-Age=28800" in header and "HttpOnly" in header


def test_the_app_bounds_the_cookie_when_sign_in_is_configured(app, use_db, fake_db_path,
                                                              routes):
    from tests.dashboard.test_auth_serve import AUTH

    use_db(fake_db_path, "viewer", extra="session_hours = 2\n")
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": False}
    app.run()
    assert routes.AUTH_COOKIE_MAX_AGE_SECONDS == 2 * 3600
