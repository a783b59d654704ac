"""Issue 25: the image never holds data. The build context Docker would send (tracked files
of this repository plus every kind of data file lscp and its users put beside them) is listed
with Docker's own ``.dockerignore`` rules; no data path may be in it, and every file the image
needs must be."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.dockerignore import context_files, excluded, read_patterns

ROOT = Path(__file__).resolve().parents[1]

# what a working copy holds after deliveries, runs, demos, exports and packs
DATA = [
    "inbox/children_2026-03.csv", "inbox/cin_census_2026.xml", "inbox/manual_measures_q1.xlsx",
    "demo-work/lscp.key", "demo-work/lscp.duckdb", "demo-work/partnership/inbox/referrals.csv",
    "bench-work/p/inbox/children.csv", "work/lscp.duckdb.work",
    "lscp.duckdb", "lscp.duckdb.wal", "lscp.duckdb.work", "lscp.duckdb.work.wal",
    "lscp.duckdb.building", "lscp.duckdb.building.wal", "lscp.duckdb.work.building",
    "lscp.duckdb.bak", "lscp.duckdb.history.jsonl", "lscp.duckdb.lock", "lscp.duckdb.log",
    "lscp.duckdb.audit.jsonl", "audit/audit.jsonl", "lscp.duckdb.commentary.sqlite",
    "lscp.duckdb.commentary.sqlite-journal", "lscp.duckdb.bak.commentary.sqlite",
    "lscp.duckdb.packs/index.jsonl", "lscp.duckdb.packs/20260101T000000Z-2026-03-all-analyst.pdf",
    "figures.duckdb", "export.csv", "unsuppressed.csv", "pack.pdf", "pack.html",
    "manual_measures_template.xlsx", "lscp.key", "keys/northshire.key", "secret.pem",
    "lscp.toml", ".streamlit/secrets.toml", ".env",
    # a run or an export made inside a code folder
    "dashboard/lscp.duckdb", "pipelines/out.csv", "metrics/inbox/children.csv",
    "seeds/lscp.duckdb.work", "seeds/inbox/referrals.csv", "dashboard/pack.pdf",
]


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [line for line in out.splitlines() if (ROOT / line).is_file()]


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("context")
    for rel in _tracked():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / rel, root / rel)
    for rel in DATA:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("children's data\n")
    return root, context_files(root)


def test_no_data_path_is_in_the_build_context(context):
    _, sent = context
    assert [p for p in DATA if p in sent] == []
    # nothing of the kinds of file lscp writes, wherever it is
    kinds = (".duckdb", ".wal", ".jsonl", ".key", ".sqlite", ".lock", ".log", ".pdf", ".xlsx")
    assert [p for p in sent if p.endswith(kinds) or ".duckdb." in p or "inbox/" in p] == []


def test_what_the_image_needs_is_sent(context):
    _, sent = context
    needed = [p for p in _tracked() if p.split("/")[0] in (
        "lscp_core", "pipelines", "metrics", "dashboard", "data_contracts", "seeds")]
    needed += ["pyproject.toml", "README.md", "deploy/docker/lscp.toml",
               ".streamlit/config.toml"]
    assert len(needed) > 200
    assert [p for p in needed if p not in sent] == []
    assert "tests/conftest.py" not in sent and "Makefile" not in sent


def test_the_listing_follows_dockers_rules():
    patterns = read_patterns("*\n!src\n**/*.csv\n!src/keep.csv\n/top\n!src/a/**/ok.txt\n")
    assert excluded("README", patterns) and not excluded("src/x.py", patterns)
    assert excluded("src/deep/er/data.csv", patterns) and not excluded("src/keep.csv", patterns)
    assert excluded("top", patterns) and excluded("top/inside", patterns)
    assert not excluded("src/a/b/c/ok.txt", patterns) and not excluded("src/a/ok.txt", patterns)
    # a pattern without **/ is anchored at the root: `*.duckdb` never reached a nested file
    root_only = read_patterns("*.duckdb\ninbox\n")
    assert excluded("lscp.duckdb", root_only) and not excluded("demo/lscp.duckdb", root_only)
    assert excluded("inbox/a.csv", root_only) and not excluded("p/inbox/a.csv", root_only)


def test_the_old_ignore_file_would_have_sent_the_inbox(tmp_path):
    """The check can fail: the .dockerignore before issue 25 sent inbox/ and nested stores."""
    (tmp_path / ".dockerignore").write_text(".git\n.venv\n*.duckdb\n*.duckdb.*\n*.key\n"
                                            "demo-work\nwork\nlscp.toml\n")
    for rel in ("inbox/children.csv", "sub/lscp.duckdb", "lscp.duckdb", "app.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    sent = context_files(tmp_path)
    assert "inbox/children.csv" in sent and "sub/lscp.duckdb" in sent
    assert "lscp.duckdb" not in sent and "app.py" in sent
