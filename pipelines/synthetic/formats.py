"""Turning generated values into the text real extracts contain, awkward spellings included.

Every function works on whole columns (numpy in, pyarrow strings out). Optional dates are
float day numbers with NaN for blank. The "variant" shares put legal-but-awkward spellings
into a few rows: UK dates (DD/MM/YYYY and D/M/YYYY) beside ISO, Yes/true/1 for Y, legacy
sex codes, descriptions for codes, postcodes without a space or in lower case.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))  # the letters postcodes' inward codes use


def _strings(values: np.ndarray, blank: np.ndarray | None = None) -> pa.Array:
    if values.dtype == object:
        arr = pa.array(values, pa.string(), from_pandas=True)
    else:
        arr = pa.array(values.astype(str), pa.string())
    if blank is not None and blank.any():
        arr = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), arr)
    return arr


def dates(days, rng, uk: float = 0.0, short: float = 0.0) -> pa.Array:
    """ISO dates, with about ``uk`` of them DD/MM/YYYY and ``short`` D/M/YYYY; NaN -> blank."""
    days = np.asarray(days, dtype=np.float64)
    blank = np.isnan(days)
    d = np.where(blank, 0, days).astype(np.int64).astype("datetime64[D]")
    out = np.datetime_as_string(d, unit="D").astype(object)
    u = rng.random(len(days))
    for chosen, pad in ((u < uk, True), ((u >= uk) & (u < uk + short), False)):
        if not chosen.any():
            continue
        sub = d[chosen]
        day = (sub - sub.astype("datetime64[M]")).astype(np.int64) + 1
        month = sub.astype("datetime64[M]").astype(np.int64) % 12 + 1
        year = (sub.astype("datetime64[Y]").astype(np.int64) + 1970).astype(str)
        dd, mm = day.astype(str), month.astype(str)
        if pad:
            dd, mm = np.char.zfill(dd, 2), np.char.zfill(mm, 2)
        out[chosen] = np.char.add(np.char.add(np.char.add(np.char.add(dd, "/"), mm), "/"), year)
    return _strings(out, blank)


YES_NO_VARIANTS = (("Yes", "No"), ("yes", "no"), ("true", "false"), ("TRUE", "FALSE"),
                   ("1", "0"), ("y", "n"))


def yes_no(values: np.ndarray, rng, variants: float = 0.0,
           blank: np.ndarray | None = None) -> pa.Array:
    """Y/N, with about ``variants`` of the rows spelled another accepted way."""
    values = np.asarray(values, dtype=bool)
    out = np.where(values, "Y", "N").astype(object)
    if variants:
        pick = rng.random(len(values)) < variants
        which = rng.integers(0, len(YES_NO_VARIANTS), size=len(values))
        yes = np.array([y for y, _n in YES_NO_VARIANTS], dtype=object)[which]
        no = np.array([n for _y, n in YES_NO_VARIANTS], dtype=object)[which]
        out = np.where(pick, np.where(values, yes, no), out)
    return _strings(out, blank)


def codes(index: np.ndarray, labels, blank: np.ndarray | None = None) -> pa.Array:
    return _strings(np.asarray(labels, dtype=object)[np.asarray(index)], blank)


def numbered(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Ids such as R0001234 (identifiers are strings; leading zeros are kept)."""
    digits = pc.utf8_lpad(pa.array(np.asarray(numbers).astype(str)), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "") if prefix else digits


def integers(values: np.ndarray, blank: np.ndarray | None = None) -> pa.Array:
    return _strings(np.asarray(values).astype(np.int64), blank)


def postcodes(rng, outward: np.ndarray, sector: np.ndarray, messy: float = 0.0,
              blank: float = 0.0) -> pa.Array:
    """Full Northshire postcodes (``NS3 4AB``); ``messy`` of them written without the space,
    in lower case, as the outward code only, or unmatched (``NS14``, ``NS99``: no such area),
    ``blank`` left empty."""
    n = len(outward)
    inward = np.char.add(np.char.add(sector.astype(str),
                                     LETTERS[rng.integers(0, len(LETTERS), n)]),
                         LETTERS[rng.integers(0, len(LETTERS), n)])
    out_text = np.char.add("NS", outward.astype(str))
    full = np.char.add(np.char.add(out_text, " "), inward).astype(object)
    if messy:
        u = rng.random(n)
        step = messy / 4
        nospace = np.char.add(out_text, inward).astype(object)
        lower = np.char.lower(full.astype(str)).astype(object)
        unmatched_out = np.where(rng.random(n) < 0.5, "NS14", "NS99")
        unmatched = np.char.add(np.char.add(unmatched_out, " "), inward).astype(object)
        full = np.where(u < step, nospace, full)
        full = np.where((u >= step) & (u < 2 * step), lower, full)
        full = np.where((u >= 2 * step) & (u < 2.5 * step), out_text.astype(object), full)
        full = np.where((u >= 2.5 * step) & (u < 4 * step), unmatched, full)
    empty = rng.random(n) < blank if blank else None
    return _strings(full, empty)
