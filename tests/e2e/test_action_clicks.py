"""Saving an action in the browser: a double click and a triple click on Save each make one
action (the form instance's save key), the form clears and says what was saved."""

from __future__ import annotations

import pytest

from lscp_core import commentary as store
from tests.e2e.conftest import open_app

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def _new_action(page, text: str, clicks: int) -> None:
    box = page.get_by_label("Action", exact=True)
    box.fill(text)
    save = page.get_by_role("button", name="Save action")
    save.click(click_count=clicks, delay=30)
    page.get_by_text(f"saved (version 1): {text}").first.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)
    page.wait_for_timeout(1500)  # any further click's rerun has landed
    assert page.get_by_text("Not saved").count() == 0  # no error for the extra clicks
    assert page.get_by_text(f"saved (version 1): {text}").count() >= 1  # still said


def test_double_and_triple_clicks_on_save_make_one_action_each(page, analyst_server):
    where = store.store_path(analyst_server.db)
    open_app(page, analyst_server.url + "/commentary", "Commentary and actions")
    _new_action(page, "Review step-down decisions", clicks=2)
    assert [a.action for a in store.actions(where)] == ["Review step-down decisions"]
    assert page.get_by_label("Action", exact=True).input_value() == ""  # the form cleared
    _new_action(page, "Audit repeat plans", clicks=3)
    saved = store.actions(where)
    assert sorted(a.action for a in saved) == ["Audit repeat plans",
                                               "Review step-down decisions"]
    assert all(len(store.action_history(where, a.action_id)) == 1 for a in saved)
