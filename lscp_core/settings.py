"""Settings: one optional TOML file plus environment variables.

Lookup order for the file: ``--config`` argument, ``$LSCP_CONFIG``, ``./lscp.toml``.
The HMAC key for pseudonymisation never lives in the repository: it comes from
``$LSCP_KEY`` (the key itself), ``$LSCP_KEY_FILE`` or ``[pipeline] key_file`` in the file.
See ``lscp.example.toml`` for every setting, documented.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lscp_core.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = PROJECT_ROOT / "seeds"


@dataclass
class Settings:
    config_file: Path | None = None
    inbox: Path | None = None
    db: Path | None = None
    seeds: Path | None = None
    key_file: Path | None = None
    suppression_threshold: int = 5
    repeat_plan_window_months: int = 24
    default_role: str = "viewer"
    analysts: list[str] = field(default_factory=list)
    # extract -> days after which the data-quality page warns that it is stale
    freshness_days: dict[str, int] = field(default_factory=dict)
    schedule_cron: str | None = None
    schedule_every: str | None = None
    schedule_on_new_files: bool = False
    # seconds a run waits for another run on the same database before giving up (0: at once)
    lock_wait: float = 0.0

    def key(self) -> bytes:
        """The pseudonymisation key; a clear error when none is configured."""
        raw = os.environ.get("LSCP_KEY")
        if raw:
            return raw.encode("utf-8")
        key_file = os.environ.get("LSCP_KEY_FILE") or self.key_file
        if key_file:
            path = Path(key_file)
            if not path.is_file():
                raise UserError(f"key file {path} does not exist (set LSCP_KEY or LSCP_KEY_FILE)")
            data = path.read_bytes().strip()
            if not data:
                raise UserError(f"key file {path} is empty")
            return data
        raise UserError(
            "no pseudonymisation key: set LSCP_KEY, LSCP_KEY_FILE, or key_file in lscp.toml"
        )


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings; a missing default file is fine, a missing named file is an error."""
    explicit = path or os.environ.get("LSCP_CONFIG")
    candidate = Path(explicit) if explicit else Path("lscp.toml")
    if not candidate.is_file():
        if explicit:
            raise UserError(f"config file {candidate} does not exist")
        return Settings()
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"config file {candidate} is not valid TOML: {exc}") from None
    base = candidate.resolve().parent

    def _path(value):
        return None if value in (None, "") else (base / value)

    pipeline = data.get("pipeline", {})
    disclosure = data.get("disclosure", {})
    indicators = data.get("indicators", {})
    dashboard = data.get("dashboard", {})
    schedule = data.get("schedule", {})
    threshold = disclosure.get("threshold", 5)
    if not isinstance(threshold, int) or threshold < 0:
        raise UserError(f"[disclosure] threshold must be a whole number >= 0, not {threshold!r}")
    return Settings(
        config_file=candidate.resolve(),
        inbox=_path(pipeline.get("inbox")),
        db=_path(pipeline.get("db")),
        seeds=_path(pipeline.get("seeds")),
        key_file=_path(pipeline.get("key_file")),
        suppression_threshold=threshold,
        repeat_plan_window_months=int(indicators.get("repeat_plan_window_months", 24)),
        default_role=str(dashboard.get("default_role", "viewer")),
        analysts=[str(a).lower() for a in dashboard.get("analysts", [])],
        freshness_days={k: int(v) for k, v in dashboard.get("freshness_days", {}).items()},
        schedule_cron=schedule.get("cron"),
        schedule_every=schedule.get("every"),
        schedule_on_new_files=bool(schedule.get("on_new_files", False)),
        lock_wait=_seconds(pipeline.get("lock_wait", 0), "[pipeline] lock_wait"),
    )


def _seconds(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise UserError(f"{name} must be a number of seconds >= 0, not {value!r}")
    return float(value)


def create_key_file(path: Path) -> Path:
    """Write a fresh random key (used by ``lscp demo`` for its own work folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path
