"""What a reader of another format hands to a several-file delivery (pipelines/ingest/sources.py).

A ``Part`` is one file's rows of one extract as a TEMP text table (``_line`` + the extract's
columns it has), with the records the reader could not turn into rows (``rejects``). A
``Source`` is a format's files in force: which extracts it supplies, and their parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType


@dataclass(frozen=True)
class SourceFile:
    path: Path
    mtime: float
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def order(self) -> tuple[float, str]:  # the newest-file rule: modification time, then name
        return (self.mtime, self.path.name)


@dataclass
class Part:
    table: str  # TEMP table: _line + columns (all text)
    columns: tuple[str, ...]
    file: str
    format: str  # csv | xlsx | cin_xml | ssda903 | ssd
    # (line, value, rule, column) of records that could not become a row
    rejects: list[tuple] = field(default_factory=list)
    # columns that fill a blank of the row kept for the same id from an earlier part
    fills: tuple[str, ...] = ()
    raw: object = None  # the tabular RawFile of an extract's own file (dropped when merged)
    # the council the file belongs to (pipelines/ingest/councils.py); None: not yet told
    council: str | None = None
    copied: bool = False  # a copy taken for its council (councils.read_parts): dropped once merged


class Source:
    """A format's files in force (subclasses: the census years, the SSDA903 return)."""

    format = ""
    failure: tuple[str, str, str] | None = None  # (file, sha256, why it is refused)
    # per extract, what a statutory reader counted (readers/ssda903.Account) and the rows
    # each period of care was formed from; none for a source that counts nothing (read-only
    # here: the SSDA903 and SSD sources set their own)
    accounts: Mapping[str, object] = MappingProxyType({})
    members: Mapping[str, tuple[str, list[str]]] = MappingProxyType({})

    def supplies(self, extract: str) -> bool:
        return bool(self.files(extract))

    def files(self, extract: str) -> list[SourceFile]:
        raise NotImplementedError

    def newest(self, extract: str) -> tuple[float, str]:
        return max(f.order for f in self.files(extract))

    def parts(self, con, extract: str) -> list[Part]:
        """The extract's parts; FileRejected when a file of the source is refused."""
        raise NotImplementedError

    def warnings(self, extract: str) -> str:
        return ""

    def unused(self, extract: str) -> str:
        return ""


def by_kind(inbox: Path, names: list[str], kind_of: Callable[[Path], str | None]
            ) -> tuple[dict[str, list[SourceFile]], list[str]]:
    """The CSV files among ``names`` (those no extract claimed) by kind (``kind_of`` reads
    its header; None: not of this format), each hashed once, in the order of ``names``; and
    the names of no kind."""
    from pipelines.ingest.readers.tabular import sha256_file

    found: dict[str, list[SourceFile]] = {}
    rest = []
    for name in names:
        path = Path(inbox) / name
        kind = kind_of(path) if name.lower().endswith(".csv") else None
        if kind is None:
            rest.append(name)
            continue
        found.setdefault(kind, []).append(SourceFile(path, path.stat().st_mtime,
                                                     sha256_file(path)))
    return found, rest


def newest_by_kind(inbox: Path, names: list[str], kind_of: Callable[[Path], str | None]
                   ) -> tuple[dict[str, SourceFile], list[str]]:
    """Among the CSV files ``names`` (those no extract claimed), the newest of each kind,
    and the names left over (other files, and the older files of each kind)."""
    found, rest = by_kind(inbox, names, kind_of)
    newest = {}
    for kind, files in found.items():
        files.sort(key=lambda f: f.order)
        newest[kind] = files[-1]
        rest += [f.name for f in files[:-1]]
    return newest, rest
