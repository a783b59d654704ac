"""Tablet and phone: at 390, 768 and 1366 px wide, on every page, no visible text box overlaps
another and none runs past the viewport; the sidebar starts closed below 992 px and the
localities heat map is a list on a phone. One server, one browser, one tab per width.

A text box is a leaf text node's line box (Range.getClientRects), cut to what its scrolling
or clipping ancestors let show; text in a closed sidebar, a hidden element or a visually
hidden (clipped, 1 px) label is not on screen and does not count."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_app, settle
from tests.e2e.test_browser import PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]

WIDTHS = (390, 768, 1366)
SLACK = 2  # px: glyph boxes of neighbouring lines may touch

TEXT_BOXES = """() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const shown = new Map();
  function visibleBox(el) {  // the rectangle el's ancestors let show, or null (hidden)
    if (shown.has(el)) return shown.get(el);
    let box = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};
    if (el !== document.body && el.parentElement) {
      const up = visibleBox(el.parentElement);
      if (up === null) { shown.set(el, null); return null; }
      box = {...up};
    }
    // the body of a closed <details> (a closed expander) is not drawn
    const up = el.parentElement;
    if (up && up.tagName === "DETAILS" && !up.open && el.tagName !== "SUMMARY") {
      shown.set(el, null); return null;
    }
    const s = getComputedStyle(el);
    if (s.display === "none" || s.visibility === "hidden" || s.visibility === "collapse"
        || parseFloat(s.opacity) === 0 || (s.clip && s.clip !== "auto")
        || (s.clipPath && s.clipPath !== "none")
        || el.getAttribute("aria-hidden") === "true"
        || (el.matches && el.matches('[data-testid="stSidebar"][data-collapsed="true"]'))) {
      shown.set(el, null); return null;
    }
    // what a scrolling or clipping ancestor cuts off sideways is not on screen; what is
    // below a scrolling one (the page itself) is reached by scrolling down
    const scrollsDown = s.overflowY === "auto" || s.overflowY === "scroll";
    if (s.overflowX !== "visible" || s.overflowY !== "visible") {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1) { shown.set(el, null); return null; }
      box = {left: Math.max(box.left, r.left), right: Math.min(box.right, r.right),
             top: scrollsDown ? box.top : Math.max(box.top, r.top),
             bottom: scrollsDown ? box.bottom : Math.min(box.bottom, r.bottom)};
    }
    shown.set(el, box);
    return box;
  }
  let n = 0;
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text || !node.parentElement) continue;
    const parent = node.parentElement;
    if (["SCRIPT", "STYLE", "NOSCRIPT", "TITLE"].includes(parent.tagName)) continue;
    const clip = visibleBox(parent);
    if (clip === null) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    n += 1;
    for (const r of range.getClientRects()) {
      const box = {left: Math.max(r.left, clip.left), top: Math.max(r.top, clip.top),
                   right: Math.min(r.right, clip.right), bottom: Math.min(r.bottom, clip.bottom)};
      if (box.right - box.left < 1 || box.bottom - box.top < 1) continue;
      out.push({id: n, text: text.slice(0, 40), left: box.left, top: box.top + scrollY,
                right: box.right, bottom: box.bottom + scrollY, vw: vw});
    }
  }
  return out;
}"""


def _problems(boxes: list[dict]) -> list[str]:
    found = []
    for b in boxes:
        if b["left"] < -SLACK or b["right"] > b["vw"] + SLACK:
            found.append(f"past the edge: {b['text']!r} ({b['left']:.0f}-{b['right']:.0f} of "
                         f"{b['vw']})")
    ordered = sorted(boxes, key=lambda b: b["top"])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b["top"] >= a["bottom"] - SLACK:
                break
            if a["id"] == b["id"]:
                continue
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if across > SLACK and down > SLACK:
                found.append(f"overlap: {a['text']!r} and {b['text']!r}")
    return found


def _settle(page) -> None:
    settle(page, quiet=400)  # the last elements arrive after the script run ends
    if page.locator(".lscp-chart").count():
        page.locator(".lscp-chart svg").first.wait_for(state="attached", timeout=30_000)
        settle(page, quiet=200)


def _text_boxes(page, width: int) -> list[dict]:
    """Every text box of the whole page: the window made as tall as the page first (the
    app scrolls inside a box the height of the window, which would cut the rest off)."""
    tall = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                         "'[data-testid=stMain], [data-testid=stSidebarContent]')]"
                         ".map(e => e.scrollHeight), 900)")
    page.set_viewport_size({"width": width, "height": min(int(tall) + 50, 16000)})
    page.wait_for_timeout(300)
    try:
        return page.evaluate(TEXT_BOXES)
    finally:
        page.set_viewport_size({"width": width, "height": 900})


@pytest.mark.parametrize("width", WIDTHS)
def test_no_text_overlaps_or_runs_past_the_edge(browser, viewer_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = []
    try:
        for path, heading in PAGES:
            open_app(page, viewer_server.url + path, heading)
            _settle(page)
            closed = page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed")
            assert closed == ("true" if width < 992 else "false"), (path, width, closed)
            boxes = _text_boxes(page, width)
            assert len(boxes) > 10, (path, width)  # the page was drawn
            problems += [f"{path} at {width} px: {p}" for p in _problems(boxes)]
        if width == 390:  # the heat map is a list on a phone
            open_app(page, viewer_server.url + "/localities", "Localities")
            _settle(page)
            assert page.locator(".st-key-chart_localities").first.is_hidden()
            assert page.locator(".lscp-narrow-only li").first.is_visible()
    finally:
        context.close()
    assert not problems, "\n".join(problems[:40])


def test_the_checks_find_an_overlap_and_an_overflow():
    base = {"vw": 400}
    boxes = [{**base, "id": 1, "text": "Title", "left": 10, "top": 10, "right": 200,
              "bottom": 30},
             {**base, "id": 2, "text": "Legend", "left": 100, "top": 20, "right": 180,
              "bottom": 40},
             {**base, "id": 3, "text": "Def", "left": 300, "top": 100, "right": 420,
              "bottom": 120},
             {**base, "id": 3, "text": "Def", "left": 10, "top": 119, "right": 50,
              "bottom": 139}]
    found = _problems(boxes)
    assert found == ["past the edge: 'Def' (300-420 of 400)", "overlap: 'Title' and 'Legend'"]
