"""Commentary and actions in the app (AppTest): analysts write, everyone reads, a stale save is
refused with the newer text, scripts never render, small numbers warn, a broken store still
serves the figures; the exception report's rule pinned on hand-built rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import commentary, exceptions
from lscp_core import commentary as store
from tests.dashboard.conftest import APP, open_page
from tests.dashboard.test_pages import table, texts

LATEST = "2025-09"  # the fake database's latest month


@pytest.fixture
def site(use_db, fake_db_path, tmp_path):
    path = tmp_path / "notes.sqlite"

    def _as(role: str):
        use_db(fake_db_path, role, extra=f'commentary_db = "{path}"\n')
        return path

    return _as


def _html(at) -> str:
    """The pages' HTML, less the app's own sidebar script (ui.narrow_screens)."""
    from dashboard import ui

    return "\n".join(h.proto.body.replace(ui._SIDEBAR_SCRIPT, "") for h in at.get("html"))


def _editor(at):
    return at.text_area(key=f"cm_text_cp_neglect_rate_{LATEST}")


def test_an_analyst_saves_versions_and_sees_the_history(app, site):
    path = site("analyst")
    at = open_page(app, "views/commentary.py")
    _editor(at).set_value("Fell after the **neglect audit**").run()
    at.button(key="cm_save").click().run()
    assert "Fell after the <strong>neglect audit</strong>" in _html(at)
    _editor(at).set_value("Fell after the neglect audit and new training").run()
    at.button(key="cm_save").click().run()
    assert [c.version for c in store.history(path, "cp_neglect_rate", LATEST)] == [2, 1]
    assert "History: 2 versions" in [e.label for e in at.expander]
    assert "new training" in _html(at)


def test_a_second_save_of_a_stale_version_is_refused_with_the_newer_text(app, site):
    site("analyst")
    first = open_page(app, "views/commentary.py")  # opened at version 0
    other = open_page(AppTest.from_file(str(APP), default_timeout=60), "views/commentary.py")
    _editor(other).set_value("Other analyst's words").run()
    other.button(key="cm_save").click().run()
    _editor(first).set_value("My words").run()
    first.button(key="cm_save").click().run()
    errors = " ".join(e.value for e in first.error)
    assert "Not saved" in errors and "nothing was overwritten" in errors
    assert "Other analyst's words" in _html(first)
    first.button(key="cm_take_newer").click().run()
    assert _editor(first).value == "Other analyst's words"


def test_script_and_onerror_image_never_reach_the_page_or_the_pack(app, site):
    path = site("analyst")
    attack = ('<script>alert("x")</script> <img src=x onerror=alert(1)> '
              '![pic](http://elsewhere.example/p.png) [link](javascript:alert(2))')
    store.save_comment(path, "cp_neglect_rate", LATEST, attack, "mallory", 0)
    at = open_page(app, "views/commentary.py")
    html = _html(at)
    assert "&lt;script&gt;" in html  # shown as text
    assert "onerror=alert(1)&gt;" in html  # the image tag as text, not an element
    for bad in ("<script", "<img", 'href="javascript', 'src="http'):
        assert bad not in html
    home = open_page(app, "views/scorecard.py")
    assert "&lt;script&gt;" in _html(home) and "<script" not in _html(home)


def test_a_restricted_viewer_reads_commentary_and_actions_but_has_no_editor(app, site):
    path = site("viewer")
    store.save_comment(path, "cp_neglect_rate", LATEST, "Steady this quarter", "ana", 0)
    store.save_action(path, action="Audit neglect plans", owner="LA",
                      due_date=dt.date(2020, 1, 31), status="Open",
                      indicators=["cp_neglect_rate"], meeting="2025-12-10 Board", author="ana")
    at = open_page(app, "views/commentary.py")
    assert "Steady this quarter" in _html(at)
    assert "Audit neglect plans" in _html(at) and "OVERDUE" in _html(at)
    assert len(at.text_area) == 0 and len(at.button) == 0 or \
        all(b.key != "cm_save" for b in at.button)
    assert "Only analysts" in " ".join(i.value for i in at.info)
    ex = open_page(at, "views/explorer.py", indicator="cp_neglect_rate")
    assert "Steady this quarter" in _html(ex) and "Audit neglect plans" in _html(ex)


def test_small_numbers_warn_and_need_a_check_before_saving(app, site):
    path = site("analyst")
    at = open_page(app, "views/commentary.py")
    _editor(at).set_value("Three families, and 4 children moved out").run()
    warning = " ".join(w.value for w in at.warning)
    assert "**Three**" in warning and "**4**" in warning
    at.button(key="cm_save").click().run()
    assert "Not saved" in " ".join(e.value for e in at.error)
    assert store.history(path, "cp_neglect_rate", LATEST) == []
    at.checkbox(key=f"cm_checked_cp_neglect_rate_{LATEST}").check().run()
    at.button(key="cm_save").click().run()
    assert len(store.history(path, "cp_neglect_rate", LATEST)) == 1


@pytest.mark.parametrize(("text", "found"), [
    ("Rose from 12 to 15 (25.4%)", []), ("2025-26 and Q1", []), ("1 in 5 plans", ["1", "5"]),
    ("5% fewer", ["5"]), ("2.5 points", []), ("six, seven; two of them", ["two"]),
])
def test_small_number_rule(text, found):
    assert commentary.small_numbers(text) == found


def test_an_analyst_adds_an_action_in_the_app(app, site):
    path = site("analyst")
    at = open_page(app, "views/commentary.py")
    at.text_area[-1].set_value("Review step-down decisions")
    at.multiselect[0].set_value(["cp_neglect_rate"])
    at.button[-1].click().run()
    saved = store.actions(path)
    assert [(a.action, a.indicators, a.status) for a in saved] == [
        ("Review step-down decisions", ("cp_neglect_rate",), "Open")]
    assert "Review step-down decisions" in _html(at)


def test_a_commentary_submitted_twice_is_one_version(app, site):
    path = site("analyst")
    at = open_page(app, "views/commentary.py")
    _editor(at).set_value("Fell after the audit").run()
    at.button(key="cm_save").click().run()
    # the same click arriving again from the editor as it was (still on version 0)
    at.session_state[f"cm_base_cp_neglect_rate_{LATEST}"] = 0
    _editor(at).set_value("Fell after the audit").run()
    at.button(key="cm_save").click().run()
    assert [c.version for c in store.history(path, "cp_neglect_rate", LATEST)] == [1]
    assert not at.error
    assert "Commentary saved (version 1)." in [s.value for s in at.success]


def test_a_second_click_or_a_resubmitted_form_makes_one_action(app, site):
    path = site("analyst")
    at = open_page(app, "views/commentary.py")
    form_token = at.session_state["act_token_new"]
    at.text_area[-1].set_value("Review step-down decisions")
    at.button[-1].click().run()
    assert [a.action for a in store.actions(path)] == ["Review step-down decisions"]
    said = " ".join(s.value for s in at.success)
    assert "Action 1 saved (version 1): Review step\\-down decisions · owner" in said
    assert at.text_area[-1].value == ""  # the form is cleared, a new instance
    assert at.session_state["act_token_new"] != form_token
    at.button[-1].click().run()  # a second click on the cleared form: nothing to save
    assert len(store.actions(path)) == 1
    # a double submit: the same form instance arrives again with the same text
    at.session_state["act_token_new"] = form_token
    at.run()
    at.text_area[-1].set_value("Review step-down decisions")
    at.button[-1].click().run()
    assert [(a.action_id, a.version) for a in store.action_history(path, 1)] == [(1, 1)]
    assert len(store.actions(path)) == 1
    assert "Action 1 saved (version 1)" in " ".join(s.value for s in at.success)


@pytest.mark.parametrize("page", ["views/scorecard.py", "views/exceptions.py",
                                  "views/explorer.py", "views/commentary.py"])
def test_a_corrupt_store_still_serves_the_figures_with_a_banner(app, site, page):
    site("analyst").write_bytes(b"not sqlite " * 300)
    at = open_page(app, page)
    assert any("Commentary and actions cannot be shown" in w.value for w in at.warning)
    assert not at.error
    if page == "views/scorecard.py":
        assert len(table(at, "Direction of travel")) > 0


def test_exception_page_lists_with_reasons_or_says_nothing(app, site):
    site("viewer")
    at = open_page(app, "views/exceptions.py")
    listed = [s.value for s in at.subheader]
    success = " ".join(s.value for s in at.success)
    assert listed or exceptions.NOTHING_LISTED in success
    if listed:
        assert "Why it is listed" in texts(at)


def _row(**kw):
    base = {"direction": "worse", "target": 20.0, "value": 23.0, "compared_value": 20.0,
            "tolerance": 3.0, "unit": "percent", "variation": None, "assurance": None,
            "rag": "Amber", "value_text": "23.0%", "target_text": "20.0%",
            "last_year_text": "20.0%", "variation_text": "x"}
    return pd.Series(base | kw)


def test_worsening_must_exceed_the_tolerance_at_the_precision_shown():
    assert exceptions.worsening(_row()) is None  # exactly the tolerance: not listed
    assert exceptions.worsening(_row(value=23.04)) is None  # shows as 23.0
    assert exceptions.worsening(_row(value=23.06)) == pytest.approx(3.1)
    assert exceptions.worsening(_row(value=23.06, direction="better")) is None
    assert exceptions.worsening(_row(value=23.06, target=None)) is None  # no target, no tolerance
    assert exceptions.worsening(_row(value=20.1, tolerance=None)) == pytest.approx(0.1)


def test_each_reason_is_said():
    why = exceptions.reasons(_row(value=24.0, variation="concern_high",
                                  assurance="consistent_fail", rag="Red",
                                  variation_text="▲ Special cause: concern (higher)"))
    assert [w.split(" ")[0].rstrip(":") for w in why] == ["SPC", "SPC", "Red", "Worse"]
    assert why[0] == "SPC: ▲ Special cause: concern (higher)"  # the one verdict sentence
    assert "by 4.0 percentage points (20.0% then, 23.0% now)" in why[3]
    assert exceptions.reasons(_row(variation="improvement_low", rag="Green",
                                   assurance="consistent_pass")) == []


def test_kept_packs_are_listed_and_a_viewer_cannot_fetch_an_analysts(app, use_db, tmp_path):
    from lscp_core import packs
    from tests.dashboard import fake_db

    db = fake_db.build(tmp_path / "lscp.duckdb")
    packs.keep(db, b"%PDF-viewer", kind="pdf", month="2025-09", scope="all strategies",
               who="ana", role="viewer")
    packs.keep(db, b"<html>analyst", kind="html", month="2025-09", scope="Brackenfold", who="ana",
               role="analyst")
    use_db(db, "viewer", extra=f'commentary_db = "{tmp_path / "n.sqlite"}"\n')
    at = open_page(app, "views/commentary.py")
    listed = table(at, "Made by")
    assert list(listed["Strategy"]) == ["Brackenfold", "all strategies"]
    assert at.selectbox(key="pk_pick").options == [
        at.selectbox(key="pk_pick").format_func(0)]  # the viewer's own kind of pack only
    assert "all strategies" in at.selectbox(key="pk_pick").options[0]


def test_an_action_is_edited_then_closed_with_a_reason_and_its_history_kept(app, site):
    path = site("analyst")
    at = open_page(app, "views/commentary.py")
    from dashboard import data
    names = dict(zip(data.agencies()["agency_code"], data.agencies()["agency_name"],
                     strict=True))
    owner_box = next(s for s in at.selectbox if s.label == "Owner agency")
    # agency names, not codes, on the form (the code is what is stored)
    assert owner_box.options == list(names.values()) != list(names)
    assert owner_box.value == next(iter(names))
    at.text_area[-1].set_value("Review step-down decisions")
    at.button[-1].click().run()
    at.selectbox(key="act_choice").set_value(1).run()
    next(s for s in at.selectbox if s.label == "Status").set_value("Done")
    at.button[-1].click().run()  # closed without a reason: refused, nothing saved
    assert "needs a reason" in " ".join(e.value for e in at.error)
    assert len(store.action_history(path, 1)) == 1
    next(t for t in at.text_input if t.label.startswith("Why it is closed")).set_value(
        "Decisions reviewed at the May board")
    at.button[-1].click().run()
    assert [(a.version, a.status, a.reason) for a in store.action_history(path, 1)] == [
        (2, "Done", "Decisions reviewed at the May board"), (1, "Open", "")]
    said = " ".join(s.value for s in at.success)
    assert "Action 1 saved (version 2)" in said and r"Done \(closed\)" in said


def test_opened_from_a_measure_the_page_and_a_new_action_start_on_it(app, site):
    site("analyst")
    ex = open_page(app, "views/explorer.py", indicator="cp_repeat")
    ex.button(key="to_commentary").click().run()
    assert ex.selectbox(key="cm_indicator").value == "cp_repeat"
    linked = next(m for m in ex.multiselect if m.label == "Indicators it concerns")
    assert linked.value == ["cp_repeat"]
