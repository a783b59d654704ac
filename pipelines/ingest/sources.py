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
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from data_contracts.rules import lit, q
from pipelines.ingest.readers import cin_xml
from pipelines.ingest.readers.parts import Part, Source, SourceFile
from pipelines.ingest.readers.tabular import FileRejected, InboxFile, RawFile, sha256_file

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


# --- the census years ------------------------------------------------------------------------

@dataclass
class CensusFile:
    path: Path
    mtime: float
    sha256: str
    header: cin_xml.CensusHeader | None
    error: str | None = None  # why the file is refused
    council: str | None = None  # in a partnership of several councils: its LEA


def discover_census(inbox: Path, ignored: list[str], la_code: str | None,
                    councils=None) -> tuple[CensusSet | None, list[str]]:
    """The ``*.xml`` files of the inbox: the census files in force (the newest of each
    council and collection year); the rest stay ignored. ``councils``: the partnership's
    (pipelines/ingest/councils.Councils); with several, each file's ``LEA`` must be one of
    them, and collection years are in force per council."""
    several = councils is not None and councils.several
    codes = list(councils.codes) if several else ([str(la_code).strip()] if la_code else [])
    found: list[CensusFile] = []
    rest = []
    for name in ignored:
        path = Path(inbox) / name
        if not name.lower().endswith(".xml"):
            rest.append(name)
            continue
        file = CensusFile(path, path.stat().st_mtime, sha256_file(path), None)
        try:
            file.header = cin_xml.read_header(path)
        except FileRejected as exc:
            file.error = str(exc)
        lea = (file.header.lea or "").strip() if file.header is not None else ""
        if codes and lea and lea not in codes:
            listed = ", ".join(codes)
            file.error = (f"census of local authority {lea}, not this partnership's "
                          f"({listed}, la_code in lscp.toml)")
        elif several and file.header is not None:
            if lea:
                file.council = lea
            else:
                file.error = (f"{name}: no Header/Source/LEA: in a partnership of several "
                              f"councils ({', '.join(codes)}) each census file must name its "
                              "council in <LEA>")
        found.append(file)
    if not found:
        return None, rest
    found.sort(key=lambda f: (f.mtime, f.path.name))
    broken = [f for f in found if f.header is None]
    by_year: dict[tuple[str, str], list[CensusFile]] = {}
    for f in found:
        if f.header is not None:
            by_year.setdefault((f.header.collection, f.council or ""), []).append(f)
    chosen = [files[-1] for _year, files in sorted(by_year.items(), reverse=True)]
    older = [f.path.name for files in by_year.values() for f in files[:-1]]
    # a file whose header cannot be read has no year: it counts when it is the newest of all
    if broken and (not chosen or (broken[-1].mtime, broken[-1].path.name)
                   > max((f.mtime, f.path.name) for f in chosen)):
        chosen.insert(0, broken[-1])
    older += [f.path.name for f in broken if f not in chosen]
    return CensusSet(chosen), rest + older


class CensusSet(Source):
    """The census files in force: the newest file of each collection year."""

    format = cin_xml.FORMAT

    def __init__(self, files: list[CensusFile]):
        self.census_files = files  # newest collection year first
        self.tables: dict[str, list[str]] | None = None  # extract -> TEMP table per file
        self.census: list[cin_xml.Census] = []
        self.failure = None

    def files(self, extract: str) -> list[SourceFile]:
        if extract not in cin_xml.EXTRACTS:
            return []
        return [SourceFile(f.path, f.mtime, f.sha256) for f in self.census_files]

    def parts(self, con, extract: str) -> list[Part]:
        self._read(con)
        if self.failure is not None:
            raise FileRejected(self.failure[2])
        return [Part(t, cin_xml.COLUMNS[extract], f.path.name, self.format, council=f.council)
                for t, f in zip(self.tables[extract], self.census_files, strict=True)]

    def _read(self, con) -> None:
        """Read every census file of the set into TEMP tables (once per run). The ids
        derived from LAchildID are pseudonymised by the contracts, like every id."""
        if self.tables is not None or self.failure is not None:
            return
        tables: dict[str, list[str]] = {e: [] for e in cin_xml.EXTRACTS}
        for i, file in enumerate(self.census_files):
            if file.error:
                self.failure = (file.path.name, file.sha256, file.error)
                return
            names = {e: f"cx{i}_{e}" for e in cin_xml.EXTRACTS}
            for extract, table in names.items():
                cols = ", ".join(f"{q(c)} VARCHAR" for c in cin_xml.COLUMNS[extract])
                con.execute(f"create or replace temp table {table} (_line BIGINT, {cols})")

            def flush(parsed: cin_xml.Census, names=names) -> None:
                for extract, rows in parsed.rows.items():
                    if rows:
                        _append(con, names[extract], extract, rows)
                        rows.clear()
            try:
                self.census.append(cin_xml.read_census(file.path, flush))
            except FileRejected as exc:
                self.failure = (file.path.name, file.sha256, str(exc))
                return
            for extract, table in names.items():
                tables[extract].append(table)
        self.tables = tables

    def unused(self, extract: str) -> str:
        merged: dict[str, int] = {}
        for c in self.census:
            for name, n in c.unused.items():
                merged[name] = merged.get(name, 0) + n
        listed = ", ".join(f"{name} ({n:,})" for name, n in sorted(merged.items()))
        return f"not used from the census: {listed}" if listed else ""

    def warnings(self, extract: str) -> str:
        """What the census files' records of ``extract`` needed read leniently, counted."""
        merged: dict[str, int] = {}
        for c in self.census:
            for (of, what), n in c.warnings.items():
                if of == extract:
                    merged[what] = merged.get(what, 0) + n
        return "; ".join(f"{n:,} rows: {what}" for what, n in sorted(merged.items()))


def _append(con, table: str, extract: str, rows: list[tuple]) -> None:
    columns = list(zip(*rows, strict=True))
    arrow = pa.table([pa.array(columns[0], pa.int64())]
                     + [pa.array(c, pa.string()) for c in columns[1:]],
                     names=["_line", *cin_xml.COLUMNS[extract]])
    con.register("_census_batch", arrow)
    con.execute(f"insert into {table} select * from _census_batch")
    con.unregister("_census_batch")


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


@dataclass
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
    return [PartReport(n, h, status, int(r), "already loaded, not loaded again")
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
    fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    return Part(raw.table, tuple(contract.column_names), path.name, fmt, list(raw.rejects),
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
