"""The readers of the statutory formats, listed in one place: what each finds in the inbox.

The files no extract claimed (``<extract>_*.csv|.xlsx``: readers/tabular.py) are offered to
the census reader across the whole inbox (each census file names its council in its
``<LEA>``), then, per council's group of files, to each reader of ``PER_COUNCIL`` in turn.
A reader's ``discover(inbox, names)`` returns its source in force (or None) and the names it
left. A new format's reader is one module beside these and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipelines.ingest.readers import census, ssd, ssda903
from pipelines.ingest.readers.parts import Source

# the formats a council sends as its own return, in the order they claim files
PER_COUNCIL = (ssda903.discover, ssd.discover)


def discover(inbox: Path, names: list[str], la_code: str | None, councils,
             groups: Callable[[Path, list[str], object], list[list[str]]]
             ) -> tuple[list[Source], list[str]]:
    """(the statutory sources in force, the names still ignored). ``la_code``: the one
    council's code, if the partnership has one; ``councils``: its councils
    (pipelines/ingest/councils.Councils); ``groups``: the files per council
    (councils.by_council)."""
    source, names = census.discover(inbox, names, la_code, councils)
    found = [source] if source is not None else []
    ignored: list[str] = []
    for group in groups(inbox, names, councils):
        for reader in PER_COUNCIL:
            source, group = reader(inbox, group)
            if source is not None:
                found.append(source)
        ignored += group
    return found, ignored
