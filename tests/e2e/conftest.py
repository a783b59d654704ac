"""Browser tests: `lscp serve` on a free port, driven by Playwright in Debian's chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.dashboard import fake_db

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not become healthy:\n{log.read_text(errors='replace')}")


class Server:
    def __init__(self, db: Path, workdir: Path, config: Path | None = None,
                 port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"serve-{self.port}.log"
        env = dict(os.environ)
        env.pop("LSCP_CONFIG", None)
        cmd = [sys.executable, "-m", "lscp_cli", "serve", "--db", str(db),
               "--port", str(self.port), "--host", "127.0.0.1"]
        if config:
            env["LSCP_CONFIG"] = str(config)
        with open(self.log, "w") as out:  # a file, not a pipe: a full pipe would block the server
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                         cwd=workdir, start_new_session=True)
        try:
            wait_healthy(self.url, self.proc, self.log)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)


def _serve(tmp_path_factory, name: str, role: str, db: Path | None = None):
    work = tmp_path_factory.mktemp(name)
    db = db or fake_db.build(work / "lscp.duckdb", poison=True)
    config = work / "lscp.toml"
    config.write_text(f'[dashboard]\ndefault_role = "{role}"\n', encoding="utf-8")
    server = Server(db, work, config)
    server.db = db
    yield server
    server.stop()


# One viewer server, one analyst server and one Chromium for every browser test module that
# uses them (they run on one xdist worker, group "browser"): each start costs seconds of CPU.
# The tests that write (an action, an audited download) count what they add, or own what
# they check. The modules that start servers of their own (two over one commentary store,
# signed-in ones) are a group of their own (OWN_SERVERS), so the other worker can run them
# beside the "browser" group: together they were the suite's longest group.
OWN_SERVERS = "browser_own_servers"
@pytest.fixture(scope="session")
def viewer_server(tmp_path_factory):
    yield from _serve(tmp_path_factory, "viewer", "viewer")


@pytest.fixture(scope="session")
def analyst_server(tmp_path_factory):
    yield from _serve(tmp_path_factory, "analyst", "analyst")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make browser` installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


def open_app(page, url: str, heading: str, timeout: float = 30_000) -> None:
    """Open a page and wait until Streamlit has drawn its title."""
    page.goto(url)
    page.get_by_role("heading", name=heading, level=1).first.wait_for(timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)


# The page has settled: no element added, removed or changed and no resource fetched for
# ``quiet`` ms, every image loaded and every font in use loaded. A condition, where a fixed
# pause would wait too long on a quiet machine and not long enough on a busy one.
SETTLED_JS = """(quiet) => {
  const w = window;
  if (!w.__lscpQuiet) {
    w.__lscpQuiet = {last: performance.now(), fetched: -1};
    performance.setResourceTimingBufferSize(100000);
    new MutationObserver(() => { w.__lscpQuiet.last = performance.now(); }).observe(
      document.documentElement,
      {subtree: true, childList: true, attributes: true, characterData: true});
  }
  const q = w.__lscpQuiet, now = performance.now();
  const fetched = performance.getEntriesByType("resource").length;
  if (fetched !== q.fetched) { q.fetched = fetched; q.last = now; }
  return document.fonts.status === "loaded" && [...document.images].every(i => i.complete)
    && now - q.last >= quiet;
}"""


def settle(page, quiet: int = 500, timeout: float = 30_000) -> None:
    """Wait until the page has settled (SETTLED_JS): fonts, icons and images loaded, charts
    drawn, nothing more arriving for ``quiet`` ms."""
    page.wait_for_function(SETTLED_JS, arg=quiet, polling=100, timeout=timeout)
