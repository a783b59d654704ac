"""Settings: one optional TOML file plus environment variables.

Lookup order for the file: ``--config`` argument, ``$LSCP_CONFIG``, ``./lscp.toml``.
The HMAC key for pseudonymisation never lives in the repository: it comes from
``$LSCP_KEY`` (the key itself), ``$LSCP_KEY_FILE`` or ``[pipeline] key_file`` in the file.
See ``lscp.example.toml`` for every setting, documented.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lscp_core.errors import UserError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# At least 128 bits of key material after decoding: 32 hex characters, 24 base64 characters
# or 16 raw bytes in a key file. Text that is neither (a passphrase) is refused: with a
# published file hash it would be an offline guessing oracle.
MIN_KEY_BYTES = 16
MIN_HEX_CHARS = 2 * MIN_KEY_BYTES
MIN_BASE64_CHARS = 24
_HEX = re.compile(r"[0-9A-Fa-f]+")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}")
MAKE_KEY = "make one with: openssl rand -hex 32"
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
        "early_help", "neglect_tools", "contacts", "s47_enquiries", "cp_reviews",
        "health_appointments", "police_notifications", "missing_episodes")},
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
    # [disclosure] audit (on by default): the run solves the attacker's interval problem for
    # every audience after suppression, adds complements, and publishes nothing while any
    # cell is exposed (metrics/disclosure_audit.py). ``audit = false`` is an escape hatch:
    # the run history then says "disclosure audit: off". Where lscp.toml does not say,
    # $LSCP_DISCLOSURE_AUDIT (1/0) sets it (default on)
    disclosure_audit: bool = field(default_factory=lambda: disclosure_audit_default())
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
    # e-mails or OIDC groups of board members: every figure unsuppressed, read-only
    board: list[str] = field(default_factory=list)
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
    # [packs] at_publish: ``lscp run`` builds the newest month's board packs after it
    # publishes (false: the dashboard's pack button builds one when asked);
    # $LSCP_PACKS_AT_PUBLISH (1/0, true/false) overrides it
    packs_at_publish: bool = True

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
            return _long_enough(data, f"key file {path}", raw_allowed=True)
        raise UserError(
            "no pseudonymisation key: set LSCP_KEY, LSCP_KEY_FILE, or key_file in lscp.toml"
        )


def _long_enough(key: bytes, where: str, *, raw_allowed: bool = False) -> bytes:
    """``key`` unchanged (the HMAC key is the text as given, so pseudonyms never change with
    this check) once it holds at least 128 bits of key material: hex of 32 characters or
    more, base64 of 24 or more, or (in a key file) 16 raw bytes or more. One line otherwise,
    never echoing the key."""
    try:
        text = key.decode("ascii")
    except UnicodeDecodeError:
        text = None
    if text is None or not text.isprintable():  # bytes, not text: random bytes in a key file
        if not raw_allowed:
            raise UserError(f"the pseudonymisation key in {where} is not hex or base64 text "
                            f"({MAKE_KEY})")
        if len(key) < MIN_KEY_BYTES:
            raise UserError(f"the pseudonymisation key in {where} is {len(key)} raw bytes; it "
                            f"must be at least {MIN_KEY_BYTES} (128 bits; {MAKE_KEY})")
        return key
    if _HEX.fullmatch(text):
        if len(text) < MIN_HEX_CHARS:
            raise UserError(f"the pseudonymisation key in {where} is {len(text)} hex characters "
                            f"({4 * len(text)} bits); it must be at least {MIN_HEX_CHARS} "
                            f"(128 bits; {MAKE_KEY})")
        return key
    decoded = _base64_bytes(text)
    if decoded is not None:
        if len(text) < MIN_BASE64_CHARS or decoded < MIN_KEY_BYTES:
            raise UserError(f"the pseudonymisation key in {where} is {len(text)} base64 "
                            f"characters ({8 * decoded} bits); it must be at least "
                            f"{MIN_BASE64_CHARS} (128 bits; {MAKE_KEY})")
        return key
    raise UserError(f"the pseudonymisation key in {where} is neither hex (at least "
                    f"{MIN_HEX_CHARS} characters) nor base64 (at least {MIN_BASE64_CHARS}): a "
                    f"passphrase is refused ({MAKE_KEY})")


def _base64_bytes(text: str) -> int | None:
    """How many bytes ``text`` decodes to as base64 (standard or URL-safe, padding optional),
    or None when it is not base64 from random bytes. Random base64 of 24 characters or more
    has both cases all but always (a lower-case passphrase such as "thisismysecretkey..." is
    base64 by its letters alone); one case only is taken for a passphrase."""
    if not _BASE64.fullmatch(text) or len(text.rstrip("=")) % 4 == 1:
        return None
    if text.lower() == text or text.upper() == text:
        return None
    body = text.rstrip("=")
    try:
        return len(base64.b64decode(body.translate(str.maketrans("-_", "+/"))
                                    + "=" * (-len(body) % 4), validate=True))
    except (binascii.Error, ValueError):
        return None


GROUP_PREFIX = "group:"


def role_entry(value: str, *, group_list: bool = False) -> tuple[str, str]:
    """``("email", address)`` or ``("group", name)`` for an entry of the role lists, lower
    case. ``group:NAME`` is always a group; otherwise an entry with an ``@`` is an e-mail
    address, and one without is a group (as older files wrote champions' groups). In
    ``analyst_groups`` (``group_list``) every entry is a group."""
    text = str(value).strip().lower()
    if text.startswith(GROUP_PREFIX):
        return "group", text[len(GROUP_PREFIX):].strip()
    if group_list or "@" not in text:
        return "group", text
    return "email", text


def _analysts(values) -> list[str]:
    """``[dashboard] analysts``: e-mail addresses, or groups written ``group:NAME``."""
    if not isinstance(values, list):
        raise UserError("[dashboard] analysts must be a list of e-mail addresses, not "
                        f"{values!r}")
    out = []
    for value in values:
        text = str(value).strip().lower()
        if not text.startswith(GROUP_PREFIX) and "@" not in text:
            raise UserError(f"[dashboard] analysts lists e-mail addresses: {value!r} is not one "
                            f"(for a group, write \"{GROUP_PREFIX}{value}\" or put it in "
                            "[dashboard.roles] analyst_groups)")
        out.append(text)
    return out


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings; a missing default file is fine, a missing named file is an error."""
    explicit = path or _config_in_use or os.environ.get("LSCP_CONFIG")
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
    packs = data.get("packs", {})
    at_publish = packs.get("at_publish", True)
    if not isinstance(at_publish, bool):
        raise UserError(f"[packs] at_publish must be true or false, not {at_publish!r}")
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
        disclosure_audit=_audit_setting(disclosure.get("audit")),
        repeat_plan_window_months=int(indicators.get("repeat_plan_window_months", 24)),
        history_months=_whole(metrics.get("history_months", 120), "[metrics] history_months"),
        default_role=str(dashboard.get("default_role", "viewer")),
        partnership=str(dashboard.get("partnership",
                                      "Local Safeguarding Children Partnership")),
        analysts=_analysts(dashboard.get("analysts", [])),
        champions={str(k).lower(): str(v).upper() for k, v in roles.get("champions", {}).items()},
        analyst_groups=[str(g) for g in roles.get("analyst_groups", [])],
        board=[str(b).lower() for b in roles.get("board", [])],
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
        packs_at_publish=at_publish,
    )


