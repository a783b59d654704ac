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
after ``session_hours`` from sign-in and after ``idle_minutes`` without a page run.
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
from lscp_core.settings import Settings, load_settings
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
    """The role of a signed-in user: analyst before board before champion before viewer."""
    names = {g.strip().lower() for g in (groups or []) if isinstance(g, str)}
    if email and verified:
        names.add(email.strip().lower())
    if names & {a.strip().lower() for a in conf.analysts} or \
            names & {g.strip().lower() for g in conf.analyst_groups}:
        return ANALYST
    if names & {b.strip().lower() for b in conf.board}:
        return BOARD
    for who, agency in conf.champions.items():
        champion = Viewer.parse(f"{CHAMPION}:{agency}")
        if who.strip().lower() in names and champion is not None:
            return champion.role
    return VIEWER


def local_role(configured: str | None) -> str:
    return configured if valid_role(configured) else VIEWER


def session_expired(conf: Settings, now: float, state, user) -> str | None:
    """Why this signed-in session must end now (None while it may go on). ``state`` is the
    session state; the last page run and the sign-in time are kept there."""
    signed_in = _claim_time(user, "auth_time") or _claim_time(user, "iat") \
        or state.get("lscp_signed_in_at")
    state.setdefault("lscp_signed_in_at", now)
    last = state.get("lscp_last_seen")
    state["lscp_last_seen"] = now
    if last is not None and now - last > conf.idle_minutes * 60:
        return f"you were signed out after {conf.idle_minutes:g} minutes without activity"
    if signed_in is not None and now - signed_in > conf.session_hours * 3600:
        return f"sessions last {conf.session_hours:g} hours: please sign in again"
    return None


def _claim_time(user, claim: str) -> float | None:
    value = user.get(claim) if user is not None else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def resolve_role() -> str:
    """The role for this session; shows the login screen and stops when login is needed."""
    conf, problem = settings()
    if problem:
        st.warning(f"Settings could not be read ({as_text(problem)}); showing the restricted view.")
    if auth_configured():
        if not st.user.get("is_logged_in", False):
            st.title("Neglect strategy dashboard")
            if st.session_state.get("lscp_signed_out_because"):
                st.info(as_text(st.session_state["lscp_signed_out_because"]).capitalize() + ".")
            st.write("Please log in with your organisation account to see the dashboard.")
            st.button("Log in", on_click=st.login, type="primary")
            st.stop()
        why = session_expired(conf, time.time(), st.session_state, st.user)
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
        return role_for(st.user.get("email"), st.user.get("groups"), conf, verified=verified)
    configured, source = conf.default_role, "default_role"
    if os.environ.get(ROLE_ENV):
        configured, source = os.environ[ROLE_ENV], ROLE_ENV
    st.session_state["user"] = f"local ({local_role(configured)} by {source})"
    return local_role(configured)
