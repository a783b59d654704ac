"""A synthetic partnership generated and published in this process, for tests that read
its published database (the key set only while it is built)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lscp_core.settings import Settings
from pipelines.run import run_pipeline
from pipelines.synthetic import generate


def published(folder: Path, key: str, settings: Settings | None = None, **generating):
    """Generate a partnership into ``folder`` (``generating``: seed, children, years,
    end_date, ...) and publish ``folder/lscp.duckdb`` from it: (database, the run's result)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LSCP_KEY", key)
        generate(folder, progress=None, **generating)
        db = folder / "lscp.duckdb"
        result = run_pipeline(folder / "inbox", db, folder / "seeds", None,
                              settings or Settings())
    return db, result
