"""Pieces every page uses: headings, notes, banners, chart + table + CSV blocks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, data
from dashboard import formatting as fmt
from lscp_core import audit
from lscp_core.viewer import VIEWER, Viewer

REVISION_NOTE = ("The latest months may be revised: each refresh uses every record in the "
                 "extracts as they stand, including late-recorded ones.")


def role() -> str:
    return st.session_state.get("role", "viewer")


# Below 992 px (a tablet, a phone) the sidebar starts closed, so it covers no page: Streamlit's
# own "auto" closes it only up to 768 px. Once per browser tab, before the reader has opened
# or closed it themselves (Streamlit then remembers their choice). The script is ours and
# runs in the page; nothing is fetched from anywhere.
NARROW_PX = 992
_SIDEBAR_SCRIPT = """<script>
(function () {
  var done = "lscp-sidebar-start";
  if (window.innerWidth >= NARROW_PX || sessionStorage.getItem(done)) { return; }
  sessionStorage.setItem(done, "1");
  var tries = 0;
  var timer = setInterval(function () {
    var bar = document.querySelector('[data-testid="stSidebar"]');
    var button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (bar && button && bar.getAttribute("aria-expanded") === "true") {
      button.click(); clearInterval(timer);
    } else if (bar && bar.getAttribute("aria-expanded") === "false" || ++tries > 40) {
      clearInterval(timer);
    }
  }, 50);
})();
</script>""".replace("NARROW_PX", str(NARROW_PX))
# narrow screens: what replaces a wide chart (a list) and what is hidden; one style sheet
NARROW_CSS = """<style>
.lscp-narrow-only { display: none; }
@media screen and (max-width: 767.98px) {
  .lscp-narrow-only { display: block; }
  .lscp-wide-only { display: none !important; }
}
</style>"""


def narrow_screens() -> None:
    """The sidebar closed below 992 px, and the narrow-screen style (``lscp-narrow-only``)."""
    st.sidebar.html(_SIDEBAR_SCRIPT + NARROW_CSS, unsafe_allow_javascript=True)


def narrow_list(cells: pd.DataFrame, chart_key: str, caption: str) -> None:
    """On a narrow screen (below 768 px) a grid chart (the localities heat map) is a list
    instead: each indicator, then each place's figure and verdict; the chart (its element
    key ``chart_key``) is hidden there. ``cells``: title, place, shown, word, in order."""
    from html import escape

    blocks = []
    for title, part in cells.groupby("title", sort=False):
        items = "".join(
            f"<li>{escape(str(p))}: <strong>{escape(str(v))}</strong>"
            + (f" ({escape(str(w))})" if isinstance(w, str) and w else "") + "</li>"
            for p, v, w in zip(part["place"], part["shown"], part["word"], strict=True))
        blocks.append(f"<p><strong>{escape(str(title))}</strong></p><ul>{items}</ul>")
    st.html(f"<style>@media screen and (max-width: 767.98px) {{ .st-key-{chart_key} "
            "{ display: none !important; } }</style>"
            f"<div class='lscp-narrow-only lscp-card'><p class='lscp-muted'>{escape(caption)}"
            f"</p>{''.join(blocks)}</div>")


def require_db() -> None:
    """Stop the page with a plain message when there is no database to read."""
    try:
        data.live().current()
    except data.DatabaseUnavailable as exc:
        st.error(str(exc))
        st.stop()


def refreshed_note() -> None:
    info = data.meta()
    st.caption(
        f"Data as at **{fmt.day(info.get('as_at'))}**, refreshed {_when(info.get('built_at'))}. "
        + REVISION_NOTE)


def _when(raw) -> str:
    try:
        ts = pd.Timestamp(raw)
    except (TypeError, ValueError):
        return fmt.NOT_AVAILABLE
    if pd.isna(ts):
        return fmt.NOT_AVAILABLE
    return ts.strftime("%d %B %Y at %H:%M").lstrip("0") + (" UTC" if ts.tzinfo else "")


def failed_run_banner(small: bool = False) -> None:
    failed = data.failed_runs_since_publish()
    if not failed:
        return
    latest = failed[0]
    if small:
        st.warning(
            f"The latest data refresh failed ({_when(latest.started_at)}). These figures are "
            "from the last successful refresh. See **Data quality**.", icon=":material/warning:")
    else:
        st.error(
            f"**The latest data refresh failed** ({_when(latest.started_at)}, run "
            f"{latest.run_id}): {latest.message or 'no message'}. The dashboard still shows the "
            f"last published data. {len(failed)} failed run(s) since the last publish.",
            icon=":material/error:")


def stale_extract_banner() -> None:
    """Name the extracts whose figures are not current (failed or late deliveries)."""
    from dashboard import freshness

    late = freshness.out_of_date()
    if late:
        st.warning("**Some figures are not current.** " + "; ".join(
            f.sentence() for f in late) + ". See **Data quality**.", icon=":material/schedule:")


def role_note() -> None:
    marking = Viewer.of(role()).marking
    if marking:
        st.sidebar.warning(f"**Board view**: every figure unsuppressed, read-only; every view "
                           f"is recorded. **{marking}**.", icon=":material/lock_open:")
    elif data.unsuppressed(role()):
        st.sidebar.warning("**Analyst view**: unsuppressed figures. Do not share outside the "
                           "partnership.", icon=":material/lock_open:")
    elif data.own_agency(role()):
        st.sidebar.info(f"**Champion view**: {data.own_agency(role())}'s own figures are "
                        "unsuppressed; everything else based on 1 to 5 children or records is "
                        "shown as **c** (confidential).", icon=":material/lock:")
    else:
        st.sidebar.info("Figures based on 1 to 5 children or records are shown as **c** "
                        "(confidential).", icon=":material/lock:")


PARTNERSHIP = "Partnership (every council)"


def council_choice(key: str, container=st) -> str | None:
    """The council level of a partnership of several councils: ``All`` (the partnership) or
    one council's name. ``None``, and nothing on the page, with one council."""
    names = data.councils()
    if not names:
        return None
    return container.selectbox(
        "Council", [data.ALL, *names], key=key,
        format_func=lambda c: PARTNERSHIP if c == data.ALL else c,
        help="The partnership shows its councils side by side; a council shows its own "
             "localities (and its Unknown: children with no postcode or one that matches no "
             "locality).")


