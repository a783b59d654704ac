"""``lscp generate --councils 2``: a fictional partnership of two councils.

Each council is a whole generated partnership of its own (its own seed stream, half the
children), written as its councils send files: the social-care extracts as that council's
CIN census XML (one file per collection year, ``Header/Source/LEA`` its code, the code also
in the file name), the other extracts as lscp's CSVs named ``<extract>_<la_code>_<YYYY-MM>.csv``
(spec/inputs.md, "Partnerships of several councils"). Both councils number their children
(``SHARED``): every fifth child of the second council has an id the first council also uses
for one of its children, so the same ``LAchildID`` is in both councils' files: two children.

The codes 991 and 992 are made up (no English local authority has them), like the places:
Northshire keeps its localities and NS postcodes; Southmoor gets five localities of its own
and SM postcodes (not a UK postcode area either). The seeds folder gets ``councils.csv`` and
each locality's ``la_code``; ``lscp.toml`` needs ``la_code = ["991", "992"]``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipelines.synthetic import reference, writers
from pipelines.synthetic.timeline import Window


@dataclass(frozen=True)
class Council:
    la_code: str
    name: str
    area: str  # postcode area of its places
    localities: tuple[reference.Locality, ...]


def _renamed(names: dict[str, tuple[str, str]]) -> tuple[reference.Locality, ...]:
    """Southmoor's localities: Northshire's characters under new codes and names."""
    return tuple(replace(loc, code=names[loc.code][0], name=names[loc.code][1])
                 for loc in reference.LOCALITIES)


COUNCILS: tuple[Council, ...] = (
    Council("991", "Northshire", "NS", reference.LOCALITIES),
    Council("992", "Southmoor", "SM", _renamed({
        "NGT": ("MLB", "Millbrook"), "EMR": ("ASV", "Ashford Vale"),
        "SBR": ("RDC", "Redcliffe"), "WFL": ("HLN", "Hollins"),
        "KMR": ("STB", "Stonebridge")})),
)
POSTCODE_COLUMNS = ("postcode",)
SHARED = 5  # every SHARED-th child of a later council gets an id of the first council's
MAX_COUNCILS = len(COUNCILS)


def _moved(table: pa.Table, area: str) -> pa.Table:
    """The council's postcodes: the NS area of the generator replaced by its own."""
    if area == "NS":
        return table
    for column in POSTCODE_COLUMNS:
        if column in table.column_names:
            i = table.column_names.index(column)
            moved = pc.replace_substring_regex(table.column(column), pattern="^[Nn][Ss]",
                                               replacement=area)
            table = table.set_column(i, column, moved)
    return table


def _sharing_ids(extracts: dict[str, pa.Table], first: list[str]) -> dict[str, pa.Table]:
    """A later council's extracts with every SHARED-th child (by id) renamed to an id of the
    first council's children that this council does not use: the same id, another child."""
    own = sorted(set(extracts["children"].column("child_id").to_pylist()))
    free = [i for i in first if i not in set(own)]
    renamed = dict(zip(own[::SHARED], free, strict=False))
    if not renamed:
        return extracts
    out = {}
    for name, table in extracts.items():
        if "child_id" in table.column_names:
            i = table.column_names.index("child_id")
            ids = [renamed.get(v, v) for v in table.column("child_id").to_pylist()]
            table = table.set_column(i, "child_id", pa.array(ids, pa.string()))
        out[name] = table
    return out


def write_partnership(seed: int, out: Path, children: int, window: Window, say,
                      councils: int) -> dict[str, int]:
    """Write ``councils`` councils' files into ``out/inbox`` and their seeds; rows written
    per extract (all councils together)."""
    from pipelines.synthetic import build
    from pipelines.synthetic.census import CENSUS_EXTRACTS, write_census

    inbox = out / "inbox"
    stamp = f"{window.end:%Y-%m}"
    written: dict[str, int] = {}
    share = children // councils
    first: list[str] = []
    for k, council in enumerate(COUNCILS[:councils]):
        say(f"council {council.la_code} {council.name}")
        extracts = {e: _moved(t, council.area)
                    for e, t in build.model(seed + k, share, window, say).items()}
        if k == 0:
            first = sorted(set(extracts["children"].column("child_id").to_pylist()))
        else:
            extracts = _sharing_ids(extracts, first)
        for name in write_census(extracts, inbox, council.la_code,
                                 f"{council.la_code}_{stamp}", ssda903=False):
            say(f"wrote {name}")
        for extract, table in extracts.items():
            if extract not in CENSUS_EXTRACTS or extract in ("looked_after", "missing_episodes"):
                writers.write_csv(table, inbox / f"{extract}_{council.la_code}_{stamp}.csv")
            written[extract] = written.get(extract, 0) + len(table)
    build.write_seeds(out / "seeds", children, window)
    _write_seeds(out / "seeds", share, window, COUNCILS[:councils])
    return written


def _write_seeds(seeds_dir: Path, share: int, window: Window,
                 councils: tuple[Council, ...]) -> None:
    """The places of every council: councils.csv, localities with their la_code, postcodes
    and population."""
    writers.write_rows([{"la_code": c.la_code, "name": c.name} for c in councils],
                       ["la_code", "name"], seeds_dir / "councils.csv")
    writers.write_rows([{"locality_code": loc.code, "locality_name": loc.name,
                         "la_code": c.la_code,
                         "idaci_decile": reference.IDACI_DECILE[base.code]}
                        for c in councils
                        for base, loc in zip(reference.LOCALITIES, c.localities, strict=True)],
                       ["locality_code", "locality_name", "la_code", "idaci_decile"],
                       seeds_dir / "localities.csv")
    postcodes, population = [], []
    for c in councils:
        codes = {n.code: loc.code for n, loc in zip(reference.LOCALITIES, c.localities,
                                                    strict=True)}
        for row in reference.postcode_locality_rows():
            postcodes.append({"postcode_prefix": c.area + row["postcode_prefix"][2:],
                              "locality_code": codes[row["locality_code"]]})
        for row in reference.population_rows(share, window.calendar_years, window.end.year):
            population.append({**row, "locality_code": codes[row["locality_code"]]})
    writers.write_rows(postcodes, ["postcode_prefix", "locality_code"],
                       seeds_dir / "postcode_localities.csv")
    writers.write_rows(population, ["locality_code", "year", "population_0_17"],
                       seeds_dir / "population.csv")
