"""The CIN census as a source: the census files in force, read into one TEMP table per file
and extract (readers/cin_xml.py parses a file).

Several collection years' files are in force together (spec/inputs.md): the newest file of
each collection year (and, in a partnership of several councils, of each council, named by
its ``Header/Source/LEA``). The set supplies the five extracts of ``cin_xml.EXTRACTS`` at
once; sources.py merges its parts with the other files of each extract's delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from data_contracts.rules import q
from pipelines.ingest.readers import cin_xml
from pipelines.ingest.readers.parts import Part, Source, SourceFile
from pipelines.ingest.readers.reader import INBOX, Reader
from pipelines.ingest.readers.tabular import FileRejected, sha256_file


@dataclass
class CensusFile:
    path: Path
    mtime: float
    sha256: str
    header: cin_xml.CensusHeader | None
    error: str | None = None  # why the file is refused
    council: str | None = None  # in a partnership of several councils: its LEA


def discover(inbox: Path, ignored: list[str], la_code: str | None,
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


READER = Reader(
    format=cin_xml.FORMAT, recognises="CIN census XML",
    how="*.xml; its Header names the collection year and the council (LEA)",
    extensions=(".xml",),
    supplies=cin_xml.EXTRACTS, scope=INBOX, discover=discover)
