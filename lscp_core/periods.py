"""A period end in words, as the pages, the board pack and the CSV export say it."""

from __future__ import annotations

import pandas as pd


def period_label(d, kind: str | None = "monthly", lag_months: int = 0) -> str:
    """A period end as a reader says it, honest about what the figure covers.

    ``kind`` (indicator_catalogue.period_kind): ``rolling_12_months`` -> "12 months to
    November 2026" (a window that ends ``lag_months`` earlier says so: "12 months to May
    2026, followed to November 2026"); ``month_end`` -> "end of November 2026"; ``term`` or
    ``termly`` -> "autumn term 2025"; ``quarterly`` (a manual measure's) -> "quarter to
    November 2026"; ``annual`` -> "year to November 2026"; ``monthly`` or anything else
    (the period itself) -> "November 2026". ``d`` must be a date (see
    ``dashboard.formatting.period`` for a missing one).
    """
    ts = pd.Timestamp(d)
    if kind in ("term", "termly"):
        term = {12: "autumn", 3: "spring", 7: "summer"}.get(ts.month)
        return f"{term} term {ts.year}" if term else ts.strftime("%d %B %Y")
    if kind == "rolling_12_months":
        lag = int(lag_months or 0)
        end = ts - pd.DateOffset(months=lag) if lag else ts
        text = f"12 months to {end:%B %Y}"
        return f"{text}, followed to {ts:%B %Y}" if lag else text
    if kind == "month_end":
        return f"end of {ts:%B %Y}"
    if kind == "quarterly":
        return f"quarter to {ts:%B %Y}"
    if kind == "annual":
        return f"year to {ts:%B %Y}"
    return ts.strftime("%B %Y")
