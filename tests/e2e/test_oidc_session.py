"""Issue 25, end to end against a real OIDC provider in Chromium: a reload does not restart
the idle clock, and the sign-in cookie lasts no longer than the session."""

from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import OWN_SERVERS
from tests.e2e.test_oidc import _log_in, _sidebar_text, _signed_in_server, provider  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(OWN_SERVERS)]


def test_a_reload_after_the_idle_time_is_signed_out_and_the_cookie_is_short(
        page, tmp_path_factory, provider):  # noqa: F811
    server = _signed_in_server(tmp_path_factory, provider, "reload", idle_minutes=0.2)  # 12 s
    try:
        _log_in(page, server, "ana")
        assert "Analyst view" in _sidebar_text(page)
        cookies = {c["name"]: c for c in page.context.cookies()}
        user = cookies["_streamlit_user"]
        assert 0 < user["expires"] - time.time() <= 8 * 3600 + 60  # session_hours, not 30 days
        page.reload()  # active: a reload within the idle time keeps the sign-in
        assert "Analyst view" in _sidebar_text(page)
        page.wait_for_timeout(15_000)  # idle longer than 12 seconds
        page.reload()  # a new Streamlit session: the idle clock is the sign-in's
        page.get_by_role("button", name="End session").click()
        page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    finally:
        server.stop()
