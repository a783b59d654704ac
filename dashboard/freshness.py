"""Are the figures current? Each extract's last new file against its delivery rhythm.

An extract is out of date when its newest delivery failed (the previous version stays in
force), when it was never loaded, or when no new file has been loaded for longer than its
delivery rhythm: one default (``lscp_core.settings.DEFAULT_FRESHNESS_DAYS``: monthly extracts
35 days, termly 130), which ``[dashboard] freshness_days`` in lscp.toml overrides per extract. The scorecard, the board pack's first
page and the data-quality page all read this one rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import data
from lscp_core.errors import UserError
from lscp_core.settings import freshness_limit, load_settings


@dataclass(frozen=True)
class Freshness:
    extract: str
    last_loaded: pd.Timestamp | None
    age_days: int | None
    limit_days: int
    status: str  # current | failed | stale | never loaded

    @property
    def current(self) -> bool:
        return self.status == "current"

    def sentence(self) -> str:
        since = (f"its figures are from the file loaded on {self.last_loaded:%d %B %Y}"
                 .replace(" 0", " ") if self.last_loaded is not None else "it has no figures")
        if self.status == "failed":
            return f"{self.extract}: the latest delivery failed, so {since}"
        if self.status == "never loaded":
            return f"{self.extract}: no file has been loaded yet"
        return (f"{self.extract}: no new file for {self.age_days} days (expected every "
                f"{self.limit_days}), so {since}")


def _reference_time() -> pd.Timestamp:
    info = data.meta()
    now = pd.Timestamp(info.get("built_at") or pd.Timestamp.now(tz="UTC"))
    return now.tz_convert("UTC").tz_localize(None) if now.tzinfo else now


def _configured_days() -> dict[str, int]:
    try:
        return load_settings().freshness_days
    except UserError:  # unreadable settings: the data-quality page says why
        return {}


def check(overrides: dict[str, int] | None = None) -> list[Freshness]:
    overrides = _configured_days() if overrides is None else overrides
    now = _reference_time()
    out = []
    for r in data.extract_freshness().itertuples():
        limit = freshness_limit(r.extract, overrides)
        last = None if pd.isna(r.last_loaded) else pd.Timestamp(r.last_loaded)
        age = None if last is None else (now - last).days
        if last is None:
            status = "never loaded"
        elif r.latest_status == "failed":
            status = "failed"
        elif age > limit:
            status = "stale"
        else:
            status = "current"
        out.append(Freshness(r.extract, last, age, limit, status))
    return out


def out_of_date(overrides: dict[str, int] | None = None) -> list[Freshness]:
    return [f for f in check(overrides) if not f.current]
