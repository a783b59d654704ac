"""Fixtures shared by the ingest tests."""

from __future__ import annotations

import pytest

from tests.support.samples import write_seeds


@pytest.fixture
def folders(tmp_path):
    """An empty inbox and a valid seeds folder."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox, write_seeds(tmp_path / "seeds")
