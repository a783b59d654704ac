"""Partnerships of several councils (spec/inputs.md): whose is each file, and ids per council.

With one council (``la_code`` one code, or unset) nothing here changes a row: ids and their
pseudonyms are exactly as they always were. With several:

- each file belongs to one council: the census by its ``Header/Source/LEA``; an SSDA903 or
  SSD file by its ``LA`` column (the council's code, or its name as in seeds/councils.csv;
  one council per file) or by a council code in its name (``<anything>_<la_code>_<anything>``);
  lscp's own extracts alike (``children_873_2026-11.csv``, or an ``LA``/``la_code`` column).
  A file whose council cannot be told fails as a file, with a message saying how to name it;
- the council code is part of every id before it is pseudonymised (``873|DfEX0000001``), so
  the same ``LAchildID`` in two councils' files is two children;
- ``land_child_councils`` (extract, child_id pseudonym, la_code) carries each child's council
  into the working database, so the metrics can place a child with no postcode in
  ``Unknown (<council name>)``.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from data_contracts.rules import lit, q
from lscp_core.errors import RunFailed
from pipelines.ingest.readers.tabular import FileRejected, sha256_file

SEPARATOR = "|"  # between the council code and a raw id: 873|DfEX0000001
TABLE = "land_child_councils"
LA_COLUMNS = ("la", "la_code")  # a file's council column (any case)


@dataclass
class Councils:
    """The partnership's councils: code -> name (names from seeds/councils.csv)."""

    codes: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=dict)

    @property
    def several(self) -> bool:
        return len(self.codes) > 1

    def code_of(self, value: str | None) -> str | None:
        """A council code, or a council's name as in seeds/councils.csv (any case)."""
        v = (value or "").strip()
        if not v:
            return None
        if v in self.codes:
            return v
        by_name = {n.strip().lower(): c for c, n in self.names.items()}
        return by_name.get(v.lower())

    def in_name(self, name: str) -> str | None:
        """The council code among the ``_``-separated words of a file name, else None."""
        stem = name.rsplit(".", 1)[0]
        words = re.split(r"[_\s]+", stem)
        found = [w for w in words[1:] if w in self.codes]  # never the first word alone
        return found[0] if found else None

    def how_to_name(self, name: str, extract: str | None = None) -> str:
        example = f"{extract}_{self.codes[0]}_2026-11.csv" if extract else \
            f"episodes_{self.codes[0]}_2026.csv"
        return (f"{name}: whose file is it? In a partnership of several councils "
                f"({', '.join(self.codes)}) put the council's code in the file name "
                f"(e.g. {example}) or give it an LA column")

    def fingerprint(self, fingerprint: str) -> str:
        """The key fingerprint a run records: with several councils the ids are made
        differently (council code first), so files loaded with one council are reloaded."""
        if not self.several:
            return fingerprint
        text = f"{fingerprint}|councils:{','.join(sorted(self.codes))}".encode()
        return hashlib.sha256(text).hexdigest()[:16]


def configured(la_code) -> tuple[str, ...]:
    """``la_code`` as ingest is given it: one code, a list, or None."""
    if la_code is None:
        return ()
    if isinstance(la_code, str):
        return (la_code.strip(),) if la_code.strip() else ()
    return tuple(str(c).strip() for c in la_code if str(c).strip())


