"""Sign-in end to end: `st.login` in real Chromium against a real OIDC provider
(oidc-provider-mock, run here on localhost): log in, the role from the lists in lscp.toml,
log out, the idle timeout, and a user on no list gets the restricted view."""

from __future__ import annotations

import pytest

from tests.dashboard import fake_db
from tests.e2e.conftest import OWN_SERVERS, Server, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group(OWN_SERVERS)]

USERS = {"ana": "ana@example.org", "pc": "pc@police.example", "stranger": "who@example.org"}


@pytest.fixture(scope="module")
def provider():
    from oidc_provider_mock import User, run_server_in_thread

    users = [User(sub=sub, claims={"email": email, "email_verified": True})
             for sub, email in USERS.items()]
    with run_server_in_thread(port=free_port(), user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def _signed_in_server(tmp_path_factory, provider: str, name: str, idle_minutes: float):
    work = tmp_path_factory.mktemp(name)
    db = fake_db.build(work / "lscp.duckdb", poison=True)
    config = work / "lscp.toml"
    config.write_text(
        '[dashboard]\ndefault_role = "analyst"\n'  # must not apply once sign-in is on
        f'analysts = ["{USERS["ana"]}"]\nidle_minutes = {idle_minutes}\n'
        f'[dashboard.roles]\nchampions = {{"{USERS["pc"]}" = "POL"}}\n', encoding="utf-8")
    port = free_port()
    (work / ".streamlit").mkdir()
    (work / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
        'client_id = "lscp-test"\nclient_secret = "lscp-test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    server = Server(db, work, config, port=port)
    server.url = f"http://localhost:{port}"
    return server


@pytest.fixture(scope="module")
def signed_in_server(tmp_path_factory, provider):
    server = _signed_in_server(tmp_path_factory, provider, "oidc", idle_minutes=30)
    yield server
    server.stop()


def _log_in(page, server, sub: str) -> None:
    page.goto(server.url + "/")
    page.get_by_role("button", name="Log in").click()
    page.locator("input[name=sub]").first.fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("heading", name="Board scorecard", level=1).wait_for(timeout=30_000)


def _sidebar_text(page) -> str:
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").wait_for(
        timeout=30_000)
    return page.get_by_test_id("stSidebar").inner_text()


@pytest.mark.parametrize(("sub", "shown"), [
    ("ana", "Analyst view"),
    ("pc", "Champion view"),
    ("stranger", "shown as c"),
])
def test_log_in_role_from_the_lists_and_log_out(page, signed_in_server, sub, shown):
    page.goto(signed_in_server.url + "/")
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Board scorecard").count() == 0  # nothing before
    _log_in(page, signed_in_server, sub)
    sidebar = _sidebar_text(page)
    assert shown in sidebar
    if sub == "stranger":
        assert "Analyst view" not in sidebar and "Champion view" not in sidebar
    page.get_by_test_id("stSidebar").get_by_role("button", name="Log out").click()
    # Streamlit ends the provider's session too (RP-initiated logout): the provider asks
    page.get_by_role("button", name="End session").click()
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    page.goto(signed_in_server.url + "/")  # the cookie is gone: still signed out
    page.get_by_role("button", name="Log in").wait_for(timeout=30_000)


def test_idle_timeout_signs_out(page, tmp_path_factory, provider):
    server = _signed_in_server(tmp_path_factory, provider, "idle", idle_minutes=0.1)  # 6 s
    try:
        _log_in(page, server, "ana")
        assert "Analyst view" in _sidebar_text(page)
        page.wait_for_timeout(8_000)  # idle longer than 6 seconds
        page.get_by_test_id("stSidebar").get_by_role("link", name="About").click()
        page.get_by_role("button", name="End session").click()
        page.get_by_role("button", name="Log in").wait_for(timeout=30_000)
    finally:
        server.stop()