def council_slug(council: str | None) -> str:
    """``-corrie-bay`` for a file of one council's figures; "" for the partnership's."""
    if council in (None, data.ALL):
        return ""
    return "-" + "".join(c if c.isalnum() else "-" for c in str(council).lower())


def level_name(council: str | None) -> str:
    """What a figure of the chosen level is called: the partnership or the council."""
    return "Partnership" if council in (None, data.ALL) else str(council)


def disclosed_table(frame: pd.DataFrame, unit: str, columns: dict[str, str]) -> pd.DataFrame:
    """Cells as text for tables and CSV: ``c`` hidden, ``x`` not available, ``z`` n/a."""
    out = pd.DataFrame(index=frame.index)
    hidden = frame["hidden"].fillna(False).astype(bool) if "hidden" in frame else False
    for col, label in columns.items():
        if col == "period_end":
            out[label] = frame[col].dt.strftime("%Y-%m-%d")
        elif col == "numerator":
            out[label] = [fmt.CONFIDENTIAL if h else _plain(v, "count")
                          for v, h in zip(frame[col], _flags(hidden, frame), strict=True)]
        elif col == "denominator":
            out[label] = [fmt.NOT_APPLICABLE if unit == "count" else
                          fmt.CONFIDENTIAL if h else _plain(v, "count")
                          for v, h in zip(frame[col], _flags(hidden, frame), strict=True)]
        elif col == "value":
            out[label] = [fmt.CONFIDENTIAL if h else _plain(v, unit)
                          for v, h in zip(frame[col], _flags(hidden, frame), strict=True)]
        else:
            out[label] = frame[col]
    return out.reset_index(drop=True)


def _flags(hidden, frame):
    return hidden if isinstance(hidden, pd.Series) else [False] * len(frame)


def _plain(v, unit: str) -> str:
    if v is None or pd.isna(v):
        return fmt.NOT_AVAILABLE
    return f"{round(float(v))}" if unit == "count" else f"{float(v):.1f}"


def chart(figure: str, key: str) -> None:
    """A chart drawn on the server (``dashboard.charts``: SVG, no chart code in the
    browser), in an element keyed ``chart_<key>`` (class ``st-key-chart_<key>``). As
    Markdown's HTML: ``st.html`` keeps only HTML (its sanitiser drops inline SVG), and an
    ``<img>`` would lose the tooltips and the text a reader can select."""
    with st.container(key=f"chart_{key}"):
        st.markdown(figure, unsafe_allow_html=True)


def chart_with_table(fig: str, table: pd.DataFrame, filename: str, key: str,
                     caption: str | None = None) -> None:
    """A chart, its table alternative and a CSV download of that table."""
    chart(fig, key)
    if caption:
        st.caption(caption)
    lazy_table(table, key)
    download_csv(table, filename, key)


LAZY_PREFIX = "view_"  # the key of a table's expander: ``view_<key>``


