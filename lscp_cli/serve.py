"""``lscp serve``: start Streamlit on the dashboard app over one published database.

Streamlit runs with the repository root as its working directory so that
``.streamlit/config.toml`` there applies (no usage statistics, viewer toolbar,
accessible theme). A ``.streamlit/secrets.toml`` in the caller's directory (the
OIDC ``[auth]`` section) is passed on explicitly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dashboard.pages import PAGES
from lscp_core.errors import UserError
from pipelines.run import publish

ROOT = Path(__file__).resolve().parents[1]
# dashboard/app.py, served with the page addresses made quicker to open (serve_app.py)
DASHBOARD_APP = ROOT / "dashboard" / "serve_app.py"


def streamlit_command(port: int, host: str, cwd: Path | None = None) -> list[str]:
    """The ``streamlit run`` command line (settings that must hold whatever the config says)."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP),
        "--server.port", str(port), "--server.address", host,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        # no table's own "Download as CSV" (outside the audit log): every table's CSV is
        # the page's audited download button
        "--client.disableDataExport", "true",
        # no full garbage collection after every run of a page: with the shared caches in
        # memory it took 0.1 s of CPU holding the interpreter lock, so the page's last
        # messages waited for it (Python still collects as it goes)
        "--runner.postScriptGC", "false",
    ]
    secrets = [Path(cwd or Path.cwd()) / ".streamlit" / "secrets.toml",
               ROOT / ".streamlit" / "secrets.toml"]
    for path in dict.fromkeys(p.resolve() for p in secrets if p.is_file()):
        cmd += ["--secrets.files", str(path)]
    return cmd


def refuse_child_level(db: Path) -> None:
    """``lscp serve`` shows the published database only, never a working database (or a
    database an earlier version wrote with children's records in it)."""
    if Path(db).is_file() and publish.holds_more_than_published(Path(db)):
        raise UserError(f"{db} holds children's records (a working database, or one written by "
                        f"an earlier lscp): serve the published database; `lscp run` rewrites it")


# What the dashboard never needs, and so never gets: the pseudonymisation key (it reads the
# published database only; nothing under dashboard/ asks Settings.key()).
WITHHELD = ("LSCP_KEY", "LSCP_KEY_FILE")


def streamlit_environment(db: Path, config: Path | None = None,
                          environ: dict[str, str] | None = None,
                          role: str | None = None) -> dict[str, str]:
    """The environment Streamlit runs in: the caller's, without the key; ``role`` (the
    demo's ``--role``) is everyone's role when no sign-in is configured."""
    source = os.environ if environ is None else environ
    env = {k: v for k, v in source.items() if k not in WITHHELD}
    env["LSCP_DB"] = str(Path(db).resolve())
    if role:
        env["LSCP_ROLE"] = role
    if config:
        env["LSCP_CONFIG"] = str(Path(config).resolve())
    return env


# Every page, in the order a warm-up runs them (the dashboard's one list of pages).
WARM_PAGES = tuple(page.url_path for page in PAGES)


def warm_up(port: int, pages=WARM_PAGES, timeout: float = 120.0) -> int:
    """Run each page once in a session of its own, as a browser would, so that the first
    person to open the dashboard after a start does not wait for its imports and for the
    caches every session shares (read once per published file). Returns the pages run."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    ran = 0
    for name in pages:
        with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                     open_timeout=timeout, max_size=None) as ws:
            msg = BackMsg()
            msg.rerun_script.query_string = ""
            msg.rerun_script.page_name = name
            ws.send(msg.SerializeToString())
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(ws.recv(timeout=timeout))
                if fwd.WhichOneof("type") == "script_finished":
                    ran += 1
                    break
    return ran


def _warm_when_up(port: int, proc: subprocess.Popen) -> None:
    """Wait for the server, then warm it up (best effort: a failure only says so)."""
    import time
    import urllib.request

    started = time.perf_counter()
    while proc.poll() is None and time.perf_counter() - started < 120:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=2) as r:
                if r.read().strip() == b"ok":
                    break
        except OSError:
            time.sleep(0.3)
    else:
        return
    try:
        ran = warm_up(port)
        print(f"warmed {ran} pages in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    except Exception as exc:  # noqa: BLE001 - the dashboard works cold all the same
        print(f"warm-up skipped ({type(exc).__name__}: {exc})", file=sys.stderr)


def warm_up_allowed(config: Path | None, role: str | None = None) -> bool:
    """A warm-up session has the served role (``--role``, else the default role): never
    when that role's page views are audited (the log would show views nobody made)."""
    from lscp_core.audit import audited
    from lscp_core.settings import load_settings

    try:
        return not audited(role or load_settings(config).default_role)
    except Exception:  # noqa: BLE001 - unreadable settings: the app says why; no warm-up
        return False


def serve(db: Path, port: int = 8501, host: str = "localhost", config: Path | None = None,
          role: str | None = None) -> int:
    refuse_child_level(db)
    env = streamlit_environment(db, config, role=role)
    seen_as = f" as {role}" if role else ""
    print(f"serving the dashboard{seen_as} on http://{host}:{port} (Ctrl+C to stop)",
          file=sys.stderr)
    cmd = streamlit_command(port, host)
    proc = None
    try:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
        if host in ("localhost", "127.0.0.1", "0.0.0.0", "::") and warm_up_allowed(config, role):
            import threading

            threading.Thread(target=_warm_when_up, args=(port, proc), daemon=True).start()
        return proc.wait()
    except KeyboardInterrupt:
        if proc is not None:
            proc.terminate()
            proc.wait()
        return 0
