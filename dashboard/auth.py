"""Who is looking: the restricted view unless configuration says otherwise.

- With an ``[auth]`` section in Streamlit secrets, users log in with OIDC
  (``st.login``); the role is ``analyst`` when ``st.user.email`` is listed in
  ``[dashboard] analysts`` of lscp.toml, otherwise ``viewer``.
- Without it, the role is ``[dashboard] default_role`` (``viewer`` unless set).
Anything unexpected falls back to ``viewer``, the restricted view.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data import ROLES
from dashboard.formatting import as_text
from lscp_core.errors import UserError
from lscp_core.settings import Settings, load_settings


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


def role_for_email(email: str | None, analysts: list[str]) -> str:
    if email and email.strip().lower() in {a.strip().lower() for a in analysts}:
        return "analyst"
    return "viewer"


def local_role(configured: str | None) -> str:
    return configured if configured in ROLES else "viewer"


def resolve_role() -> str:
    """The role for this session; shows the login screen and stops when login is needed."""
    conf, problem = settings()
    if problem:
        st.warning(f"Settings could not be read ({as_text(problem)}); showing the restricted view.")
    if auth_configured():
        if not st.user.get("is_logged_in", False):
            st.title("Neglect strategy dashboard")
            st.write("Please log in with your organisation account to see the dashboard.")
            st.button("Log in", on_click=st.login, type="primary")
            st.stop()
        return role_for_email(st.user.get("email"), conf.analysts)
    return local_role(conf.default_role)
