"""The lscp dashboard: ``streamlit run dashboard/app.py`` (``lscp serve --db FILE`` does it).

Page config, the role gate, the sidebar and the navigation; each page lives in
``dashboard/views``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # so `dashboard` imports when run from a source tree
    sys.path.insert(0, str(ROOT))

from dashboard import auth, pages, ui  # noqa: E402
from lscp_core.private import close_new_files  # noqa: E402

close_new_files()  # the audit log, packs, commentary: 0600 even under a Streamlit run by hand

# The favicon is a file of ours: a ":material/...:" page icon is fetched from a font host on
# the internet by the browser, and no page may ask another host for anything.
st.set_page_config(page_title="Neglect strategy dashboard",
                   page_icon=str(Path(__file__).resolve().parent / "favicon.png"),
                   layout="wide", initial_sidebar_state="auto")

st.session_state["role"] = auth.resolve_role()
# no table's own "Download as CSV" (it would bypass the audit log and the suppressed view's
# own file): every table's CSV is the page's audited download button (ui.download_csv)
st.set_option("client.disableDataExport", True)

PAGES = [st.Page(p.path, title=p.title, icon=p.icon, default=not p.url_path,
                 **({"url_path": p.url_path} if p.url_path else {})) for p in pages.PAGES]

page = st.navigation(PAGES)
# a meaningful browser-tab title for each page (WCAG 2.4.2)
st.set_page_config(page_title=f"{page.title} · Neglect strategy dashboard")


def shown(title: str, before: bool = False) -> dict:
    """The indicator and month a page shows, for the audit trail (from its widgets' state;
    before the page runs, the explorer's indicator may still be only in the address)."""
    state = st.session_state
    indicator = None
    if title == "Indicator explorer":
        indicator = (st.query_params.get("indicator") if before else None) \
            or state.get("ex_indicator")
    key = {"Board scorecard": "sc_period", "Localities": "loc_period",
           "Exception report": "exc_period"}.get(title)
    return {"indicator": indicator, "month": state.get(key) if key else None}


# The audit trail fails closed: what an analyst or champion is about to see is recorded
# before anything is drawn; when the log cannot be written, this run is the restricted view.
ui.audit_view(page.title, **shown(page.title, before=True))
st.sidebar.markdown("**Neglect strategy dashboard**  \nLocal Safeguarding Children Partnership")
ui.narrow_screens()
ui.role_note()
if auth.auth_configured() and st.user.get("is_logged_in", False):
    st.sidebar.button("Log out", on_click=st.logout)
st.session_state["lscp_page"] = page.title
page.run()
# a default the page chose (the first visit's month or indicator): recorded too
ui.audit_view(page.title, **shown(page.title))
