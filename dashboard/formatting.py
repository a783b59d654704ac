"""How numbers read on every page: one decimal place, units, GSS symbols.

GSS symbols (Government Statistical Service): ``c`` confidential (suppressed
for disclosure control), ``x`` not available, ``z`` not applicable.
"""

from __future__ import annotations

import math

import pandas as pd

from lscp_core.periods import period_label

CONFIDENTIAL = "c"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"

UNIT_SUFFIX = {"percent": "%", "rate": " per 10,000", "count": ""}
UNIT_WORDS = {"percent": "per cent", "rate": "rate per 10,000 children", "count": "count"}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def number(v, unit: str = "count", suppressed: bool = False) -> str:
    """A value as a reader sees it: ``41.3%``, ``38.2 per 10,000``, ``1,204``, ``c`` or ``x``."""
    if suppressed:
        return CONFIDENTIAL
    if _missing(v):
        return NOT_AVAILABLE
    if unit == "count":
        return f"{round(float(v)):,}"
    return f"{float(v):,.1f}{UNIT_SUFFIX.get(unit, '')}"


def plain(v, unit: str = "count", suppressed: bool = False) -> str:
    """The number without its unit (for table cells under a unit heading)."""
    if suppressed:
        return CONFIDENTIAL
    if _missing(v):
        return NOT_AVAILABLE
    return f"{round(float(v)):,}" if unit == "count" else f"{float(v):,.1f}"


def figure(v, unit: str = "count", suppressed: bool = False) -> str:
    """A number for a CSV's numeric column, as a spreadsheet reads it: a count whole
    (``2492``), any other figure to the one decimal place the pages show (``18.2``); no
    thousands separator, unit or sign; ``c`` withheld, ``x`` not available."""
    if suppressed:
        return CONFIDENTIAL
    if _missing(v):
        return NOT_AVAILABLE
    return str(round(float(v))) if unit == "count" else f"{round(float(v), 1):.1f}"


def change(v, before, unit: str = "count", suppressed: bool = False) -> str:
    """The change between two figures as shown (each rounded first, as the reader sees
    them), for a CSV's numeric column: ``-2.4``, ``37``; ``c`` / ``x`` as ``figure``."""
    if suppressed:
        return CONFIDENTIAL
    if _missing(v) or _missing(before):
        return NOT_AVAILABLE
    ndigits = 0 if unit == "count" else 1
    delta = round(round(float(v), ndigits) - round(float(before), ndigits), ndigits)
    return figure(delta + 0.0, unit)


def count(v, suppressed: bool = False) -> str:
    return number(v, "count", suppressed)


def denominator(v, unit: str, suppressed: bool = False) -> str:
    """Denominators: counts of children or records; population for rates; none for counts."""
    if unit == "count":
        return NOT_APPLICABLE
    return count(v, suppressed)


def month(d) -> str:
    """``March 2025`` for a month end."""
    if _missing(d):
        return NOT_AVAILABLE
    return pd.Timestamp(d).strftime("%B %Y")


def during(period_text: str) -> str:
    """A period's words after a figure: "at the end of November 2026", "in the 12 months to
    November 2026", "in autumn term 2025" (fmt.period's text, read in a sentence)."""
    if period_text.startswith("end of "):
        return f"at the {period_text}"
    if period_text.startswith(("12 months", "quarter to", "year to")):
        return f"in the {period_text}"
    return f"in {period_text}"


def period(d, kind: str = "monthly", lag_months: int = 0) -> str:
    """A period end as a reader says it (``lscp_core.periods.period_label``: "12 months to
    November 2026", "end of November 2026", "autumn term 2025", ...); ``x`` for none."""
    if _missing(d):
        return NOT_AVAILABLE
    return period_label(d, kind, lag_months)


def not_enough_history(first_period=None) -> str:
    """What a page says for a month an indicator withholds (its look-back needs more data)."""
    if _missing(first_period):
        return "not enough history yet"
    return f"not enough history yet (from {pd.Timestamp(first_period):%B %Y})"


def day(d) -> str:
    if _missing(d):
        return NOT_AVAILABLE
    return pd.Timestamp(d).strftime("%d %B %Y").lstrip("0")


def unit_label(unit: str) -> str:
    return UNIT_WORDS.get(unit, unit)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for a download; cells a viewer may not see are already ``c`` in the frame.

    Text cells starting with = + - @ are prefixed with ' so a spreadsheet does not run them.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_guard_formula)
    # UTF-8 with a byte-order mark: Excel then reads names such as "Dudley & Sandwell" or
    # "Pénélope" as they are; numbers stay unquoted
    return out.to_csv(index=False).encode("utf-8-sig")


def _guard_formula(v):
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") and not _looks_numeric(v):
        return "'" + v
    return v


def _looks_numeric(s: str) -> bool:
    try:
        float(s.replace(",", ""))
        return True
    except ValueError:
        return False


# Every ASCII punctuation character can be backslash-escaped in CommonMark; these are the ones
# Markdown, Streamlit's extensions (:material/icon:, :red[text], $maths$) or HTML give meaning.
_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~:$&\"'=")


def as_text(value) -> str:
    """A file- or data-supplied string for an element that renders Markdown (headers, alerts,
    captions): every character that could make a link, an image, HTML, an icon or formatting
    is escaped, so it shows exactly as sent. Line breaks become spaces."""
    text = "" if value is None else " ".join(str(value).split())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in text)
