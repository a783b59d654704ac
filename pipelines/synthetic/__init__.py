"""``lscp generate``: a synthetic, fictional partnership ("Northshire").

Writes every extract of spec/extracts.md into ``DIR/inbox/<extract>_<YYYY-MM>.csv`` and
the matching reference files into ``DIR/seeds/``; ``fmt="census"`` writes the social-care
extracts as CIN census XML (one file per collection year) and the SSDA903 return instead,
``fmt="ssd"`` as Standard Safeguarding Dataset tables (the other extracts stay CSV). Deterministic for a seed: the same
arguments give byte-identical files. ``--faults`` adds bad rows and bad files and lists
them in ``DIR/faults.csv``. ``councils=2`` writes a partnership of two fictional councils
(991 Northshire, 992 Southmoor): each council's CIN census XML and CSV extracts, and seeds
naming both (pipelines/synthetic/councils.py).

    from pipelines.synthetic import generate
    print(generate("demo", seed=1, children=60_000, years=5, faults=False, end_date=None))
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import time
from pathlib import Path

from lscp_core.errors import UserError

MARKER = ".lscp-generated"  # marks a folder this command wrote (and may overwrite)


def _check_arguments(seed, children, years, end_date) -> None:
    if not isinstance(seed, int) or seed < 0:
        raise UserError(f"--seed must be a whole number >= 0, not {seed!r}")
    if not isinstance(children, int) or not 500 <= children <= 5_000_000:
        raise UserError(f"--children must be between 500 and 5,000,000, not {children!r}")
    if not isinstance(years, int) or not 1 <= years <= 20:
        raise UserError(f"--years must be between 1 and 20, not {years!r}")
    if end_date is not None:
        if end_date > dt.date.today():
            raise UserError(f"--end-date {end_date} is in the future")
        if end_date.year - years < 1990:
            raise UserError(f"--end-date {end_date} with --years {years} starts before 1990")


def _prepare(out: Path) -> None:
    """An empty or new folder, or a previous output of this command (replaced)."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise UserError(f"--out {out} is not empty and was not written by `lscp generate`; "
                            "choose a new or empty folder")
        for name in ("inbox", "seeds"):
            shutil.rmtree(out / name, ignore_errors=True)
        (out / "faults.csv").unlink(missing_ok=True)
    (out / "inbox").mkdir(parents=True, exist_ok=True)
    (out / "seeds").mkdir(exist_ok=True)
    (out / MARKER).write_text("written by `lscp generate`; the folder may be overwritten by it\n",
                              encoding="utf-8")


FORMATS = ("csv", "census", "ssd")


def generate(out, seed: int = 1, children: int = 60_000, years: int = 5, faults: bool = False,
             end_date: dt.date | None = None, progress=True, steady: bool = False,
             nfa_step: tuple[dt.date, float] | None = None, fmt: str = "csv",
             councils: int = 1) -> str:
    """Write the partnership into ``out``; returns a short summary. Progress goes to
    stderr (``progress=True``), to a given stream, or nowhere (``None``)."""
    from pipelines.synthetic import build, timeline

    _check_arguments(seed, children, years, end_date)
    if fmt not in FORMATS:
        raise UserError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if faults and fmt != "csv":
        raise UserError("--faults writes faults into the CSV extracts: use it with --format csv")
    from pipelines.synthetic.councils import MAX_COUNCILS

    if isinstance(councils, bool) or not isinstance(councils, int) \
            or not 1 <= councils <= MAX_COUNCILS:
        raise UserError(f"--councils must be between 1 and {MAX_COUNCILS}, not {councils!r}")
    if councils > 1 and (faults or fmt == "ssd"):
        raise UserError("--councils writes each council's census XML and CSV extracts: "
                        "use it without --faults and --format ssd")
    out = Path(out)
    end = end_date or timeline.default_end_date()
    window = timeline.Window.of(end, years, steady, nfa_step)
    started = time.perf_counter()
    stream = sys.stderr if progress is True else progress

    def say(message: str) -> None:
        if stream:
            print(f"generate: {message} ({time.perf_counter() - started:.1f}s)", file=stream)

    _prepare(out)
    if councils > 1:
        from pipelines.synthetic import councils as several

        written = several.write_partnership(seed, out, children, window, say, councils)
        fmt = "census"
    else:
        written = build.write_partnership(seed, out, children, window, faults, say, fmt)
    seconds = time.perf_counter() - started
    total = sum(written.values())
    lines = [f"wrote {total:,} extract rows for {children:,} children, "
             f"{window.start} to {window.end}, seed {seed}{' with faults' if faults else ''}"
             f"{', steady' if steady else ''}"
             f"{f', NFA +{nfa_step[1]:g} points from {nfa_step[0]}' if nfa_step else ''}"
             f"{f', as {fmt}' if fmt != 'csv' else ''}"
             f"{f', {councils} councils (la_code 991, 992)' if councils > 1 else ''}, "
             f"into {out} in {seconds:.1f}s"]
    lines += [f"  {name:<15} {rows:>10,}" for name, rows in written.items()]
    if faults:
        lines.append(f"  fault manifest: {out / 'faults.csv'}")
    return "\n".join(lines)


__all__ = ["generate", "MARKER"]
