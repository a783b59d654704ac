"""Row-by-row comparison of the product's indicator_values with the reference."""

from __future__ import annotations

import math

import pandas as pd

KEYS = ["indicator_id", "period_end", "locality", "agency"]


def _normalised(df: pd.DataFrame) -> pd.DataFrame:
    out = df[KEYS + ["numerator", "denominator", "value"]].copy()
    out["period_end"] = pd.to_datetime(out["period_end"]).dt.date
    for column in ("indicator_id", "locality", "agency"):
        out[column] = out[column].astype(object)
    out["numerator"] = pd.to_numeric(out["numerator"]).astype("float64")
    out["denominator"] = pd.to_numeric(out["denominator"]).astype("float64")
    out["value"] = pd.to_numeric(out["value"]).astype("float64")
    return out


def _same(a: float, b: float, rel: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if rel == 0:
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def differences(product: pd.DataFrame, reference: pd.DataFrame, rel: float = 1e-9) -> pd.DataFrame:
    """Every row missing on one side or differing: numerator and denominator exactly (NULL equals
    NULL), value to ``rel`` relative. Columns: keys, what, expected (reference), got (product)."""
    got = _normalised(product)
    expected = _normalised(reference)
    both = expected.merge(got, on=KEYS, how="outer", suffixes=("_expected", "_got"), indicator="side")
    rows = []
    for row in both.itertuples(index=False):
        key = tuple(getattr(row, k) for k in KEYS)
        if row.side == "left_only":
            rows.append((*key, "row missing in product", "row", None))
            continue
        if row.side == "right_only":
            rows.append((*key, "row not expected", None, "row"))
            continue
        for column, tolerance in (("numerator", 0.0), ("denominator", 0.0), ("value", rel)):
            exp = getattr(row, f"{column}_expected")
            act = getattr(row, f"{column}_got")
            if not _same(exp, act, tolerance):
                rows.append((*key, column, exp, act))
    return pd.DataFrame(rows, columns=[*KEYS, "what", "expected", "got"])


def report(diff: pd.DataFrame, limit: int = 40) -> str:
    """A readable summary: counts per indicator and field, then the first rows."""
    if diff.empty:
        return "no differences"
    summary = diff.groupby(["indicator_id", "what"]).size().rename("rows").reset_index()
    with pd.option_context("display.width", 200, "display.max_columns", 20,
                           "display.max_rows", 400):
        return (f"{len(diff)} differences\n{summary.to_string(index=False)}\n\n"
                f"first {min(limit, len(diff))}:\n{diff.head(limit).to_string(index=False)}")
