"""What a reader module declares of itself: its ``READER``, listed in readers/registry.py.

Its format, what it recognises and how, the extensions of its files, the extracts it
supplies, where it looks (``scope``) and how it finds its files in force (``discover``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# where a reader looks (Reader.scope), in the order the registry asks them
NAMED = "named"  # files named for their extract (<extract>_*): claimed first, by name
INBOX = "inbox"  # the files no extract claimed, across the inbox (each names its own council)
COUNCIL = "council"  # the files still unclaimed, one council's group at a time, reader by reader


@dataclass(frozen=True)
class Reader:
    """What a reader module declares of itself, as its ``READER`` (readers/registry.py).

    ``discover`` by ``scope``: NAMED ``(inbox, extracts) -> ({extract: InboxFile}, names
    left, entries refused unread)``; INBOX ``(inbox, names, la_code, councils) -> (Source
    or None, names left)``; COUNCIL ``(inbox, names) -> (Source or None, names left)``.
    """

    format: str  # archive_files.source_format of what it reads (Part.format)
    recognises: str  # the files it claims, in the words of the "ignored (not ...)" line
    how: str  # how it tells its files: their names, extensions, what it sniffs in them
    extensions: tuple[str, ...]  # of the files it may take (the scheduler watches these)
    supplies: tuple[str, ...]  # the extracts its files can deliver
    scope: str  # NAMED | INBOX | COUNCIL
    discover: Callable = field(repr=False)