def lazy_table(table: pd.DataFrame, key: str, label: str = "View as table",
               caption: str | None = None) -> None:
    """A table collapsed until asked for, and only then drawn: a closed expander sends the
    browser nothing to build (a page's first load draws its charts, not every table
    behind them); opening it reruns the page with the table in it (``static_table``)."""
    box = st.expander(label, key=f"{LAZY_PREFIX}{key}", on_change="rerun")
    with box:
        if box.open:
            static_table(table, key, caption)


def static_table(table: pd.DataFrame, key: str, caption: str | None = None) -> None:
    """A table as plain HTML, in an element keyed ``table_<key>``: no grid code in the
    browser (``st.dataframe`` fetches 1.7 MB of it, ``st.table`` 1.0 MB, even in a closed
    expander), for the tables a reader reads rather than sorts. Cells as given (text), a
    blank for a missing one; column headings and a caption for a screen reader. Scrolls
    sideways when wider than the page (a region the keyboard can reach and scroll)."""
    from html import escape

    from dashboard import styles

    def cell(v) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        return escape(str(v)).replace("\n", "<br>")

    head = "".join(f'<th scope="col">{cell(c)}</th>' for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in table.itertuples(index=False, name=None))
    title = f"<caption>{cell(caption)}</caption>" if caption else ""
    with st.container(key=f"table_{key}"):
        name = cell(caption) if caption else cell(
            "Table: " + ", ".join(str(c) for c in list(table.columns)[:4])
            + (", ..." if len(table.columns) > 4 else ""))
        # st.html, not Markdown's HTML: the browser's own parser draws it (Markdown's HTML
        # is parsed in JavaScript, and its code, 190 KB, is fetched for it on a page's first
        # load), and tables need no inline SVG (which st.html's sanitiser would drop)
        st.html(f'<div class="lscp-card lscp-static-table" style="overflow-x:auto" '
                f'tabindex="0" role="region" aria-label="{name}">'
                f"<style>{styles.CSS}</style><table>{title}<thead><tr>{head}</tr></thead><tbody>{rows}"
                "</tbody></table></div>")


def download_csv(table: pd.DataFrame, filename: str, key: str,
                 label: str = "Download this table (CSV)") -> None:
    # the CSV is written when it is asked for, not on every run of the page (a page offers
    # several, and most are never downloaded); of the table as it is now
    frame = table.copy()
    st.download_button(label, audited_data(lambda: fmt.csv_bytes(frame), "csv_download",
                                           filename),
                       file_name=filename, mime="text/csv", key=f"csv_{key}",
                       icon=":material/download:", on_click="ignore")


# --- the audit trail of unsuppressed figures (lscp_core.audit) ---------------------------

def _audit_file():
    return audit.audit_path(data.db_path(), auth.settings()[0])


def audit_event(action: str, page: str, indicator: str | None = None,
                month: str | None = None) -> bool:
    """Record what a non-restricted user is shown. Fails closed: True once the entry is
    written (or when nothing needs recording, a viewer); when the log cannot be written the
    page says so and this run falls back to the restricted view (``restrict_after_audit_failure``),
    and False is returned. Call it before drawing what it records."""
    if not audit.audited(role()):
        return True
    try:
        audit.record(_audit_file(), user=st.session_state.get("user", "unknown"), role=role(),
                     action=action, page=page, indicator=indicator, month=month)
    except (OSError, data.DatabaseUnavailable) as exc:
        restrict_after_audit_failure(exc)
        return False
    return True


def restrict_after_audit_failure(exc: BaseException) -> None:
    """No unsuppressed figure without its audit entry: this run shows the restricted view."""
    st.session_state["role"] = VIEWER
    st.error(f"**The audit log could not be written** ({fmt.as_text(exc)}), so this page shows "
             "the restricted view: figures based on 1 to 5 children or records are shown as "
             "**c**. Tell your administrator (the `audit_log` setting must name a file the "
             "dashboard can write).", icon=":material/lock:")


def audit_view(page: str, indicator: str | None = None, month=None) -> bool:
    """A page view, recorded once per page, indicator and month a session looks at; False
    when it could not be recorded (then the restricted view, see ``audit_event``). The app
    calls it before the page runs and again after, when the page chose a default."""
    month = None if month is None else str(pd.Timestamp(month).date())
    seen = (page, indicator, month)
    if st.session_state.get("lscp_audit_last") == seen:
        return True
    if not audit_event("page_view", page, indicator, month):
        return False
    if audit.audited(role()):
        st.session_state["lscp_audit_last"] = seen
    return True


def audited_data(build, action: str, what: str):
    """Download data that records the download when (and only when) it is fetched."""
    who, page = role(), st.session_state.get("lscp_page", "")
    user = st.session_state.get("user", "unknown")
    path = _audit_file() if audit.audited(who) else None

    def _data():
        if path is not None:
            audit.record(path, user=user, role=who, action=action, page=page, indicator=what)
        return build()

    return _data
