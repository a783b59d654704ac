"""Who is looking: the restricted view unless configuration says otherwise.

Roles (``lscp.toml``):

- ``viewer`` — suppressed figures (the default, and everyone not on a list);
- ``analyst`` — unsuppressed figures, can edit: ``[dashboard] analysts`` (e-mails) or
  ``[dashboard.roles] analyst_groups`` (OIDC ``groups`` claim);
- ``board`` — unsuppressed figures, read-only, every view audited, packs marked
  OFFICIAL-SENSITIVE: ``[dashboard.roles] board = ["e-mail or group", ...]``;
- ``champion:<AGENCY>`` — suppressed partnership figures, their own agency's unsuppressed:
  ``[dashboard.roles] champions = {"e-mail or group" = "AGENCY"}``.

With an ``[auth]`` section in Streamlit secrets users sign in with OIDC (``st.login``). An
e-mail counts only when the provider says it is verified (``email_verified``): otherwise anyone
who can register ``ana@council.gov.uk`` at a lax provider would be an analyst. A session ends
after ``session_hours`` from sign-in and after ``idle_minutes`` without a page run, counted
per sign-in (a reload or another tab does not restart it); the sign-in cookie lasts no longer
than ``session_hours``.
Without ``[auth]``, the role is ``$LSCP_ROLE`` (``lscp demo --role`` sets it for the demo),
else ``[dashboard] default_role`` (``viewer`` unless set).
Anything unexpected falls back to ``viewer``, the restricted view.
"""

from __future__ import annotations

import os
import time

import streamlit as st

from dashboard.formatting import as_text
from lscp_core.errors import UserError
from lscp_core.settings import Settings, load_settings, role_entry
from lscp_core.viewer import ANALYST, BOARD, CHAMPION, VIEWER, Viewer

# the role of everyone on a server without sign-in, over ``default_role`` (``lscp demo --role``)
ROLE_ENV = "LSCP_ROLE"


def settings() -> tuple[Settings, str | None]:
    """The settings, or defaults plus the reason they could not be read."""
    try:
        return load_settings(), None
    except UserError as exc:
        return Settings(), str(exc)


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering
        return False


def valid_role(role: str | None) -> bool:
    return Viewer.parse(role) is not None


def role_for(email: str | None, groups, conf: Settings, *, verified: bool = True) -> str:
    """The role of a signed-in user: analyst before board before champion before viewer.
    E-mail addresses and groups are two namespaces: a verified e-mail matches only e-mail entries, a group of
    the ``groups`` claim only group entries (``analyst_groups``, ``group:NAME``), so a group
    named like an analyst's address makes no one an analyst (``lscp_core.settings.role_entry``)."""
    mine = {g.strip().lower() for g in (groups or []) if isinstance(g, str)}
    address = email.strip().lower() if email and verified else None
    emails, named_groups = _entries(conf.analysts)
    named_groups |= {role_entry(g, group_list=True)[1] for g in conf.analyst_groups}
    if address in emails or mine & named_groups:
        return ANALYST
    board_emails, board_groups = _entries(conf.board)
    if address in board_emails or mine & board_groups:
        return BOARD
    for who, agency in conf.champions.items():
        champion = Viewer.parse(f"{CHAMPION}:{agency}")
        kind, name = role_entry(who)
        if champion is not None and (address == name if kind == "email" else name in mine):
            return champion.role
    return VIEWER


def _entries(values) -> tuple[set[str], set[str]]:
    emails, groups = set(), set()
    for value in values:
        kind, name = role_entry(value)
        (emails if kind == "email" else groups).add(name)
    return emails, groups


def listed_as_email(groups, conf: Settings) -> list[str]:
    """The user's groups that lscp.toml lists as e-mail addresses (an older file, where the
    two shared one namespace): they count for nothing now; the page says how to write them."""
    mine = {g.strip().lower() for g in (groups or []) if isinstance(g, str)}
    emails = _entries(conf.analysts)[0] | _entries(conf.champions)[0]
    return sorted(mine & emails)


def local_role(configured: str | None) -> str:
    return configured if valid_role(configured) else VIEWER


