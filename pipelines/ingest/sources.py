"""Deliveries made of several files: the census years, the SSDA903 return, and the extract's
own CSV beside them.

An extract's delivery is usually one file (readers/tabular.py). The CIN census supplies five
extracts at once, several collection years' files are in force together (spec/inputs.md),
SSDA903 supplies ``children`` and ``looked_after``, and ``children`` keeps the rows of its
own CSV first. Such a delivery is read into ONE raw text table of the extract's columns,
exactly like a CSV file's, so the same contract, row rules, cross-file rules,
pseudonymisation and quarantine apply.

Each part keeps its own line numbers: a row's ``_line`` is ``part << 32 | line`` (unique
across parts, ordered by part then line), and ``Origin`` turns it back into the part's
file and line wherever a line is reported.

The sources themselves are the readers' (readers/census.py, readers/ssda903.py,
readers/ssd.py: listed in readers/registry.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from data_contracts.rules import lit, q
from pipelines.ingest.readers.parts import Part, Source, SourceFile
from pipelines.ingest.readers.tabular import InboxFile, RawFile, format_of, sha256_file

LINE_BITS = 32
LINE_MASK = (1 << LINE_BITS) - 1
SEPARATOR = " + "  # between the files of one delivery in archive_files / load_report


def line_sql(expr: str) -> str:
    """A row's line in its own file, from ``_line`` (the identity for a one-file delivery)."""
    return f"({expr} & {LINE_MASK})"


def file_names(label: str) -> list[str]:
    """The files of a delivery label (one name for a one-file delivery)."""
    return label.split(SEPARATOR)


def combined_sha(shas: list[str]) -> str:
    """One content fingerprint of a delivery made of several files."""
    return hashlib.sha256("\n".join(shas).encode()).hexdigest() if len(shas) > 1 else shas[0]


@dataclass(frozen=True)
class Origin:
    """Part number -> file name, for a delivery's row keys."""

    files: tuple[str, ...]

    def file_sql(self, expr: str) -> str:
        if len(self.files) == 1:
            return lit(self.files[0])
        cases = " ".join(f"when {i} then {lit(f)}" for i, f in enumerate(self.files))
        return f"(case ({expr} >> {LINE_BITS}) {cases} end)"


# --- one extract's delivery ------------------------------------------------------------------

def chosen(extract: str, found: list[Source], own: InboxFile | None) -> list[Source]:
    """The sources (other than the extract's own file) that deliver ``extract``: for
    ``children`` all of them, beside its CSV; for the others the ones newer than the
    extract's own file, under the newest-file rule."""
    supplying = [s for s in found if s.supplies(extract)]
    if extract == "children" or own is None:
        return supplying
    return [s for s in supplying if s.newest(extract) > (own.mtime, own.path.name)]


# --- agencies' parts of one extract ---------------------------------------------------------

def agency_codes(path: Path) -> set[str]:
    """The agency codes of seeds/agencies.csv, upper case (empty when there is none)."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return {(r.get("agency_code") or "").strip().upper() for r in csv.DictReader(f)} - {""}
    except OSError:
        return set()


def agency_of(name: str, extract: str, agencies: set[str]) -> str | None:
    """The agency code of ``<extract>_<AGENCY>_<anything>`` (any case), else None."""
    rest = name[len(extract) + 1:]
    token = rest.split("_", 1)[0].rsplit(".", 1)[0] if "_" in rest else rest.rsplit(".", 1)[0]
    return token.upper() if token.upper() in agencies else None


def agency_parts(newest: InboxFile, agencies: set[str], councils=None) -> list[InboxFile]:
    """The files in force of an extract delivered in parts: the newest file of each agency
    and the newest file without an agency code, sorted by name (the first's row wins a
    duplicate). One file when the extract is not delivered in parts. In a partnership of
    several councils (``councils``), the newest of each agency and council (its LA column or
    the code in its name: pipelines/ingest/councils.py)."""
    from pipelines.ingest.councils import of_file

    every = sorted([newest.path, *newest.older], key=lambda p: (p.stat().st_mtime, p.name))
    several = councils is not None and councils.several
    latest: dict[object, Path] = {}
    for path in every:  # oldest first: the newest of each agency wins
        agency = agency_of(path.name.lower(), newest.extract, agencies)
        latest[(agency, of_file(path, councils)[0]) if several else agency] = path
    if set(latest) == {None} or (several and len(latest) == 1):
        return [newest]
    chosen = sorted(latest.values(), key=lambda p: p.name)
    return [InboxFile(newest.extract, p, p.stat().st_mtime) for p in chosen]


@dataclass(kw_only=True)
class PartReport:
    """One agency's part as the load report shows it."""

    file: str
    sha256: str
    status: str  # loaded | unchanged | failed
    rows: int
    message: str


