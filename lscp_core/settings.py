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
# HMAC-SHA256's own strength: a shorter key is easier to guess than the hash is to break
MIN_KEY_BYTES = 32
DEFAULT_SEEDS = PROJECT_ROOT / "seeds"


# Days without a new file after which an extract is out of date: its delivery rhythm. The one
# default, read by the app's freshness rule (dashboard/freshness.py) and the extract contracts
# (their docs); ``[dashboard.freshness_days]`` in lscp.toml overrides it per extract.
MONTHLY_FRESHNESS_DAYS = 35
TERMLY_FRESHNESS_DAYS = 130
QUARTERLY_FRESHNESS_DAYS = 100  # the manual measures: quarterly figures, and a little slack
DEFAULT_FRESHNESS_DAYS: dict[str, int] = {
    **{e: MONTHLY_FRESHNESS_DAYS for e in (
        "children", "referrals", "assessments", "cin_plans", "cp_plans", "looked_after",
        "early_help", "neglect_tools")},
    **{e: TERMLY_FRESHNESS_DAYS for e in ("two_year_olds", "attendance")},
    "manual_measures": QUARTERLY_FRESHNESS_DAYS,
}


def freshness_limit(extract: str, overrides: dict[str, int] | None = None) -> int:
    """The days after which ``extract`` is out of date: lscp.toml's, else the default."""
    return int((overrides or {}).get(extract)
               or DEFAULT_FRESHNESS_DAYS.get(extract, MONTHLY_FRESHNESS_DAYS))


@dataclass
class Settings:
    config_file: Path | None = None
    inbox: Path | None = None
    db: Path | None = None
    seeds: Path | None = None
    key_file: Path | None = None
    # the operator's name for the key in use (recorded in the published meta instead of any
    # value computed from the key, which would let a guessed key be tested offline)
    key_id: str = "unnamed"
    # the partnership's local-authority code (the census Header/Source/LEA): a census file
    # of another authority is refused (None: not checked). With several councils
    # (``la_code = ["873", "874"]``) this is None and ``la_codes`` lists them.
    la_code: str | None = None
    # every council of the partnership, as configured (empty: not set)
    la_codes: tuple[str, ...] = ()
    # the pipeline's child-level working database (default: <db>.work beside the published one)
    work_db: Path | None = None
    # delivered inbox files no longer in force are deleted after this many months (0: never)
    retention_months: int = 13
    suppression_threshold: int = 5
    # [disclosure] audit = true: the run solves the attacker's interval problem for every
    # audience after suppression, adds complements, and publishes nothing while any cell is
    # exposed (metrics/disclosure_audit.py)
    disclosure_audit: bool = False
    repeat_plan_window_months: int = 24
    # month ends published: the last this many up to the as-at date (0: every one the data
    # covers); older rows still load and feed every look-back rule
    history_months: int = 120
    default_role: str = "viewer"
    # the partnership's name, on the board pack's first page
    partnership: str = "Local Safeguarding Children Partnership"
    analysts: list[str] = field(default_factory=list)
    # e-mail or OIDC group -> agency code, for champion:<AGENCY>
    champions: dict[str, str] = field(default_factory=dict)
    analyst_groups: list[str] = field(default_factory=list)
    viewer_groups: list[str] = field(default_factory=list)
    # who saw unsuppressed figures (default: <db>.audit.jsonl beside the published database)
    audit_log: Path | None = None
    # commentary and actions, written by analysts in the app (default: <db>.commentary.sqlite)
    commentary_db: Path | None = None
    session_hours: float = 8.0
    idle_minutes: float = 30.0
    # extract -> days after which the data-quality page warns that it is stale: the defaults
    # (DEFAULT_FRESHNESS_DAYS) with lscp.toml's [dashboard.freshness_days] over them
    freshness_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_FRESHNESS_DAYS))
    schedule_cron: str | None = None
    schedule_every: str | None = None
    schedule_on_new_files: bool = False
    # seconds a run waits for another run on the same database before giving up (0: at once)
    lock_wait: float = 0.0

    @property
    def councils(self) -> list[str] | str | None:
        """The council code(s) ingest checks files against: every configured council, else
        the one ``la_code`` (a Settings built in code may set only that), else None."""
        return list(self.la_codes) or self.la_code

    def key(self) -> bytes:
        """The pseudonymisation key; a clear error when none is configured."""
        raw = os.environ.get("LSCP_KEY")
        if raw:
            return _long_enough(raw.encode("utf-8"), "LSCP_KEY")
        key_file = os.environ.get("LSCP_KEY_FILE") or self.key_file
        if key_file:
            path = Path(key_file)
            if not path.is_file():
                raise UserError(f"key file {path} does not exist (set LSCP_KEY or LSCP_KEY_FILE)")
            data = path.read_bytes().strip()
            if not data:
                raise UserError(f"key file {path} is empty")
            return _long_enough(data, f"key file {path}")
        raise UserError(
            "no pseudonymisation key: set LSCP_KEY, LSCP_KEY_FILE, or key_file in lscp.toml"
        )


