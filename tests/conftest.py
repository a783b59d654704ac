"""Fixtures shared by the ingest tests."""

from __future__ import annotations

import os

# one BLAS thread per test process: two xdist workers on two cores with two threads each
# spend their time fighting (set before numpy is first imported; the Makefile sets it too)
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import pytest  # noqa: E402

from tests.support.samples import write_seeds  # noqa: E402


@pytest.fixture
def folders(tmp_path):
    """An empty inbox and a valid seeds folder."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox, write_seeds(tmp_path / "seeds")
