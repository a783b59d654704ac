"""Fixtures shared by the ingest tests."""

from __future__ import annotations

import os

# one BLAS thread per test process: two xdist workers on two cores with two threads each
# spend their time fighting (set before numpy is first imported; the Makefile sets it too)
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
# The disclosure audit (on by default in the product) is seconds to minutes of CPU a run; the
# tests of figures, ingest, pages and processes run without it, in this process and every
# `lscp` it starts. The audit's own tests, the joint-LP attack and the demo-sized verdict
# test turn it on (Settings(disclosure_audit=True) or monkeypatch); `LSCP_DISCLOSURE_AUDIT=1
# make test` runs everything with it.
os.environ.setdefault("LSCP_DISCLOSURE_AUDIT", "0")

import pytest  # noqa: E402

from tests.support.samples import write_seeds  # noqa: E402


@pytest.fixture
def folders(tmp_path):
    """An empty inbox and a valid seeds folder."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox, write_seeds(tmp_path / "seeds")


# -- how `make test` shares the tests among its xdist workers (--dist loadgroup) ----------
# Each module is one unit of work, so a module's fixtures (a generated partnership, a
# published database) are built once, not once on each worker that happens to get one of
# its tests; the groups named in a module stay as they are (a group may span modules).
# The longest units are handed out first (seconds on a quiet two-core machine, roughly), so
# no long one starts near the end while the other worker sits idle.
LONGEST_FIRST = [
    "browser",  # tests/e2e over the shared viewer and analyst servers, one Chromium
    "lscp_process",  # test_publish_process, test_concurrency, test_schedule: real lscp runs
    "browser_own_servers",  # tests/e2e starting servers of their own (board cycle, sign-in)
    "tests/test_reference_crosscheck.py",  # six runs, two of twenty years: ~105 CPU-s
    "tests/test_files_private.py",  # ~90 CPU-s
    "verdict",  # a 60,000-children seven-year partnership with the audit: ~130 CPU-s alone
    "pack_published",  # a generated partnership published with its packs, then packs again
    "pack_pdf",
    "real_db",
    "tests/test_formats_equivalence.py",
    "disclosure_joint_lp",  # a 3,000-children partnership with the audit, then the attack
    "tests/dashboard/test_pages.py",
    "tests/dashboard/test_councils.py",
    "disclosure_export",
    "spc_signals",
    "tests/test_councils.py",
    "tests/dashboard/test_data.py",
    "tests/dashboard/test_names_and_roles.py",
    "tests/dashboard/test_mapping_pages.py",
    "tests/test_ingest_faults.py",
    "tests/test_stores.py",
    "serve_warmup",
]


def _group(item) -> str | None:
    mark = item.get_closest_marker("xdist_group")
    if mark is None:
        return None
    return str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if _group(item) is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_group(item), len(rank)))  # stable: the rest as found
    if getattr(config.option, "loadgroup", False):  # an xdist worker under --dist loadgroup
        _name_groups_in_ids(items)


def _name_groups_in_ids(items) -> None:
    """Put each test's group in its id (``...::test_x@group``), which is how xdist's
    loadgroup scheduler tells the groups apart. xdist 3.8 does it by setting ``item._nodeid``,
    which pytest 9.2 no longer reads (a node's id is ``item._id``): without this, no group is
    kept together and every module's fixtures are built on both workers."""
    from _pytest.nodeid import coerce_node_id

    for item in items:
        suffix = "@" + _group(item).replace("/", ".").replace("::", ".")
        if not item.nodeid.endswith(suffix):
            item._id = coerce_node_id(item.nodeid + suffix)
