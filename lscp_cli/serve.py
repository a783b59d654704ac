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

from lscp_core.errors import UserError
from pipelines.run import publish

ROOT = Path(__file__).resolve().parents[1]
DASHBOARD_APP = ROOT / "dashboard" / "app.py"


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


def serve(db: Path, port: int = 8501, host: str = "localhost", config: Path | None = None,
          role: str | None = None) -> int:
    refuse_child_level(db)
    env = streamlit_environment(db, config, role=role)
    seen_as = f" as {role}" if role else ""
    print(f"serving the dashboard{seen_as} on http://{host}:{port} (Ctrl+C to stop)",
          file=sys.stderr)
    cmd = streamlit_command(port, host)
    try:
        return subprocess.call(cmd, env=env, cwd=ROOT)
    except KeyboardInterrupt:
        return 0
