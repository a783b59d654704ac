"""Commentary and actions on the pages and in the pack: reading the store (lscp_core.commentary)
safely, rendering its Markdown without letting HTML through, and the small-number warning.

A store that cannot be read never stops a page: the figures are shown with a banner saying
the commentary is unavailable and why.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from pathlib import Path

import nh3
import pandas as pd
import streamlit as st
from markdown_it import MarkdownIt

from dashboard import auth, data, styles
from dashboard import formatting as fmt
from lscp_core import commentary as store
from lscp_core.viewer import ANALYST, Viewer

# CommonMark with raw HTML off (``<script>`` stays text) and images off (an image would make
# the reader's browser fetch from another host); nh3 then keeps only the tags below, so even
# a renderer bug cannot pass an attribute such as onerror.
_MD = MarkdownIt("commonmark", {"html": False}).disable("image")
ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "code", "pre", "blockquote", "br",
                "h3", "h4", "h5", "h6", "hr"}
# "a number from 1 to 5": a small count that disclosure control would hide as c
SMALL_NUMBER = re.compile(r"(?<![\d.,])\b[1-5]\b(?![.,]?\d)|\b(?:one|two|three|four|five)\b",
                          re.IGNORECASE)


def render(text: str) -> str:
    """Markdown to HTML that holds no script, style, event handler or image."""
    html = _MD.render(text or "")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def small_numbers(text: str) -> list[str]:
    """The numbers from 1 to 5 in ``text`` (digits or words), in order, each once."""
    return list(dict.fromkeys(m.group(0) for m in SMALL_NUMBER.finditer(text or "")))


def path() -> Path:
    return store.store_path(data.db_path(), auth.settings()[0])


FROM_MEASURE = "cm_from_measure"  # the measure the commentary page was opened from


def open_from_measure(indicator_id: str) -> None:
    """Open the commentary page on this measure: its commentary, and a new action's measure
    prefilled."""
    st.session_state[FROM_MEASURE] = indicator_id
    st.switch_page("views/commentary.py")


def month_key(month) -> str:
    return pd.Timestamp(month).strftime("%Y-%m")


def read_or_banner(reader, default):
    """``reader()``, or ``default`` with a banner (once per page run) when the store fails."""
    try:
        return reader()
    except store.CommentaryUnavailable as exc:
        if not st.session_state.get("_lscp_commentary_banner_shown"):
            st.session_state["_lscp_commentary_banner_shown"] = True
            st.warning(f"**Commentary and actions cannot be shown**: {fmt.as_text(exc)}. The "
                       "figures are not affected. Tell your administrator.",
                       icon=":material/comments_disabled:")
        return default


def reset_banner() -> None:
    """Call once at the start of a page run that shows commentary."""
    st.session_state["_lscp_commentary_banner_shown"] = False


def for_month(month) -> dict[str, store.Comment]:
    """indicator id -> its current commentary for ``month``."""
    found = read_or_banner(lambda: store.latest(path(), month=month_key(month)), [])
    return {c.indicator_id: c for c in found}


def for_indicator(indicator_id: str) -> list[store.Comment]:
    return read_or_banner(lambda: store.latest(path(), indicator_id=indicator_id), [])


def all_actions(indicator_id: str | None = None) -> list[store.Action]:
    return read_or_banner(lambda: store.actions(path(), indicator_id), [])


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def comment_html(comment: store.Comment | None, empty: str = "No commentary yet.",
                 reader: str | None = None) -> str:
    if comment is None:
        return f"<p class='lscp-muted'>{escape(empty)}</p>"
    return (f"<div class='lscp-commentary'>{render(comment.body)}</div>"
            f"<p class='lscp-muted'>{escape(byline(comment, reader))}</p>")


def byline(item, reader: str | None = None) -> str:
    """Who saved it and when; the author as ``reader`` (a role: the session's unless given)
    may see them (``person``)."""
    when = pd.Timestamp(item.saved_at)
    return (f"{person(item.author, reader)}, {fmt.day(when)} {when:%H:%M} UTC"
            + (f" (version {item.version})" if item.version > 1 else ""))


def person(name: str | None, reader: str | None = None, made_as: str = ANALYST) -> str:
    """Who wrote or made something, as ``reader`` (a role; the session's unless given) may
    see them: analysts see the name (an e-mail address); everyone else sees only the role it
    was done in ("Analyst", "Viewer", "Champion (POLICE)"), never an e-mail address."""
    if reader is None:
        try:
            reader = st.session_state.get("role")
        except Exception:  # outside a running app (lscp pack): the restricted reader
            reader = None
    if Viewer.of(reader).unsuppressed:
        return str(name or "unknown")
    made = Viewer.parse(made_as)
    if made is None:
        return "The command line" if made_as == "command line" else "Someone"
    return (f"Champion ({made.agency})" if made.agency else made.kind.capitalize())


def actions_table(actions: list[store.Action], titles: dict[str, str]) -> pd.DataFrame:
    """The actions as text cells (pages, CSV and pack)."""
    now = today()
    return pd.DataFrame({
        "Action": [a.action for a in actions],
        "Owner": [a.owner for a in actions],
        "Due": [a.due_date for a in actions],
        "Status": [("OVERDUE · " if a.overdue(now) else "") + a.status for a in actions],
        "Indicators": ["; ".join(titles.get(i, i) for i in a.indicators) for a in actions],
        "Raised at": [a.meeting for a in actions],
    }, columns=["Action", "Owner", "Due", "Status", "Indicators", "Raised at"])


def actions_html(actions: list[store.Action], titles: dict[str, str], caption: str) -> str:
    if not actions:
        return f"<p class='lscp-muted'>{escape(caption)}: none.</p>"
    table = actions_table(actions, titles)
    head = "".join(f"<th scope='col'>{escape(c)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(
            (f"<td data-label='{c}'><strong class='lscp-worse'>{escape(v)}</strong></td>"
             if c == "Status" and v.startswith("OVERDUE")
             else f"<td data-label='{c}'>{escape(str(v))}</td>")
            for c, v in row.items()) + "</tr>"
        for _, row in table.iterrows())
    return (f"<div class='lscp-card'><table class='lscp-actions lscp-responsive'><caption>{escape(caption)}"
            f"</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def show_html(inner: str) -> None:
    """Our own HTML on a page, with the shared styles."""
    st.html(f"<div class='lscp-card'><style>{styles.CSS}</style>{inner}</div>")


def show_comment(comment: store.Comment | None, title: str | None = None) -> None:
    """Commentary on a page: sanitised HTML (st.html), never Streamlit Markdown, which would
    fetch images from other hosts."""
    heading = f"<h4>{escape(title)}</h4>" if title else ""
    show_html(heading + comment_html(comment))


def show_actions(actions: list[store.Action], caption: str, key: str) -> None:
    titles = dict(zip(data.catalogue()["indicator_id"], data.catalogue()["title"], strict=True))
    if not actions:
        st.caption(f"{caption}: none.")
        return
    table = actions_table(actions, titles)
    overdue = sum(a.overdue(today()) for a in actions)
    if overdue:
        st.warning(f"{overdue} overdue action(s): past their due date and not done.",
                   icon=":material/alarm:")
    show_html(actions_html(actions, titles, caption))
    from dashboard import ui

    ui.download_csv(table, f"actions-{key}.csv", f"actions_{key}",
                    label="Download the actions (CSV)")
