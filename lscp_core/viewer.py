"""Who is looking, and how a published cell reads for them: the one disclosure rule for the
pages, the board pack and the CSV export.

A role (``lscp.toml``, ``dashboard/auth.py``) is parsed once into a :class:`Viewer`:

- ``viewer`` — the restricted view: no suppressed cell's figures;
- ``board`` — every cell unsuppressed, as the analyst sees it, but read-only; its board
  packs carry a protective marking on every page;
- ``analyst`` — every cell unsuppressed, and writes commentary, actions and manual measures;
- ``champion:<AGENCY>`` — the restricted view, except their own agency's cells.

What each kind of role may do is in one place, :data:`RIGHTS`.

A suppressed cell's figures (numerator, denominator, value; primary and secondary
suppression: ``metrics/models/marts/indicator_values.sql``, ``metrics/disclosure.py``) are
*withheld* from a viewer who may not see that cell: NULL on a page (shown as ``c``), ``c``
in the export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VIEWER, BOARD, ANALYST, CHAMPION = "viewer", "board", "analyst", "champion"
# an agency code: also what keeps the agency a plain SQL literal in ``shown_sql``
AGENCY_CODE = re.compile(r"[A-Z0-9_]{1,40}")
CONFIDENTIAL = "c"
# the protective marking on every page of a pack with unsuppressed figures for the board
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE — not for publication"


@dataclass(frozen=True)
class Rights:
    """What a kind of role may do."""

    unsuppressed: bool = False  # sees every cell's figures
    writes: bool = False  # commentary, actions, manual measures; row-level details, audit log
    marking: str | None = None  # printed on every page of its board packs


# every role kind, and what it may do: adding a role is adding a line here
RIGHTS = {
    VIEWER: Rights(),
    BOARD: Rights(unsuppressed=True, marking=OFFICIAL_SENSITIVE),
    ANALYST: Rights(unsuppressed=True, writes=True),
    CHAMPION: Rights(),  # plus its own agency's cells (``shown_sql``)
}


@dataclass(frozen=True)
class Viewer:
    """A parsed role: ``kind`` is a key of :data:`RIGHTS`; ``agency`` a champion's own."""

    kind: str = VIEWER
    agency: str | None = None

    @classmethod
    def parse(cls, role: str | None) -> Viewer | None:
        """The viewer a role names, or None for anything that is not a role."""
        if role in RIGHTS and role != CHAMPION:
            return cls(role)
        if role and role.startswith(CHAMPION + ":"):
            code = role.split(":", 1)[1]
            if AGENCY_CODE.fullmatch(code):
                return cls(CHAMPION, code)
        return None

    @classmethod
    def of(cls, role: str | None) -> Viewer:
        """The viewer a role names; anything unexpected is the restricted view."""
        return cls.parse(role) or cls()

    @property
    def role(self) -> str:
        return f"{CHAMPION}:{self.agency}" if self.kind == CHAMPION else self.kind

    @property
    def rights(self) -> Rights:
        return RIGHTS.get(self.kind, RIGHTS[VIEWER])

    @property
    def unsuppressed(self) -> bool:
        """Sees every cell unsuppressed (analysts and the board)."""
        return self.rights.unsuppressed

    @property
    def writes(self) -> bool:
        """Writes commentary, actions and manual measures (analysts only)."""
        return self.rights.writes

    @property
    def marking(self) -> str | None:
        """The protective marking on every page of this viewer's packs (the board's)."""
        return self.rights.marking

    def shown_sql(self, by_agency: bool = True) -> str:
        """SQL condition: this viewer sees a suppressed cell's figures. ``by_agency``: the
        cells have an ``agency`` column (a champion sees their own agency's)."""
        if self.unsuppressed:
            return "true"
        if self.kind == CHAMPION and by_agency:
            return f"(agency = '{self.agency}')"
        return "false"


def withheld_sql(show: str) -> str:
    """SQL condition: a cell's figures are withheld, where ``show`` (from
    :meth:`Viewer.shown_sql`) says the viewer may see a suppressed cell."""
    return f"suppressed and not {show}"


def figure_sql(column: str, show: str) -> str:
    """``column`` as the viewer sees it on a page: NULL where withheld."""
    return f"case when {withheld_sql(show)} then null else {column} end"


def hidden_sql(show: str) -> str:
    """SQL: the cell's figures are withheld (a page shows ``c``); false for NULL flags."""
    return f"coalesce(suppressed, false) and not {show}"


def figure_text_sql(column: str, show: str) -> str:
    """``column`` as the viewer sees it in the export: ``c`` where withheld (then the
    column is text), the figure itself for a viewer who sees every cell."""
    if show == "true":
        return column
    return (f"case when {withheld_sql(show)} then '{CONFIDENTIAL}' "
            f"else cast({column} as varchar) end")