def session_expired(conf: Settings, now: float, state, user,
                    activity: dict | None = None) -> str | None:
    """Why this signed-in session must end now (None while it may go on).

    The session lasts ``session_hours`` from sign-in (the token's ``auth_time`` or ``iat``).
    Idleness is counted per sign-in, not per Streamlit session: ``activity`` (the process's
    ``last_activity()``) holds the last page run of each token, so a reload or a second tab
    never starts the idle clock again, and a token this process has not seen is idle since
    it was issued. Without ``activity`` the session state keeps the last page run."""
    signed_in = _claim_time(user, "auth_time") or _claim_time(user, "iat") \
        or state.get("lscp_signed_in_at")
    state.setdefault("lscp_signed_in_at", now)
    if activity is None:
        store, key = state, "lscp_last_seen"
        last = store.get(key)
    else:
        store, key = activity, token_key(user)
        last = store.get(key, signed_in)
    if last is not None and now - last > conf.idle_minutes * 60:
        return f"you were signed out after {conf.idle_minutes:g} minutes without activity"
    if signed_in is not None and now - signed_in > conf.session_hours * 3600:
        return f"sessions last {conf.session_hours:g} hours: please sign in again"
    store[key] = now
    return None


def token_key(user) -> str:
    """One sign-in: the identity token's issuer, subject and issue times (a new sign-in is a
    new key; every tab and reload of one sign-in shares it)."""
    import hashlib
    import json

    claims = {k: (user or {}).get(k) for k in ("iss", "sub", "email", "iat", "auth_time",
                                               "nonce")}
    return hashlib.sha256(json.dumps(claims, sort_keys=True, default=str).encode()).hexdigest()


@st.cache_resource
def last_activity() -> dict[str, float]:
    """The last page run of each sign-in this dashboard process has seen (token_key -> time)."""
    return {}


def bound_auth_cookie(conf: Settings) -> bool:
    """Streamlit's sign-in cookie lasts 30 days; ours no longer than a session
    (``session_hours``). Streamlit has no setting for it: the cookie's Max-Age is read from
    its auth routes module when the cookie is set, so it is lowered there (True when done)."""
    try:
        from streamlit.web.server.starlette import starlette_auth_routes as routes
    except ImportError:  # another server: the session check still ends the session
        return False
    if not hasattr(routes, "AUTH_COOKIE_MAX_AGE_SECONDS"):
        return False
    routes.AUTH_COOKIE_MAX_AGE_SECONDS = max(60, int(conf.session_hours * 3600))
    return True


def _claim_time(user, claim: str) -> float | None:
    value = user.get(claim) if user is not None else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def resolve_role() -> str:
    """The role for this session; shows the login screen and stops when login is needed."""
    conf, problem = settings()
    if problem:
        st.warning(f"Settings could not be read ({as_text(problem)}); showing the restricted view.")
    if auth_configured():
        bound_auth_cookie(conf)  # before the first sign-in sets it
        if not st.user.get("is_logged_in", False):
            st.title("Neglect strategy dashboard")
            if st.session_state.get("lscp_signed_out_because"):
                st.info(as_text(st.session_state["lscp_signed_out_because"]).capitalize() + ".")
            st.write("Please log in with your organisation account to see the dashboard.")
            st.button("Log in", on_click=st.login, type="primary")
            st.stop()
        why = session_expired(conf, time.time(), st.session_state, st.user, last_activity())
        if why:
            for key in ("lscp_last_seen", "lscp_signed_in_at"):
                st.session_state.pop(key, None)
            st.session_state["lscp_signed_out_because"] = why
            st.logout()
            st.stop()
        verified = st.user.get("email_verified") is True
        st.session_state["user"] = str(st.user.get("email") or st.user.get("sub") or "unknown")
        if st.user.get("email") and not verified:
            st.warning("Your e-mail address is not verified by your sign-in provider: showing "
                       "the restricted view.")
        stale = listed_as_email(st.user.get("groups"), conf)
        if stale:
            st.warning("lscp.toml lists your group " + ", ".join(f"`{as_text(g)}`" for g in stale)
                       + " as an e-mail address, so it gives no role: write it as "
                       "`group:NAME` (tell your administrator).")
        return role_for(st.user.get("email"), st.user.get("groups"), conf, verified=verified)
    configured, source = conf.default_role, "default_role"
    if os.environ.get(ROLE_ENV):
        configured, source = os.environ[ROLE_ENV], ROLE_ENV
    st.session_state["user"] = f"local ({local_role(configured)} by {source})"
    return local_role(configured)
