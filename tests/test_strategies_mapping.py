"""seeds/strategies.csv read against the catalogue (metrics/catalogue.yaml) and the manual
measures (seeds/manual_measures.csv), extracts.md's `strategies.csv`: every measure is
measured by an indicator, by proxy (saying what differs), by hand, or is not measurable
(saying why); every computed indicator serves a strategy measure or is listed under the
strategy `Context` with its reason; no id that does not exist.

`problems` is the rule; the hand-built cases below show it catches each fault, and the last
test holds the demo's own file to it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from metrics.runner import load_catalogue

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CONTEXT = "Context"
HOW = {"indicator", "proxy", "manual", "not measurable", "context"}


def read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def problems(rows: list[dict[str, str]], computed: set[str], manual: set[str]) -> list[str]:
    """Everything wrong with a strategies file, one line each (empty: it is right)."""
    out = []
    for n, r in enumerate(rows, start=2):  # line 1 is the header
        iid, how, why = r["indicator_id"], r.get("how_measured", ""), r.get("reason", "")
        where = f"line {n} ({r['strategy']}: {r['success_measure']})"
        if how not in HOW:
            out.append(f"{where}: how_measured {how!r} is not one of {sorted(HOW)}")
            continue
        if iid and iid not in computed | manual:
            out.append(f"{where}: no indicator or manual measure has the id {iid!r}")
        if how in {"indicator", "proxy", "context"} and iid and iid in manual:
            out.append(f"{where}: {iid!r} is a manual measure, so how_measured is manual")
        if how == "manual" and iid not in manual:
            out.append(f"{where}: a manual measure must name one of seeds/manual_measures.csv")
        if how in {"indicator", "proxy", "context"} and not iid:
            out.append(f"{where}: {how} with no indicator")
        if how in {"proxy", "not measurable", "context"} and len(why) < 15:
            out.append(f"{where}: {how} without its reason (what differs, or why)")
        if how == "not measurable" and iid:
            out.append(f"{where}: not measurable, yet it names {iid!r}")
        if (how == "context") != (r["strategy"] == CONTEXT):
            out.append(f"{where}: context rows, and only they, are under the strategy Context")
    linked = {r["indicator_id"] for r in rows}
    out += [f"indicator {i!r} is linked to no strategy measure and not listed under Context"
            for i in sorted(computed - linked)]
    return out


def _row(strategy="S", measure="m", iid="a", how="indicator", why=""):
    return {"strategy": strategy, "success_measure": measure, "indicator_id": iid,
            "launch_date": "2025-01-01", "how_measured": how, "reason": why}


GOOD = [_row(iid="a"), _row(iid="b", how="proxy", why="counts every tool, not only GCP2"),
        _row(iid="t", how="manual"),
        _row(iid="", how="not measurable", why="a way of measuring, not a measure"),
        _row(CONTEXT, "c", "c", "context", "the DfE comparator of a, no strategy names it")]


def test_a_right_file_has_no_problems():
    assert problems(GOOD, {"a", "b", "c"}, {"t"}) == []


@pytest.mark.parametrize(("rows", "found"), [
    (GOOD + [_row(iid="gone")], "no indicator or manual measure has the id 'gone'"),
    (GOOD[1:], "indicator 'a' is linked to no strategy measure"),
    (GOOD + [_row(iid="a", how="proxy", why="")], "proxy without its reason"),
    (GOOD + [_row(iid="a", how="proxy", why="close")], "proxy without its reason"),
    (GOOD + [_row(iid="", how="not measurable")], "not measurable without its reason"),
    (GOOD + [_row(iid="a", how="not measurable", why="cannot be measured at all")],
     "not measurable, yet it names 'a'"),
    (GOOD + [_row(CONTEXT, "c", "c", "context", "")], "context without its reason"),
    (GOOD + [_row(iid="c", how="context", why="a comparator no strategy names")],
     "only they, are under the strategy Context"),
    (GOOD + [_row(iid="t", how="indicator")], "'t' is a manual measure"),
    (GOOD + [_row(iid="a", how="exact")], "how_measured 'exact' is not one of"),
    (GOOD + [_row(iid="", how="indicator")], "indicator with no indicator"),
])
def test_each_fault_is_found(rows, found):
    assert any(found in p for p in problems(rows, {"a", "b", "c"}, {"t"})), problems(
        rows, {"a", "b", "c"}, {"t"})


def test_the_strategies_file_matches_the_catalogue():
    """Holds seeds/strategies.csv to the catalogue this checkout has: an id the catalogue
    does not have, a computed indicator linked to nothing, a proxy or a Context row without
    its reason each fail here."""
    computed = {e["id"] for e in load_catalogue()}
    manual = {r["id"] for r in read(SEEDS / "manual_measures.csv")}
    found = problems(read(SEEDS / "strategies.csv"), computed, manual)
    assert found == [], "\n".join(found)


def test_the_five_mappings_the_issue_questioned_say_what_differs():
    rows = {(r["success_measure"], r["indicator_id"]): r for r in read(SEEDS / "strategies.csv")}
    nfa = rows[("Fewer inappropriate neglect referrals", "referral_nfa_neglect")]
    assert nfa["how_measured"] == "proxy" and "not the same as inappropriate" in nfa["reason"]
    # children becoming looked after: the starts, not the month-end stock
    cla = [r for (m, _i), r in rows.items() if "become looked after" in m]
    assert [r["indicator_id"] for r in cla] == ["cla_neglect_starts"]
    assert rows[("Children looked after because of abuse or neglect", "cla_neglect_rate")][
        "how_measured"] == "context"
    # the GCP2 improving outcomes: rescores that improve, not the count of tools
    assert rows[("Use of GCP2 to improve outcomes", "neglect_tools_improved")]["how_measured"] \
        == "proxy"
    steps = rows[("More cases stepped down as a result of desired outcomes being achieved",
                  "step_downs")]
    assert steps["how_measured"] == "proxy" and "RC9" in steps["reason"] \
        and "not only neglect" in steps["reason"]
    linked = {i for _m, i in rows}
    assert {"cp_long", "cp_rate", "cp_repeat", "cp_repeat_2y", "eh_step_up", "referral_nfa",
            "rereferral", "tool_before_neglect_referral"} <= linked
