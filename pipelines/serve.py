"""``lscp serve``: start Streamlit on the dashboard app over one published database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DASHBOARD_APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def serve(db: Path, port: int = 8501, host: str = "localhost", config: Path | None = None) -> int:
    env = dict(os.environ, LSCP_DB=str(Path(db).resolve()))
    if config:
        env["LSCP_CONFIG"] = str(config)
    print(f"serving the dashboard on http://{host}:{port} (Ctrl+C to stop)", file=sys.stderr)
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP),
        "--server.port", str(port), "--server.address", host,
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
