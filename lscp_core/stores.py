"""The two stores and what the published one may hold (docs/operations.md, "Where children's
data lives").

- The **working database** (``<db>.work`` unless ``[pipeline] work_db`` names another file):
  child-level, pseudonymised rows that the next run reuses for unchanged files. Only
  ``lscp run`` opens it.
- The **published database** ``<db>``: only what the pages read (``PUBLISHED_TABLES``), no
  child-level row and no identifier. ``lscp serve`` opens this one, and refuses a file that
  holds any other table.

Here, in the core, because the pipeline writes these rules and the dashboard enforces them.
"""

from __future__ import annotations

from pathlib import Path

REQUIRED_TABLES = ("indicator_values", "indicator_breakdowns", "manual_values",
                   "indicator_catalogue", "spc", "load_report", "quarantine", "runs", "meta")
# the load report's details and the reference data the pages show (no seed holds a child)
DISPLAY_TABLES = ("extra_columns", "warnings", "seed_agencies", "seed_localities",
                  "seed_benchmarks", "seed_targets", "seed_strategies", "seed_meetings",
                  "seed_manual_measures", "councils",
                  # each quarter's own figure, for a restricted viewer (metrics/quarterly.py)
                  "indicator_quarterly", "spc_quarterly")
PUBLISHED_TABLES = REQUIRED_TABLES + DISPLAY_TABLES
# Files are created for the one service user that runs both the pipeline and the dashboard.
# A separate dashboard user: 0640 and a shared group on the published file only
# (docs/operations.md).
FILE_MODE = 0o600


def work_path(db: Path, settings=None) -> Path:
    """The working (child-level) database of the published ``db``."""
    configured = getattr(settings, "work_db", None)
    return Path(configured).absolute() if configured else Path(str(db) + ".work")


def gx_checks_path(work_db: Path) -> Path:
    """The contract checks' answers kept beside the working database (no value of any file:
    pipelines/ingest/gx_cache.py)."""
    return Path(str(work_db) + ".gx-checks")


# Tables with one row per child or per record: the working database's, never published.
CHILD_LEVEL_PREFIXES = ("src_", "stg_", "int_", "land_")
CHILD_LEVEL_TABLES = ("archive_files", "land_rejects")


def unpublishable(tables: set[str]) -> set[str]:
    """The child-level tables among ``tables``: a database holding any is a working database
    (or one an earlier lscp published with everything in it), never to be served. Other
    aggregate tables a newer or older version may add are harmless to open."""
    return {t for t in tables if t.startswith(CHILD_LEVEL_PREFIXES) or t in CHILD_LEVEL_TABLES}