def parts_in_force(force, status: str) -> list[PartReport]:
    """The parts of the delivery in force, from its archive row."""
    names = file_names(force.file)
    shas = force.part_sha256s.split(SEPARATOR) if force.part_sha256s else [force.sha256]
    rows = force.part_rows.split(SEPARATOR) if force.part_rows else ["0"] * len(names)
    return [PartReport(file=n, sha256=h, status=status, rows=int(r),
                       message="already loaded, not loaded again")
            for n, h, r in zip(names, shas, rows, strict=False)]


def previous_part(force, failed: InboxFile, agencies: set[str]) -> SourceFile | None:
    """The same agency's part in force before, when the inbox still holds it unchanged."""
    if force is None or not force.part_sha256s:
        return None
    agency = agency_of(failed.path.name.lower(), failed.extract, agencies)
    if agency is None:
        return None
    for name, sha in zip(file_names(force.file), force.part_sha256s.split(SEPARATOR),
                         strict=False):
        path = failed.path.parent / name
        if agency_of(name.lower(), failed.extract, agencies) == agency and path.is_file() \
                and sha256_file(path) == sha:
            return SourceFile(path, path.stat().st_mtime, sha)
    return None


def own_part(raw: RawFile, contract, path: Path) -> Part:
    """An extract's own file (or one agency's part) as a part of a delivery."""
    return Part(raw.table, tuple(contract.column_names), path.name, format_of(path),
                list(raw.rejects),
                raw=raw)


@dataclass
class Composite:
    """What one extract's several-file delivery read into its raw table."""

    raw: RawFile
    origin: Origin
    superseded: int  # rows another source (or a newer collection year) also holds


def read_composite(con, contract, table: str, own: list[Part], others: list[Part],
                   extra: list[str]) -> Composite:
    """The extract's rows from its parts, in order: its own files first (one per agency:
    their duplicates stay, for the duplicate rule), then the other sources' parts.

    A row whose id an earlier source holds is superseded (the extract's own files, then the
    newest census year, then the SSDA903 header); rows of one source with the same id
    stay, for the duplicate rule. A part's ``fills`` columns fill the blanks of the row
    kept."""
    columns = contract.column_names
    key = contract.key[-1] if contract.key else None  # (attendance has no key: nothing superseded)
    parts = [*own, *others]
    # the group a part's rows compete in: the own files are one group, each other part its own
    groups = [0] * len(own) + list(range(1, len(others) + 1))
    selects = []
    for i, (part, group) in enumerate(zip(parts, groups, strict=True)):
        cols = ", ".join(q(c) if c in part.columns else f"NULL::VARCHAR as {q(c)}"
                         for c in columns)
        selects.append(f"select ({i}::BIGINT << {LINE_BITS}) + _line as _line, "
                       f"{group} as _group, {cols} from {part.table}")
    ident = f"nullif(trim({q(key)}), '')" if key else "NULL"
    if len(contract.key) > 1:
        # a record named by several columns (a plan's review date, a child's missing
        # episode) is superseded when all of them match; one blank: never superseded
        ident = "case when " + " and ".join(
            f"nullif(trim({q(k)}), '') is not null" for k in contract.key) + \
            " then concat_ws('|', " + ", ".join(f"trim({q(k)})" for k in contract.key) + ") end"
    con.execute(
        f"create or replace temp table {table} as select _line, "
        + ", ".join(q(c) for c in columns)
        + f" from ({' union all '.join(selects)}) "
        f"qualify {ident} is null or _group = min(_group) over (partition by {ident}) "
        f"order by _line")
    for part in parts if key else []:
        for col in part.fills:
            con.execute(
                f"update {table} t set {q(col)} = p.v from (select trim({q(key)}) as k, "
                f"any_value({q(col)}) as v from {part.table} where nullif(trim({q(col)}), '') "
                f"is not null group by 1) p where trim(t.{q(key)}) = p.k "
                f"and nullif(trim(t.{q(col)}), '') is null")
    total = sum(con.execute(f"select count(*) from {p.table}").fetchall()[0][0] for p in parts)
    kept = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    rejects = [((i << LINE_BITS) + r[0], *r[1:]) for i, p in enumerate(parts) for r in p.rejects]
    own_extra = [c for p in own if p.raw is not None for c in p.raw.extra_columns]
    raw = RawFile(table, kept + len(rejects), list(dict.fromkeys(own_extra)) + extra, rejects,
                  SEPARATOR.join(dict.fromkeys(p.raw.encoding if p.raw else p.format
                                               for p in parts)), [("table", table)])
    for p in own:
        if p.raw is not None:
            p.raw.drop(con)
    return Composite(raw, Origin(tuple(p.file for p in parts)), total - kept)
