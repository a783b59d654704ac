"""``lscp pack``: the dashboard's board pack, made outside Streamlit (for a scheduled pack
before each meeting). The dashboard's readers are Streamlit-cached functions; outside a
running app they work uncached, and Streamlit's warnings about that are silenced."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from lscp_core.errors import UserError


def write_pack(db: Path, month: dt.date, out: Path, *, role: str, who: str,
               strategy: str | None = None, config: Path | None = None) -> Path:
    """Write the pack to ``out``; returns the kept copy."""
    with dashboard_over(db, config):
        return _write_pack(db, month, out, role=role, who=who, strategy=strategy)


@contextlib.contextmanager
def dashboard_over(db: Path, config: Path | None):
    """The dashboard's code reading ``db`` with ``config``, handed as arguments (not through
    the environment) and put back afterwards, so a later call in the process is not misled."""
    from streamlit import logger

    logger.set_log_level("error")  # before the dashboard's cached functions are defined
    from dashboard import data
    from lscp_core.settings import use_config

    data.use_database(db)
    use_config(config)
    try:
        yield
    finally:
        data.use_database(None)
        use_config(None)


def _write_pack(db: Path, month: dt.date, out: Path, *, role: str, who: str,
                strategy: str | None) -> Path:
    import pandas as pd

    from dashboard import boardpack, data
    from lscp_core import packs

    try:
        data.live().current()
        months = {p.strftime("%Y-%m") for p in data.periods()}
        known = set(data.strategies()["strategy"])
    except data.DatabaseUnavailable as exc:
        raise UserError(str(exc)) from None
    wanted = month.strftime("%Y-%m")
    if wanted not in months:
        latest = max(months) if months else "none"
        raise UserError(f"the database has no figures for {wanted} (latest month: {latest})")
    if strategy and strategy not in known:
        raise UserError(f"no strategy {strategy!r} (known: {', '.join(sorted(known))})")
    kind = out.suffix.lower().lstrip(".")
    period = pd.Timestamp(month) + pd.offsets.MonthEnd(0)
    content = boardpack.make(role, strategy, period, kind=kind, who=who)
    from lscp_core.private import open_private

    try:
        with open_private(out, "wb") as f:
            f.write(content)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    kept = packs.packs_dir(db) / packs.index(db)[0]["file"]
    return kept


def build_published_packs(db: Path, config: Path | None = None, progress=None) -> list[Path]:
    """After ``lscp run`` publishes: the newest month's packs (dashboard.published_pack),
    kept beside ``db`` so the dashboard's pack button serves a file. Reported as its own
    ``[pack]`` line; a pack that cannot be built never fails the published run (the button
    then builds it on request)."""
    import time

    started = time.perf_counter()

    def say(text: str) -> None:
        if progress is not None:
            try:
                print(text, file=progress, flush=True)
            except (OSError, ValueError):  # a closed pipe must not fail a published run
                pass

    try:
        with dashboard_over(db, config):
            from dashboard import published_pack

            written = published_pack.build_at_publish(lambda words: say(f"[pack] {words}"))
    except Exception as exc:  # noqa: BLE001 - the run is published; the pack can wait
        say(f"[pack] not built ({type(exc).__name__}: {exc}); the dashboard builds it when "
            f"asked ({time.perf_counter() - started:.1f}s)")
        return []
    roles = ", ".join(dict.fromkeys(p.stem.rsplit("-", 1)[-1] for p in written))
    say(f"[pack] the newest month's packs ({roles}; PDF and HTML) kept in "
        f"{written[0].parent if written else 'no folder'} ({time.perf_counter() - started:.1f}s)")
    return written