def read_seed(seeds_dir: Path) -> dict[str, str]:
    """seeds/councils.csv as code -> name (empty when the file is absent)."""
    path = Path(seeds_dir) / "councils.csv"
    if not path.is_file():
        return {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return {(r.get("la_code") or "").strip(): (r.get("name") or "").strip()
                    for r in csv.DictReader(f) if (r.get("la_code") or "").strip()}
    except (OSError, UnicodeDecodeError):
        return {}  # the seeds' own checks report the file


def of_partnership(la_code, seeds_dir: Path) -> Councils:
    """The partnership's councils: ``la_code`` as configured, else seeds/councils.csv."""
    names = read_seed(seeds_dir)
    codes = configured(la_code) or tuple(names)
    return Councils(codes, {c: names.get(c, c) for c in codes})


def check_seeds(con, councils: Councils) -> None:
    """The seeds of a partnership of several councils: councils.csv lists every configured
    council (and no other), and every locality names one of them. RunFailed otherwise."""
    listed = [r[0] for r in con.execute("select la_code from seed_councils").fetchall()]
    if not councils.several:
        if len(listed) > 1:
            raise RunFailed(f"seeds/councils.csv lists {len(listed)} councils but la_code in "
                            f"lscp.toml names {', '.join(councils.codes)}: list them all in "
                            "la_code (la_code = [\"873\", \"874\"])")
        return
    missing = [c for c in councils.codes if c not in listed]
    if missing:
        raise RunFailed(f"seeds/councils.csv: no row for council {', '.join(missing)} (la_code "
                        "in lscp.toml): every council of the partnership needs a name")
    extra = [c for c in listed if c not in councils.codes]
    if extra:
        raise RunFailed(f"seeds/councils.csv: council {', '.join(extra)} is not in la_code "
                        f"in lscp.toml ({', '.join(councils.codes)})")
    bad = con.execute(
        "select count(*), any_value(locality_code) from seed_localities l "
        "where l.la_code is null or l.la_code not in (select la_code from seed_councils)"
    ).fetchall()[0]
    if bad[0]:
        raise RunFailed(f"seeds/localities.csv: {bad[0]} localities (e.g. {bad[1]}) without "
                        "the la_code of one of the partnership's councils (seeds/councils.csv): "
                        "in a partnership of several councils each locality needs its council")
    shared = con.execute(
        "select locality_name, string_agg(distinct la_code, ', ' order by la_code) "
        "from seed_localities group by 1 having count(distinct la_code) > 1 "
        "order by 1 limit 1").fetchall()
    if shared:
        raise RunFailed(f"seeds/localities.csv: locality {shared[0][0]!r} is in councils "
                        f"{shared[0][1]}: each council's localities need names of their own")


# --- ids per council ---------------------------------------------------------------------

def tag(con, table: str, columns, contract, council: str) -> list[tuple[str, str]]:
    """Put the council code in front of every id of ``table`` (a part's raw text table, or
    the view a CSV file is read through: then the view is renamed and ``table`` becomes a
    view over it). Returns the TEMP objects to drop with the raw table."""
    # every id (a record's id too, pseudonymised or not: ids are the council's own)
    ids = [c.name for c in contract.columns
           if (c.pseudonymise or c.type == "id") and c.name in columns]
    if not ids:
        return []
    prefix = lit(council + SEPARATOR)
    exprs = {c: f"case when nullif(trim({q(c)}), '') is null then {q(c)} "
                f"else {prefix} || trim({q(c)}) end" for c in ids}
    is_view = con.execute("select count(*) from duckdb_views() where view_name = ? "
                          "and temporary", [table]).fetchall()[0][0]
    if not is_view:
        con.execute(f"update {table} set " + ", ".join(f"{q(c)} = {e}" for c, e in exprs.items()))
        return []
    untagged = f"{table}_untagged"
    con.execute(f"drop view if exists {untagged}")
    con.execute(f"alter view {table} rename to {untagged}")
    replaced = ", ".join(f"{e} as {q(c)}" for c, e in exprs.items())
    con.execute(f"create temp view {table} as select * replace ({replaced}) from {untagged}")
    return [("view", table), ("view", untagged)]


def create_table(con) -> None:
    con.execute(f"create table if not exists {TABLE} (extract VARCHAR, child_id VARCHAR, "
                "la_code VARCHAR)")


def record(con, extract: str, parts: list[tuple[str, str]], pseudonym: str) -> None:
    """The councils of the children of ``extract``'s parts [(TEMP table, council)] (tagged
    ids, pseudonymised as the contract does)."""
    con.execute(f"delete from {TABLE} where extract = ?", [extract])
    for table, council in parts:
        con.execute(
            f"insert into {TABLE} select distinct {lit(extract)}, {pseudonym}(v), "
            f"{lit(council)} from (select nullif(trim(child_id), '') as v from {table}) "
            "where v is not null")


def reuse(con, extract: str, previous: str | None, prev_tables: set[str]) -> None:
    """An extract kept in force from the previous database keeps its children's councils."""
    con.execute(f"delete from {TABLE} where extract = ?", [extract])
    if previous and TABLE in prev_tables:
        con.execute(f"insert into {TABLE} select * from {previous}.{TABLE} where extract = ?",
                    [extract])


# --- a statutory CSV file's council ------------------------------------------------------

def of_file(path: Path, councils: Councils, extract: str | None = None
            ) -> tuple[str | None, str | None]:
    """(council, None) of a file, or (None, why not): its LA (or la_code) column, one
    council per file (CSV only), else a council code in its name. ``extract``: one of lscp's
    own extracts (for the example in the message)."""
    column = _la_column(path)
    if column is not None:
        values = _distinct(path, column)
        codes = {councils.code_of(v) for v in values}
        if None in codes:
            unknown = sorted(v for v in values if councils.code_of(v) is None)
            return None, (f"{path.name}: {column} {unknown[0]!r} is not a council of the "
                          f"partnership ({', '.join(councils.codes)}, seeds/councils.csv)")
        if len(codes) > 1:
            return None, (f"{path.name}: rows of several councils ({column}: "
                          f"{', '.join(sorted(codes))}): send one file per council")
        if codes:
            return codes.pop(), None
    code = councils.in_name(path.name)
    if code is not None:
        return code, None
    return None, councils.how_to_name(path.name, extract)


# --- a delivery's councils (the ingest's plumbing) ----------------------------------------

COPY_PREFIX = "council_part_"  # a statutory part's copy, taken before the next source reads


def of_own_file(path: Path, councils: Councils, extract: str) -> str | None:
    """The council of one of lscp's own extract files: in a partnership of several, its LA
    (or la_code) column naming one council, else the council code in its name
    (FileRejected when neither tells); else None (ids as they are)."""
    if not councils.several:
        return None
    council, why = of_file(path, councils, extract)
    if council is None:
        raise FileRejected(why.split(": ", 1)[1])
    return council


def read_parts(con, others: list, extract: str, councils: Councils) -> list:
    """The parts of the other formats' sources. In a partnership of several councils each
    council's return is a source of its own, and a reader names its TEMP tables alike: each
    part is copied before the next source reads (and its ids are tagged in the copy)."""
    parts = []
    for n, source in enumerate(others):
        for i, part in enumerate(source.parts(con, extract)):
            if councils.several:
                copy = f"{COPY_PREFIX}{extract}_{n}_{i}"
                con.execute(f"create or replace temp table {copy} as "
                            f"select * from {part.table}")
                part = dataclasses.replace(part, table=copy, copied=True)
            parts.append(part)
    return parts


def drop_copies(con, parts: list) -> None:
    """Drop the councils' copies of the parts (read_parts), merged by now."""
    for part in parts:
        if part.copied:
            con.execute(f"drop table if exists {part.table}")


def of_parts(parts: list, councils: Councils, inbox: Path) -> tuple[str, str, str] | None:
    """Tell the council of each statutory part (SSDA903, SSD: its LA column or its name; the
    census has its LEA). (file, sha256, why) of the first whose council cannot be told."""
    if not councils.several:
        return None
    for part in parts:
        if part.council is not None:
            continue
        council, why = of_file(inbox / part.file, councils)
        if council is None:
            return (part.file, sha256_file(inbox / part.file), why.split(": ", 1)[1])
        part.council = council
    return None


def tag_parts(con, contract, tables: list[tuple[str, object, str, object]],
              pseudonym: str) -> None:
    """Ids per council: the council code in front of every id of each part (TEMP table,
    its columns, its council, the tabular RawFile it was read as), and each child's
    council recorded."""
    for table, columns, council, raw in tables:
        cleanup = tag(con, table, columns, contract, council)
        if raw is not None and cleanup:
            raw.cleanup = [c for c in cleanup if c not in raw.cleanup] + \
                [c for c in raw.cleanup if c not in cleanup]
    if "child_id" in contract.column_names:
        record(con, contract.name,
               [(t, c) for t, cols, c, _raw in tables if "child_id" in cols], pseudonym)


def by_council(inbox: Path, names: list[str], councils: Councils) -> list[list[str]]:
    """The files no extract claimed, in groups whose newest file of each kind is in force:
    one group with one council (as ever); with several, the CSV files of each council (its
    LA column or its name), then those whose council cannot be told (their delivery fails
    with how to name them), then the other files."""
    if not councils.several:
        return [list(names)]
    groups: dict[str, list[str]] = {}
    unknown, others = [], []
    for name in names:
        if not name.lower().endswith(".csv"):
            others.append(name)
            continue
        council, _why = of_file(Path(inbox) / name, councils)
        (groups.setdefault(council, []) if council else unknown).append(name)
    return [groups[c] for c in councils.codes if c in groups] + [unknown, others]


def _la_column(path: Path) -> str | None:
    if path.suffix.lower() != ".csv":
        return None
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as f:
            header = next(csv.reader(f), [])
    except OSError:
        return None
    for name in header:
        if name.strip().lower() in LA_COLUMNS:
            return name
    return None


def _distinct(path: Path, column: str) -> set[str]:
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute(
            f"select distinct trim({q(column)}) from read_csv(?, all_varchar = true, "
            "header = true) where nullif(trim(" + q(column) + "), '') is not null "
            "and upper(trim(" + q(column) + ")) <> 'NULL'", [str(path)]).fetchall()
    except duckdb.Error:
        return set()  # unreadable here: the file's reader reports it
    finally:
        con.close()
    return {r[0] for r in rows}


__all__ = ["Councils", "check_seeds", "configured", "of_file", "of_partnership", "tag"]
