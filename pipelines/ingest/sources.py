"""Deliveries made of several files: the CIN census years (and a children CSV beside them).

An extract's delivery is usually one file (readers/tabular.py). The CIN census supplies five
extracts at once, and several collection years' files are in force together
(spec/inputs.md); ``children`` also keeps the rows of its own CSV first. Such a delivery is
read into ONE raw text table of the extract's columns, exactly like a CSV file's, so the
same contract, row rules, cross-file rules, pseudonymisation and quarantine apply.

Each part keeps its own line numbers: a row's ``_line`` is ``part << 32 | line`` (unique
across parts, ordered by part then line), and ``Origin`` turns it back into the part's
file and line wherever a line is reported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from data_contracts.rules import lit, q
from pipelines.ingest.readers import cin_xml
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


@dataclass(frozen=True)
class Origin:
    """Part number -> file name, for a delivery's row keys."""

    files: tuple[str, ...]

    @property
    def label(self) -> str:
        return SEPARATOR.join(self.files)

    def file_sql(self, expr: str) -> str:
        if len(self.files) == 1:
            return lit(self.files[0])
        cases = " ".join(f"when {i} then {lit(f)}" for i, f in enumerate(self.files))
        return f"(case ({expr} >> {LINE_BITS}) {cases} end)"


@dataclass
class CensusFile:
    path: Path
    mtime: float
    sha256: str
    header: cin_xml.CensusHeader | None
    error: str | None = None  # why the file is refused


@dataclass
class CensusSet:
    """The census files in force: the newest file of each collection year."""

    files: list[CensusFile]  # newest collection year first
    older: list[str] = field(default_factory=list)  # superseded within their year
    tables: dict[str, list[str]] | None = None  # extract -> TEMP table per file, once read
    census: list[cin_xml.Census] = field(default_factory=list)
    failure: tuple[str, str, str] | None = None  # (file, sha256, message)

    @property
    def newest(self) -> tuple[float, str]:
        return max((f.mtime, f.path.name) for f in self.files)

    def sha256(self) -> str:
        return combined_sha([f.sha256 for f in self.files])


def combined_sha(shas: list[str]) -> str:
    """One content fingerprint of a delivery made of several files."""
    return hashlib.sha256("\n".join(shas).encode()).hexdigest() if len(shas) > 1 else shas[0]


def discover_census(inbox: Path, ignored: list[str], la_code: str | None
                    ) -> tuple[CensusSet | None, list[str]]:
    """The ``*.xml`` files of the inbox: the census files in force; the rest stay ignored."""
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
        if file.header is not None and la_code and file.header.lea \
                and file.header.lea.strip() != str(la_code).strip():
            file.error = (f"census of local authority {file.header.lea.strip()}, not this "
                          f"partnership's ({la_code}, la_code in lscp.toml)")
        found.append(file)
    if not found:
        return None, rest
    found.sort(key=lambda f: (f.mtime, f.path.name))
    broken = [f for f in found if f.header is None]
    by_year: dict[str, list[CensusFile]] = {}
    for f in found:
        if f.header is not None:
            by_year.setdefault(f.header.collection, []).append(f)
    chosen = [files[-1] for _year, files in sorted(by_year.items(), reverse=True)]
    older = [f.path.name for files in by_year.values() for f in files[:-1]]
    # a file whose header cannot be read has no year: it counts when it is the newest of all
    if broken and (not chosen or (broken[-1].mtime, broken[-1].path.name)
                   > max((f.mtime, f.path.name) for f in chosen)):
        chosen.insert(0, broken[-1])
    older += [f.path.name for f in broken if f not in chosen]
    return CensusSet(chosen, older), rest + older


def read_census_set(con, census: CensusSet) -> None:
    """Read every census file of the set into TEMP tables (once per run). The ids derived
    from LAchildID are pseudonymised by the contracts, like every id (type ``id``)."""
    if census.tables is not None or census.failure is not None:
        return
    tables: dict[str, list[str]] = {e: [] for e in cin_xml.EXTRACTS}
    for i, file in enumerate(census.files):
        if file.error:
            census.failure = (file.path.name, file.sha256, file.error)
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
            census.census.append(cin_xml.read_census(file.path, flush))
        except FileRejected as exc:
            census.failure = (file.path.name, file.sha256, str(exc))
            return
        for extract, table in names.items():
            tables[extract].append(table)
    census.tables = tables


