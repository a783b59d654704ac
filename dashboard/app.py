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
st.sidebar.markdown("**Neglect strategy dashboard**  \nLocal Safeguarding Children Partnership")
ui.narrow_screens()
ui.role_note()
if auth.auth_configured() and st.user.get("is_logged_in", False):
    st.sidebar.button("Log out", on_click=st.logout)
st.session_state["lscp_page"] = page.title
page.run()
# what was shown, for the audit trail (analysts and champions; nothing for a viewer)
ui.audit_view(page.title, indicator=st.session_state.get("ex_indicator")
              if page.title == "Indicator explorer" else None,
              month=st.session_state.get("sc_period") if page.title == "Board scorecard"
              else st.session_state.get("loc_period") if page.title == "Localities"
              else st.session_state.get("exc_period") if page.title == "Exception report"
              else None)
