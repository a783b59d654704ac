"""The commentary store (lscp_core.commentary): versions, stale saves, append-only, bad files,
and the copy each publish takes without writing the store."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3

import pytest

from lscp_core import commentary as cs
from tests.test_run import fakes, site  # noqa: F401  (the run fixtures)


@pytest.fixture
def store(tmp_path):
    return tmp_path / "lscp.duckdb.commentary.sqlite"


def test_every_save_is_a_version_with_author_and_time(store):
    assert cs.latest(store) == [] and cs.check(store) is None  # no file yet: nothing written
    first = cs.save_comment(store, "cp_rate", "2025-03", "Rose after *two* new plans", "ana", 0)
    second = cs.save_comment(store, "cp_rate", "2025-03", "Rose after new plans", "bo", 1)
    assert (first.version, second.version) == (1, 2)
    versions = cs.history(store, "cp_rate", "2025-03")
    assert [(c.version, c.author, c.body) for c in versions] == [
        (2, "bo", "Rose after new plans"), (1, "ana", "Rose after *two* new plans")]
    assert dt.datetime.fromisoformat(versions[0].saved_at).tzinfo is not None
    assert [c.body for c in cs.latest(store, month="2025-03")] == ["Rose after new plans"]
    assert cs.latest(store, month="2025-04") == []
    assert oct(os.stat(store).st_mode & 0o777) == "0o600"


def test_a_save_on_top_of_an_older_version_is_refused_with_the_newer_text(store):
    cs.save_comment(store, "cp_rate", "2025-03", "first", "ana", 0)
    cs.save_comment(store, "cp_rate", "2025-03", "ana's second thoughts", "ana", 1)
    with pytest.raises(cs.StaleEdit) as refused:  # bo had opened version 1
        cs.save_comment(store, "cp_rate", "2025-03", "bo's words", "bo", 1)
    assert refused.value.newer.body == "ana's second thoughts"
    assert "nothing was overwritten" in str(refused.value)
    assert [c.body for c in cs.history(store, "cp_rate", "2025-03")] == [
        "ana's second thoughts", "first"]


def test_history_cannot_be_rewritten_even_with_sql(store):
    cs.save_comment(store, "cp_rate", "2025-03", "first", "ana", 0)
    con = sqlite3.connect(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("update commentary set body = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("delete from commentary")
    con.close()


def test_actions_keep_versions_refuse_stale_saves_and_know_overdue(store):
    a = cs.save_action(store, action="Audit neglect plans", owner="LA",
                       due_date=dt.date(2025, 5, 1), status="Open",
                       indicators=["cp_rate", "cp_repeat"], meeting="2025-04-10 Board",
                       author="ana")
    b = cs.save_action(store, action="Train health visitors", owner="HLTH",
                       due_date=dt.date(2025, 9, 1), status="Open", indicators=["eh_step_up"],
                       meeting="2025-04-10 Board", author="ana")
    assert (a.action_id, b.action_id) == (1, 2)
    done = cs.save_action(store, action=a.action, owner="LA", due_date=dt.date(2025, 5, 1),
                          status="Done", indicators=list(a.indicators), meeting=a.meeting,
                          author="bo", action_id=1, base_version=1, reason="Audit finished")
    assert (done.version, done.reason) == (2, "Audit finished")
    with pytest.raises(cs.StaleEdit) as refused:
        cs.save_action(store, action="late edit", owner="LA", due_date=dt.date(2025, 5, 1),
                       status="Open", indicators=["cp_rate"], meeting=a.meeting, author="cy",
                       action_id=1, base_version=1)
    assert refused.value.newer.status == "Done"
    assert [x.action_id for x in cs.actions(store, "cp_repeat")] == [1]
    assert [x.status for x in cs.action_history(store, 1)] == ["Done", "Open"]
    today = dt.date(2025, 6, 1)
    assert [x.overdue(today) for x in cs.actions(store)] == [False, False]  # 1 done, 2 not due
    assert b.overdue(dt.date(2025, 9, 2)) and not b.overdue(dt.date(2025, 9, 1))
    with pytest.raises(ValueError):
        cs.save_action(store, action="x", owner="LA", due_date=today, status="Finished",
                       indicators=[], meeting="", author="ana")


def test_corrupt_read_only_and_foreign_files_say_why(tmp_path, store):
    store.write_bytes(b"this is not a database at all" * 100)
    assert "cannot be read" in cs.check(store)
    with pytest.raises(cs.CommentaryUnavailable):
        cs.latest(store)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    assert "not an lscp commentary store" in cs.check(other)


def test_a_read_only_store_is_read_but_refuses_saves(tmp_path, monkeypatch):
    good = tmp_path / "good.sqlite"
    cs.save_comment(good, "cp_rate", "2025-03", "words", "ana", 0)
    monkeypatch.setattr(cs.os, "access", lambda path, mode: mode != os.W_OK)
    assert "read-only" in cs.writable(good)
    with pytest.raises(cs.CommentaryUnavailable, match="read-only"):
        cs.save_comment(good, "cp_rate", "2025-03", "more", "ana", 1)
    assert [c.body for c in cs.latest(good)] == ["words"]


def test_copy_store_is_a_whole_copy_and_reads_only(tmp_path, store):
    cs.save_comment(store, "cp_rate", "2025-03", "words", "ana", 0)
    before = hashlib.sha256(store.read_bytes()).hexdigest(), store.stat().st_mtime_ns
    copy = tmp_path / "copy.sqlite"
    assert cs.copy_store(store, copy)
    assert [c.body for c in cs.latest(copy)] == ["words"]
    assert (hashlib.sha256(store.read_bytes()).hexdigest(), store.stat().st_mtime_ns) == before
    assert not cs.copy_store(tmp_path / "absent.sqlite", tmp_path / "x.sqlite")
    assert not (tmp_path / "x.sqlite").exists()


def test_a_run_copies_the_store_beside_the_backup_and_never_writes_it(site):  # noqa: F811
    site.run(7)
    store = cs.store_path(site.db)
    cs.save_comment(store, "cp_rate", "2025-03", "what the board read", "ana", 0)
    before = hashlib.sha256(store.read_bytes()).hexdigest(), store.stat().st_mtime_ns
    result = site.run(8)
    assert (hashlib.sha256(store.read_bytes()).hexdigest(), store.stat().st_mtime_ns) == before
    copy = cs.backup_copy_path(site.db)
    assert copy.parent == site.db.parent and copy.name.startswith(site.db.name + ".bak")
    assert [c.body for c in cs.latest(copy)] == ["what the board read"]
    assert not result.notes
    # a corrupt store: the run still publishes, with a note, and leaves the file alone
    store.write_bytes(b"garbage" * 200)
    result = site.run(9)
    assert any("commentary: no copy taken" in n for n in result.notes)
    assert store.read_bytes() == b"garbage" * 200


def _new_action(store, key, text="Audit neglect plans", **kw):
    return cs.save_action(store, action=text, owner="LA", due_date=dt.date(2025, 5, 1),
                          status="Open", indicators=["cp_rate"], meeting="2025-04-10 Board",
                          author="ana", save_key=key, **kw)


def test_a_resubmitted_form_saves_once(store):
    first = _new_action(store, "form-1")
    again = _new_action(store, "form-1")  # a second click / double submit / rerun
    assert again == first
    assert [(a.action_id, a.version) for a in cs.action_history(store, 1)] == [(1, 1)]
    other = _new_action(store, "form-2")  # another form instance: a new action, even if alike
    assert other.action_id == 2
    edit = _new_action(store, "form-3", text="Audit all plans", action_id=1, base_version=1)
    assert _new_action(store, "form-3", text="Audit all plans", action_id=1,
                       base_version=1) == edit  # not refused as stale, not a third version
    assert [a.version for a in cs.action_history(store, 1)] == [2, 1]
    keyless = [_new_action(store, None) for _ in range(2)]  # no key: each save is a record
    assert [a.action_id for a in keyless] == [3, 4]


def test_an_older_store_gains_the_key_column_and_keeps_its_rows(store):
    con = sqlite3.connect(store)
    old = "\n".join(line for line in cs.SCHEMA.splitlines()
                    if not line.lstrip().startswith(("save_key text", "reason text")))
    assert "save_key" not in old and "reason text" not in old
    con.executescript(old)
    con.execute("insert into actions values (1, 1, 'Old action', 'LA', '2025-05-01', 'Open', "
                "'cp_rate', '2025-04-10 Board', 'ana', '2025-04-10T10:00:00+00:00')")
    con.commit()
    con.close()
    _new_action(store, "form-1")
    _new_action(store, "form-1")
    assert [a.action for a in cs.actions(store)] == ["Old action", "Audit neglect plans"]


def test_a_commentary_sent_twice_is_one_version_but_others_are_still_refused(store):
    first = cs.save_comment(store, "cp_rate", "2025-03", "Rose after new plans", "ana", 0)
    assert cs.save_comment(store, "cp_rate", "2025-03", "Rose after new plans", "ana", 0) == first
    with pytest.raises(cs.StaleEdit):  # another text on the same base: someone else's edit
        cs.save_comment(store, "cp_rate", "2025-03", "Rose after plans", "ana", 0)
    with pytest.raises(cs.StaleEdit):  # the same text by someone else: still their save
        cs.save_comment(store, "cp_rate", "2025-03", "Rose after new plans", "bo", 0)
    assert [c.version for c in cs.history(store, "cp_rate", "2025-03")] == [1]


def test_closing_or_withdrawing_an_action_needs_a_reason_and_keeps_every_version(store):
    first = _new_action(store, "k1")
    for status in ("Done", "Dropped"):
        with pytest.raises(ValueError, match="needs a reason"):
            cs.save_action(store, action=first.action, owner="LA", due_date=dt.date(2025, 5, 1),
                           status=status, indicators=["cp_rate"], meeting=first.meeting,
                           author="bo", action_id=1, base_version=1, reason="  ")
    edited = cs.save_action(store, action="Audit neglect plans in two teams", owner="HLTH",
                            due_date=dt.date(2025, 7, 1), status="In progress",
                            indicators=["cp_rate"], meeting=first.meeting, author="bo",
                            action_id=1, base_version=1)
    withdrawn = cs.save_action(store, action=edited.action, owner="HLTH",
                               due_date=dt.date(2025, 7, 1), status="Dropped",
                               indicators=["cp_rate"], meeting=first.meeting, author="cy",
                               action_id=1, base_version=2, reason="Covered by the new audit")
    assert withdrawn.version == 3 and not withdrawn.overdue(dt.date(2026, 1, 1))
    history = cs.action_history(store, 1)
    assert [(h.version, h.status, h.owner, h.reason) for h in history] == [
        (3, "Dropped", "HLTH", "Covered by the new audit"), (2, "In progress", "HLTH", ""),
        (1, "Open", "LA", "")]
    assert [a.reason for a in cs.actions(store)] == ["Covered by the new audit"]


def test_a_store_from_before_reasons_gains_the_column_and_keeps_its_rows(tmp_path):
    old = tmp_path / "old.sqlite"
    con = sqlite3.connect(old)
    con.executescript(cs.SCHEMA.replace("  reason text,                      -- why it was "
                                        "closed or withdrawn (a closed status needs one)\n", ""))
    assert "reason" not in {r[1] for r in con.execute("pragma table_info(actions)")}
    con.execute("insert into actions (action_id, version, action, owner, due_date, status, "
                "indicators, meeting, author, saved_at) values (1, 1, 'Old', 'LA', "
                "'2025-05-01', 'Open', 'cp_rate', 'm', 'ana', '2025-01-01T00:00:00+00:00')")
    con.commit()
    con.close()
    assert [a.reason for a in cs.actions(old)] == [""]
    closed = cs.save_action(old, action="Old", owner="LA", due_date=dt.date(2025, 5, 1),
                            status="Done", indicators=["cp_rate"], meeting="m", author="bo",
                            action_id=1, base_version=1, reason="Done at the May board")
    assert [(a.version, a.reason) for a in cs.action_history(old, 1)] == [
        (2, "Done at the May board"), (1, "")]
    assert closed.reason == "Done at the May board"