def _long_enough(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise UserError(f"the pseudonymisation key in {where} is {len(key)} bytes; it must be at "
                        f"least {MIN_KEY_BYTES} (make one with: openssl rand -hex 32)")
    return key


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
    metrics = data.get("metrics", {})
    dashboard = data.get("dashboard", {})
    schedule = data.get("schedule", {})
    threshold = disclosure.get("threshold", 5)
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise UserError(f"[disclosure] threshold must be a whole number >= 1, not {threshold!r}")
    roles = dashboard.get("roles", {})
    codes = _la_codes(pipeline.get("la_code"))
    return Settings(
        config_file=candidate.resolve(),
        inbox=_path(pipeline.get("inbox")),
        db=_path(pipeline.get("db")),
        seeds=_path(pipeline.get("seeds")),
        key_file=_path(pipeline.get("key_file")),
        key_id=str(pipeline.get("key_id", "unnamed")),
        la_code=codes[0] if len(codes) == 1 else None,
        la_codes=codes,
        work_db=_path(pipeline.get("work_db")),
        retention_months=_whole(pipeline.get("retention_months", 13), "[pipeline] retention_months"),
        suppression_threshold=threshold,
        disclosure_audit=bool(disclosure.get("audit", False)),
        repeat_plan_window_months=int(indicators.get("repeat_plan_window_months", 24)),
        history_months=_whole(metrics.get("history_months", 120), "[metrics] history_months"),
        default_role=str(dashboard.get("default_role", "viewer")),
        partnership=str(dashboard.get("partnership",
                                      "Local Safeguarding Children Partnership")),
        analysts=[str(a).lower() for a in dashboard.get("analysts", [])],
        champions={str(k).lower(): str(v).upper() for k, v in roles.get("champions", {}).items()},
        analyst_groups=[str(g) for g in roles.get("analyst_groups", [])],
        viewer_groups=[str(g) for g in roles.get("viewer_groups", [])],
        audit_log=_path(dashboard.get("audit_log")),
        commentary_db=_path(dashboard.get("commentary_db")),
        session_hours=_positive(dashboard.get("session_hours", 8), "[dashboard] session_hours"),
        idle_minutes=_positive(dashboard.get("idle_minutes", 30), "[dashboard] idle_minutes"),
        freshness_days={**DEFAULT_FRESHNESS_DAYS,
                        **{k: int(v) for k, v in dashboard.get("freshness_days", {}).items()}},
        schedule_cron=schedule.get("cron"),
        schedule_every=schedule.get("every"),
        schedule_on_new_files=bool(schedule.get("on_new_files", False)),
        lock_wait=_seconds(pipeline.get("lock_wait", 0), "[pipeline] lock_wait"),
    )


def _la_codes(value) -> tuple[str, ...]:
    """``[pipeline] la_code``: one code, or a list of the partnership's councils."""
    if value in (None, "", []):
        return ()
    values = value if isinstance(value, list) else [value]
    codes = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, str | int) or not str(v).strip():
            raise UserError("[pipeline] la_code must be a council code or a list of codes "
                            f"(la_code = \"873\" or la_code = [\"873\", \"874\"]), not {value!r}")
        code = str(v).strip()
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def _seconds(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise UserError(f"{name} must be a number of seconds >= 0, not {value!r}")
    return float(value)


def _whole(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserError(f"{name} must be a whole number >= 0, not {value!r}")
    return value


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise UserError(f"{name} must be a number > 0, not {value!r}")
    return float(value)


def create_key_file(path: Path) -> Path:
    """Write a fresh random key (used by ``lscp demo`` for its own work folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path