def _append(con, table: str, extract: str, rows: list[tuple]) -> None:
    columns = list(zip(*rows, strict=True))
    arrow = pa.table([pa.array(columns[0], pa.int64())]
                     + [pa.array(c, pa.string()) for c in columns[1:]],
                     names=["_line", *cin_xml.COLUMNS[extract]])
    con.register("_census_batch", arrow)
    con.execute(f"insert into {table} select * from _census_batch")
    con.unregister("_census_batch")


@dataclass
class Composite:
    """What one extract's multi-file delivery read into its raw table."""

    raw: RawFile
    origin: Origin
    superseded: int  # rows another source (or a newer collection year) also holds


def read_composite(con, contract, table: str, census: CensusSet,
                   csv_raw: RawFile | None, csv_name: str | None) -> Composite:
    """The extract's rows from the census files (and its own CSV's first, for children)."""
    extract = contract.name
    columns = contract.column_names
    key = contract.key[-1]
    parts, files = [], []
    if csv_raw is not None:
        parts.append((csv_raw.table, columns))
        files.append(csv_name)
    for t, census_file in zip(census.tables[extract], census.files, strict=True):
        parts.append((t, cin_xml.COLUMNS[extract]))
        files.append(census_file.path.name)
    selects = []
    for i, (t, have) in enumerate(parts):
        cols = ", ".join(q(c) if c in have else f"NULL::VARCHAR as {q(c)}" for c in columns)
        selects.append(f"select ({i}::BIGINT << {LINE_BITS}) + _line as _line, {i} as _part, "
                       f"{cols} from {t}")
    # a row whose id an earlier part (the CSV, then the newest collection year) holds is
    # superseded; rows of the same part with the same id stay, for the duplicate rule
    ident = f"nullif(trim({q(key)}), '')"
    con.execute(
        f"create or replace temp table {table} as select _line, "
        + ", ".join(q(c) for c in columns)
        + f" from ({' union all '.join(selects)}) "
        f"qualify {ident} is null or _part = min(_part) over (partition by {ident}) "
        f"order by _line")
    total = sum(con.execute(f"select count(*) from {t}").fetchall()[0][0] for t, _ in parts)
    kept = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    extra = list(csv_raw.extra_columns) if csv_raw is not None else []
    unused = _unused(census)
    if unused:
        extra.append(f"not used from the census: {unused}")
    encoding = f"{csv_raw.encoding} + cin_xml" if csv_raw is not None else "cin_xml"
    raw = RawFile(table, kept, extra, list(csv_raw.rejects) if csv_raw else [], encoding,
                  [("table", table)])
    if csv_raw is not None:
        csv_raw.drop(con)
    return Composite(raw, Origin(tuple(files)), total - kept)


def _unused(census: CensusSet) -> str:
    merged = {}
    for c in census.census:
        for name, n in c.unused.items():
            merged[name] = merged.get(name, 0) + n
    return ", ".join(f"{name} ({n:,})" for name, n in sorted(merged.items()))


def census_warnings(census: CensusSet, extract: str) -> str:
    """What the census files' records of ``extract`` needed read leniently, counted."""
    merged: dict[str, int] = {}
    for c in census.census:
        for (of, what), n in c.warnings.items():
            if of == extract:
                merged[what] = merged.get(what, 0) + n
    return "; ".join(f"{n:,} rows: {what}" for what, n in sorted(merged.items()))


def uses_census(extract: str, census: CensusSet | None, csv_file: InboxFile | None) -> bool:
    """Does the census set deliver this extract? (children: always, beside its CSV; the
    others: when the census is newer than the extract's own file)."""
    if census is None or extract not in cin_xml.EXTRACTS:
        return False
    if extract == "children" or csv_file is None:
        return True
    return census.newest > (csv_file.mtime, csv_file.path.name)