PACKS_AT_PUBLISH_ENV = "LSCP_PACKS_AT_PUBLISH"
_YES_NO = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _env_switch(name: str, default: bool) -> bool:
    """A 1/0 (true/false, yes/no) switch from ``$name``; ``default`` when it is unset or blank."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if raw.lower() not in _YES_NO:
        raise UserError(f"{name}={raw!r} must be 1 or 0 (true or false)")
    return _YES_NO[raw.lower()]


def packs_at_publish(settings: Settings) -> bool:
    """Whether ``lscp run`` builds the newest month's board packs after it publishes:
    ``$LSCP_PACKS_AT_PUBLISH`` if set, else ``[packs] at_publish`` (default true)."""
    return _env_switch(PACKS_AT_PUBLISH_ENV, settings.packs_at_publish)


DISCLOSURE_AUDIT_ENV = "LSCP_DISCLOSURE_AUDIT"


def disclosure_audit_default() -> bool:
    """Whether the run audits disclosure when lscp.toml does not say: ``$LSCP_DISCLOSURE_AUDIT``
    if set (1/0, true/false), else on."""
    return _env_switch(DISCLOSURE_AUDIT_ENV, True)


def _audit_setting(value) -> bool:
    if value is None:
        return disclosure_audit_default()
    if not isinstance(value, bool):
        raise UserError(f"[disclosure] audit must be true or false, not {value!r}")
    return value


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
    if not path.exists():  # born 0600, never readable by others for a moment
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_hex(32) + "\n")
    return path


_config_in_use: Path | None = None


def use_config(path: str | Path | None) -> None:
    """The settings file this process reads when no path is given (``lscp pack`` hands the
    dashboard's code its config this way, not through the environment)."""
    global _config_in_use
    _config_in_use = Path(path) if path else None
