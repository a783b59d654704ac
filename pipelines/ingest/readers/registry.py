"""The readers, registered in one place: the inbox asks this registry what is in force.

Each reader module declares what it recognises and which extracts it supplies, as its
``READER`` (readers/reader.Reader); ``READERS`` lists them, in the order they claim files:

- NAMED first: the extracts' own files, by name (``<extract>_*.csv|.xlsx``:
  readers/tabular.py), the newest of each extract; the rest are left to the others;
- INBOX: offered the files left across the whole inbox (each census file names its council
  in its ``<LEA>``: readers/census.py);
- COUNCIL: the files still left, one council's group at a time (councils.by_council),
  offered to each in turn (readers/ssda903.py, then readers/ssd.py).

A new format is one module in readers/ declaring its ``READER`` and one line in ``READERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.readers import census, ssd, ssda903, tabular
from pipelines.ingest.readers.parts import Source
from pipelines.ingest.readers.reader import COUNCIL, INBOX, NAMED, Reader
from pipelines.ingest.readers.tabular import InboxFile

READERS: tuple[Reader, ...] = (
    tabular.READER,
    census.READER,
    ssda903.READER,
    ssd.READER,
)


@dataclass
class Found:
    """What the readers found in the inbox."""

    own: dict[str, InboxFile]  # the newest file named for each extract
    sources: list[Source]  # the other formats' files in force (census years, returns, ...)
    ignored: list[str] = field(default_factory=list)  # names no reader took, older files
    refused: list[tuple[str, str]] = field(default_factory=list)  # (name, why): unread


def of_scope(scope: str) -> list[Reader]:
    return [r for r in READERS if r.scope == scope]


def discover(inbox: Path, extracts, la_code: str | None, councils,
             groups: Callable[[Path, list[str], object], list[list[str]]]) -> Found:
    """Ask each registered reader, in turn, for its files in force. ``la_code``: the one
    council's code, if the partnership has one; ``councils``: its councils
    (pipelines/ingest/councils.Councils); ``groups``: the files per council
    (councils.by_council)."""
    (named,) = of_scope(NAMED)  # one reader of files named for their extract
    own, names, refused = named.discover(inbox, extracts)
    found: list[Source] = []
    for reader in of_scope(INBOX):
        source, names = reader.discover(inbox, names, la_code, councils)
        found += [source] if source is not None else []
    ignored: list[str] = []
    for group in groups(inbox, names, councils):
        for reader in of_scope(COUNCIL):
            source, group = reader.discover(inbox, group)
            if source is not None:
                found.append(source)
        ignored += group
    return Found(own, found, ignored, refused)


def extensions() -> tuple[str, ...]:
    """The file extensions any registered reader may take (lower case, each once)."""
    return tuple(dict.fromkeys(e.lower() for r in READERS for e in r.extensions))


def recognised() -> str:
    """What the readers take, in words: "a, b, c or d"."""
    said = [r.recognises for r in READERS]
    return ", ".join(said[:-1]) + " or " + said[-1] if len(said) > 1 else said[0]
