"""`lscp serve` warms every page once after it starts (imports, and the caches every session
shares), unless the default role's page views are audited."""

from __future__ import annotations

import time

import pytest

from lscp_cli import serve
from tests.dashboard import fake_db
from tests.e2e.conftest import Server

pytestmark = pytest.mark.xdist_group("serve_warmup")


def _log_after(server: Server, text: str, timeout: float = 240) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = server.log.read_text(errors="replace")
        if text in log:
            return log
        time.sleep(0.5)
    return server.log.read_text(errors="replace")


def test_serve_runs_every_page_once_after_it_starts(tmp_path):
    db = fake_db.build(tmp_path / "lscp.duckdb")
    config = tmp_path / "lscp.toml"
    config.write_text('[dashboard]\ndefault_role = "viewer"\n', encoding="utf-8")
    server = Server(db, tmp_path, config)
    try:
        log = _log_after(server, "warmed ")
    finally:
        server.stop()
    assert f"warmed {len(serve.WARM_PAGES)} pages" in log, log


def test_no_warm_up_when_the_default_roles_views_are_audited(tmp_path):
    analyst = tmp_path / "analyst.toml"
    analyst.write_text('[dashboard]\ndefault_role = "analyst"\n', encoding="utf-8")
    viewer = tmp_path / "viewer.toml"
    viewer.write_text('[dashboard]\ndefault_role = "viewer"\n', encoding="utf-8")
    assert not serve.warm_up_allowed(analyst)  # its views would be in the audit log
    assert serve.warm_up_allowed(viewer)
