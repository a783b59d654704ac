"""Issue 25: files closed from birth, the inbox refusing links and special files, the CLI's
audit user from the OS account, and ``lscp serve`` withholding the key from Streamlit.

The runs are real ``lscp`` subprocesses under umask 000, so a file created with the default
mode would be world-readable here."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from lscp_cli import commands
from lscp_cli.serve import streamlit_environment
from lscp_core.private import open_private
from pipelines.ingest.readers.tabular import inbox_entries
from tests.support.births import LAUNCHER, Births

KEY = "0123456789abcdef0123456789abcdef"
SECRET = b"a secret outside the inbox\n"


def lscp(*args: str, packs: str = "0", **kwargs) -> subprocess.CompletedProcess:
    """``lscp`` under umask 000; a run builds no packs after publishing unless ``packs="1"``
    (test_every_file_lscp_writes_is_born_owner_only watches the packs' files being born)."""
    env = dict(os.environ, LSCP_KEY=KEY, LSCP_PACKS_AT_PUBLISH=packs)
    env.pop("LSCP_KEY_FILE", None)
    return subprocess.run([sys.executable, "-m", "lscp_cli", *args], env=env,
                          preexec_fn=lambda: os.umask(0), capture_output=True, text=True,
                          **kwargs)


def open_to_others(folder: Path) -> list[str]:
    return sorted(f"{p.name} {stat.filemode(p.lstat().st_mode)}" for p in folder.rglob("*")
                  if p.lstat().st_mode & 0o077)


@pytest.fixture(scope="module")
def partnership(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("partnership")
    done = lscp("generate", "--out", str(root / "p"), "--children", "500", "--years", "2")
    assert done.returncode == 0, done.stderr
    inbox = root / "p" / "inbox"
    secret = root / "secret.key"
    secret.write_bytes(SECRET)
    (inbox / "referrals_zz_link.csv").symlink_to(secret)  # would be the newest referrals
    (inbox / "key_link.xml").symlink_to(secret)
    os.mkfifo(inbox / "children_pipe.csv")
    return root / "p"


@pytest.fixture(scope="module")
def published(partnership, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """One ``lscp run`` under umask 000 over the partnership: its database and the finished
    process. The tests that only need a published database work on a copy (``copy_of``)."""
    db = tmp_path_factory.mktemp("published") / "out" / "lscp.duckdb"
    db.parent.mkdir()
    os.chmod(db.parent, 0o755)
    done = lscp("run", "--inbox", str(partnership / "inbox"), "--seeds",
                str(partnership / "seeds"), "--db", str(db))
    return db, done


def copy_of(published, folder: Path) -> Path:
    """The published database (and its run history) copied into ``folder``, modes kept."""
    src, done = published
    assert done.returncode == 0, done.stderr
    for path in src.parent.glob(src.name + "*"):
        if path.is_file():
            shutil.copy2(path, folder / path.name)
    return folder / src.name


def test_a_run_under_umask_000_leaves_nothing_open_to_others(published, tmp_path):
    db, done = published
    assert done.returncode == 0, done.stderr
    names = {p.name for p in db.parent.iterdir()}
    assert {"lscp.duckdb", "lscp.duckdb.work", "lscp.duckdb.history.jsonl",
            "lscp.duckdb.lock"} <= names
    assert open_to_others(db.parent) == []

    # the inbox's link and pipe: named in the load report, never followed, read nor hashed
    con = duckdb.connect(str(db), read_only=True)
    try:
        refused = con.execute("select extract, file, status, message, sha256 from load_report "
                              "where status = 'refused' order by file").fetchall()
        referrals = con.execute("select file from load_report where extract = 'referrals'"
                                ).fetchall()
        text = str(con.execute("select * from load_report").fetchall())
    finally:
        con.close()
    assert refused == [
        ("inbox", "children_pipe.csv", "refused", "not a regular file: a named pipe, not read",
         None),
        ("inbox", "key_link.xml", "refused",
         "not a regular file: a symbolic link, not followed", None),
        ("inbox", "referrals_zz_link.csv", "refused",
         "not a regular file: a symbolic link, not followed", None)]
    assert referrals and all(f != "referrals_zz_link.csv" for (f,) in referrals)
    assert hashlib.sha256(SECRET).hexdigest() not in text
    assert "refused referrals_zz_link.csv: not a regular file: a symbolic link" in done.stdout

    # unsuppressed export: owner-only even over a file that was world-readable
    out = tmp_path / "export.csv"
    out.write_text("old\n")
    os.chmod(out, 0o644)
    done = lscp("export", "--db", str(db), "--out", str(out), "--unsuppressed")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().startswith(b"\xef\xbb\xbfindicator_id")  # BOM, header as before
    fresh = tmp_path / "fresh.csv"
    assert lscp("export", "--db", str(db), "--out", str(fresh), "--unsuppressed"
                ).returncode == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600


@pytest.mark.parametrize("stage", ["[ingest]", "[metrics]", "[spc]", "[check]"])
def test_a_run_killed_mid_build_leaves_its_files_owner_only(partnership, published, tmp_path,
                                                            stage):
    site = tmp_path / "site"
    site.mkdir()
    os.chmod(site, 0o755)
    db = site / "lscp.duckdb"
    # the contract checks' answers a nightly run keeps (the files have not changed since the
    # published run): the killed run starts no GX worker (the first runs of
    # test_every_file_lscp_writes_is_born_owner_only and `published` start one, watched)
    checks = published[0].parent / "lscp.duckdb.work.gx-checks"
    shutil.copy2(checks, site / checks.name)
    env = dict(os.environ, LSCP_KEY=KEY, TMPDIR=str(site), LSCP_TEST_CHMOD_LOG=str(
        tmp_path / "chmod.log"))
    with Births(site) as births:
        child = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, "run", "--inbox", str(partnership / "inbox"),
             "--seeds", str(partnership / "seeds"), "--db", str(db)],
            env=env, preexec_fn=lambda: os.umask(0), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        try:
            for line in child.stderr:
                if line.startswith(stage):
                    child.send_signal(signal.SIGKILL)
                    break
        finally:
            child.kill()
            child.wait()
    left = {p.name for p in site.iterdir()}
    assert any(n.endswith(".building") for n in left), left  # killed while building
    assert open_to_others(site) == []  # what is left after the kill
    assert not births.overflowed
    assert "lscp.duckdb.work.building" in births.modes  # each file as it was born
    assert births.open_to_others() == []
    assert _chmods(tmp_path) == []


def _chmods(tmp_path) -> list:
    log = tmp_path / "chmod.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _lscp_watched(tmp_path, site, *args: str, packs: str = "0") -> subprocess.CompletedProcess:
    env = dict(os.environ, LSCP_KEY=KEY, TMPDIR=str(site), LSCP_PACKS_AT_PUBLISH=packs,
               LSCP_TEST_CHMOD_LOG=str(tmp_path / "chmod.log"))
    env.pop("LSCP_KEY_FILE", None)
    return subprocess.run([sys.executable, "-c", LAUNCHER, *args], env=env,
                          preexec_fn=lambda: os.umask(0), capture_output=True, text=True)


STORES = r"""
import datetime as dt, os, sys
from pathlib import Path
from lscp_core import audit, commentary, packs
db = Path(sys.argv[1])
store = commentary.store_path(db)
commentary.save_comment(store, "cp_neglect_rate", "2025-09", "Steady", "ana@example.org", 0)
commentary.save_action(store, action="Audit plans", owner="LA", due_date=dt.date(2026, 1, 31),
                       status="Open", indicators=["cp_neglect_rate"], meeting="2025-10-01 Board",
                       author="ana@example.org")
audit.record(audit.audit_path(db), user="ana@example.org", role="analyst", action="page_view",
             page="Localities")
packs.keep(db, b"<html></html>", kind="html", month="2025-09", scope="all", who="ana",
           role="analyst")
"""


def test_every_file_lscp_writes_is_born_owner_only(partnership, tmp_path):
    """Under umask 000: two runs (the second keeps a backup and copies the commentary store),
    the dashboard's stores (commentary, actions, audit log, packs: written by code that sets no
    umask), exports, packs and the template. Each file's mode as it was born, and no chmod."""
    site = tmp_path / "site"
    site.mkdir()
    os.chmod(site, 0o755)
    db = site / "lscp.duckdb"
    run = ("run", "--inbox", str(partnership / "inbox"), "--seeds", str(partnership / "seeds"),
           "--db", str(db))
    with Births(site) as births:
        done = _lscp_watched(tmp_path, site, *run, packs="1")  # and the packs after it
        assert done.returncode == 0, done.stderr
        assert "[pack] the newest month's packs" in done.stderr
        stores = subprocess.run([sys.executable, "-c", STORES, str(db)], env=dict(
            os.environ, TMPDIR=str(site)), preexec_fn=lambda: os.umask(0), capture_output=True,
            text=True)  # not through lscp: no umask of ours, the stores' own modes only
        assert stores.returncode == 0, stores.stderr
        done = _lscp_watched(tmp_path, site, *run)
        assert done.returncode == 0, done.stderr
        month = duckdb.connect(str(db), read_only=True).execute(
            "select strftime(max(period_end), '%Y-%m') from indicator_values").fetchall()[0][0]
        for args in (("export", "--db", str(db), "--out", str(site / "all.csv"),
                      "--unsuppressed"),
                     ("export", "--db", str(db), "--out", str(site / "suppressed.csv")),
                     ("pack", "--db", str(db), "--month", month, "--out", str(site / "a.html"),
                      "--unsuppressed"),
                     ("pack", "--db", str(db), "--month", month, "--out", str(site / "v.html")),
                     ("template", "--out", str(site / "template.xlsx"),
                      "--seeds", str(partnership / "seeds"))):
            done = _lscp_watched(tmp_path, site, *args)
            assert done.returncode == 0, (args, done.stderr)
    born = set(births.modes)
    assert not births.overflowed
    # The commentary copy's ".tmp" lives for milliseconds and can be renamed before the watch
    # lstats it; its rename into place (IN_MOVED_TO) carries the same inode, so the same mode.
    assert {"lscp.duckdb.work.building", "lscp.duckdb.building", "lscp.duckdb.history.jsonl",
            "lscp.duckdb.lock", "lscp.duckdb.work.gx-checks", "lscp.duckdb.commentary.sqlite",
            "lscp.duckdb.bak.commentary.sqlite", "lscp.duckdb.audit.jsonl",
            "lscp.duckdb.packs", "lscp.duckdb.packs/index.jsonl", "all.csv", "suppressed.csv",
            "a.html", "v.html", "template.xlsx"} <= born, sorted(born)
    assert any(n.endswith(".wal") for n in born) and any(n.endswith("-journal") for n in born)
    published_packs = {n for n in born if n.startswith("lscp.duckdb.packs/published/")}
    assert {n.rsplit(".", 1)[-1] for n in published_packs} >= {"pdf", "html"}, sorted(born)
    assert births.open_to_others() == []
    assert _chmods(tmp_path) == []
    assert open_to_others(site) == []


def test_open_private_makes_an_existing_file_owner_only(tmp_path):
    path = tmp_path / "pack.html"
    path.write_text("old")
    os.chmod(path, 0o644)
    with open_private(path, "wb") as f:
        f.write(b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with open_private(path, "a", encoding="utf-8") as f:
        f.write("+")
    assert path.read_text() == "new+"


def test_a_history_and_lock_an_older_lscp_left_open_are_narrowed(tmp_path):
    from pipelines.run import history
    from pipelines.run.lock import lock_path, run_lock

    db = tmp_path / "lscp.duckdb"
    for path in (history.history_path(db), lock_path(db)):
        path.write_text("")
        os.chmod(path, 0o644)
    history.append(db, {"run_id": "r1"})
    with run_lock(db):
        pass
    assert stat.S_IMODE(history.history_path(db).stat().st_mode) == 0o600
    assert stat.S_IMODE(lock_path(db).stat().st_mode) == 0o600


def test_inbox_entries_refuse_links_even_to_folders(tmp_path):
    (tmp_path / "referrals_1.csv").write_text("x\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "linked_dir").symlink_to(tmp_path / "sub")
    (tmp_path / ".hidden").symlink_to(tmp_path / "referrals_1.csv")
    regular, refused = inbox_entries(tmp_path)
    assert [p.name for p in regular] == ["referrals_1.csv"]
    assert refused == [("linked_dir", "not a regular file: a symbolic link, not followed")]


def test_the_cli_audit_user_is_the_os_account_not_USER(monkeypatch):
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    monkeypatch.setenv("LNAME", "someone-else")
    assert commands._os_user() == pwd.getpwuid(os.getuid()).pw_name


def test_serve_gives_streamlit_no_key(tmp_path):
    environ = {"LSCP_KEY": KEY, "LSCP_KEY_FILE": "/k", "PATH": "/bin", "LSCP_DB": "old"}
    env = streamlit_environment(tmp_path / "lscp.duckdb", tmp_path / "lscp.toml", environ)
    assert "LSCP_KEY" not in env and "LSCP_KEY_FILE" not in env
    assert env["PATH"] == "/bin"
    assert env["LSCP_DB"] == str((tmp_path / "lscp.duckdb").resolve())
    assert env["LSCP_CONFIG"] == str((tmp_path / "lscp.toml").resolve())


def test_the_dashboard_never_asks_for_the_key():
    root = Path(__file__).resolve().parents[1] / "dashboard"
    asking = [p.name for p in root.rglob("*.py")
              if any(w in p.read_text(encoding="utf-8") for w in (".key()", "LSCP_KEY"))]
    assert asking == []


def test_refused_entries_are_no_extract_and_the_unsuppressed_pack_is_closed(published, tmp_path,
                                                                            monkeypatch):
    db = copy_of(published, tmp_path)
    monkeypatch.setenv("LSCP_DB", str(db))
    from dashboard import data

    extracts = set(data.extract_freshness()["extract"])
    assert "inbox" not in extracts and "referrals" in extracts
    assert "refused" in set(data.load_report()["status"])

    # the unsuppressed board pack, its kept copy and the audit entry: owner-only
    out = tmp_path / "pack.html"
    month = max(data.periods()).strftime("%Y-%m")
    done = lscp("pack", "--db", str(db), "--month", month, "--out", str(out), "--unsuppressed")
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
    assert open_to_others(tmp_path) == []


def test_the_scheduler_never_hashes_a_link_in_the_inbox(tmp_path):
    from pipelines.schedule.scheduler import InboxWatcher

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    secret = tmp_path / "secret.key"
    secret.write_bytes(SECRET)
    (inbox / "children_2025-03.csv").symlink_to(secret)
    (inbox / "referrals_2025-03.csv").write_text("referral_id\nR\n")
    watcher = InboxWatcher(inbox, tmp_path / "none.duckdb")
    watcher.new_files()
    assert list(watcher.new_files()) == ["referrals_2025-03.csv"]


def test_hashing_refuses_a_link_put_in_after_the_listing(tmp_path):
    from pipelines.ingest.readers.tabular import scan_file, sha256_file

    secret = tmp_path / "secret.key"
    secret.write_bytes(SECRET)
    (tmp_path / "children_1.csv").symlink_to(secret)
    for read in (sha256_file, scan_file):
        with pytest.raises(OSError):
            read(tmp_path / "children_1.csv")
    assert sha256_file(secret) == hashlib.sha256(SECRET).hexdigest()


def test_the_watch_and_the_chmod_record_do_see_what_they_look_for(published, tmp_path):
    """The checks can fail: a file born 0644 is seen as born so, and a narrowing fchmod (an
    export over a file an older tool left 0644) is recorded."""
    site = tmp_path / "site"
    site.mkdir()
    mask = os.umask(0)  # this process may have run lscp's entry (umask 077) in another test
    try:
        with Births(site) as births:
            fd = os.open(site / "open.txt", os.O_WRONLY | os.O_CREAT, 0o644)
            os.close(fd)
            (site / "sub").mkdir(mode=0o755)
            (site / "sub" / "deeper.txt").write_text("x")
            os.chmod(site / "sub" / "deeper.txt", 0o644)
            time.sleep(0.3)
            (site / "sub" / "later.txt").touch(mode=0o640)
            time.sleep(0.3)
    finally:
        os.umask(mask)
    assert "open.txt -rw-r--r--" in births.open_to_others()
    assert any(e.startswith("sub/later.txt -rw-r-") for e in births.open_to_others())
    db = copy_of(published, tmp_path)
    old = site / "old.csv"
    old.write_text("x")
    os.chmod(old, 0o644)
    done = _lscp_watched(tmp_path, site, "export", "--db", str(db), "--out", str(old),
                         "--unsuppressed")
    assert done.returncode == 0, done.stderr
    assert [(c[0], Path(c[1]).name, c[2]) for c in _chmods(tmp_path)] == [
        ("fchmod", "old.csv", "0o600")]
