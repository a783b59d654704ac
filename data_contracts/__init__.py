"""Data contracts: one YAML file per extract (``extracts/``) and per seeds file (``seeds/``).

The YAML is the readable source of truth (see README.md). This module loads it into small
frozen dataclasses; ``data_contracts.gx_suites`` compiles the single-row rules into Great
Expectations suites and ``data_contracts.rules`` holds what GX cannot express (parsing
dates, yes/no and numbers, first-occurrence duplicates, cross-file rules, warnings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from lscp_core.settings import DEFAULT_FRESHNESS_DAYS

HERE = Path(__file__).resolve().parent

# The extracts and seeds files, in the order ingest loads them and pages list them (children
# first: the other extracts' cross-file rules look children up). Each has one YAML contract
# under extracts/ or seeds/, the single statement of its columns, types and rules.
EXTRACTS: tuple[str, ...] = ("children", "referrals", "assessments", "cin_plans", "cp_plans",
                             "looked_after", "early_help", "neglect_tools", "two_year_olds",
                             "attendance", "contacts", "s47_enquiries", "cp_reviews",
                             "health_appointments", "police_notifications", "missing_episodes",
                             "manual_measures")
SEEDS: tuple[str, ...] = ("localities", "postcode_localities", "population", "agencies",
                          "benchmarks", "targets", "manual_measures", "strategies",
                          "bank_holidays", "spc_baselines", "meetings", "councils")

# Column types -> DuckDB types of the typed src_/seed_ tables.
DUCKDB_TYPES = {
    "id": "VARCHAR",
    "string": "VARCHAR",
    "code": "VARCHAR",
    "agency": "VARCHAR",
    "code_list": "VARCHAR[]",
    "date": "DATE",
    "yes_no": "BOOLEAN",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "number": "DOUBLE",
}

# The documented order in which a row's rules are tried: a row is quarantined once, under
# the first rule it breaks (ties broken by the contract's column order). Reading a value
# comes first (a bad date in a required column is `bad_date`, not `required`).
RULE_ORDER = (
    "bad_format",  # only the row-structure form here: wrong number of fields
    "bad_date",
    "bad_yes_no",
    "bad_integer",
    "required",
    "unknown_code",
    "bad_format",
    "out_of_range",
    "bad_combination",
    "future_date",
    "end_before_start",
    "duplicate",
    "orphan_child",
    "orphan_referral",
    "before_referral",
    "unknown_measure",
    "value_mismatch",
)
PARSE_RULES = {"date": "bad_date", "yes_no": "bad_yes_no", "integer": "bad_integer",
               "bigint": "bad_integer", "number": "bad_integer"}


def rule_rank(rule: str, structural: bool = False) -> int:
    """Position of a rule in RULE_ORDER (the row-structure bad_format is first)."""
    if rule == "bad_format":
        return 0 if structural else 6
    return RULE_ORDER.index(rule)


_COLUMN_KEYS = {"name", "type", "required", "pseudonymise", "codes", "legacy", "descriptions",
                "upper", "format", "min", "max", "not_future", "note", "stored"}

# Columns that identify a child on their own or together (DPIA): never published, not even as
# a quarantined row's offending value. Every ``type: id`` column is identifying as well.
IDENTIFYING_NAMES = ("date_of_birth", "expected_date_of_birth", "postcode", "upn", "name")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    pseudonymise: bool = False
    codes: tuple[str, ...] = ()
    # accepted spellings -> code: legacy codes (sex 1/2/0/9) and descriptions (Neglect)
    aliases: tuple[tuple[str, str], ...] = ()
    upper: bool = False
    format_name: str | None = None
    format_regex: str | None = None
    min: float | None = None
    max: float | None = None
    not_future: bool = False
    note: str | None = None
    # False: checked against the contract, then stored as NULL (the UPN: a national identifier
    # that no indicator needs once the row is validated)
    stored: bool = True

    @property
    def identifying(self) -> bool:
        return (self.type == "id" or self.name in IDENTIFYING_NAMES
                or self.name.endswith(("_name", "_upn")) or "postcode" in self.name)

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Contract:
    name: str
    kind: str  # "extract" | "seed"
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    checks: tuple[dict, ...] = ()
    cross_file: tuple[dict, ...] = ()
    warnings: tuple[dict, ...] = ()
    optional: bool = False  # a seeds file the partnership may leave out (an empty table)
    # an extract's delivery rhythm: lscp_core.settings.DEFAULT_FRESHNESS_DAYS (the one default)
    expected_every_days: int | None = None
    path: Path | None = field(default=None, compare=False)

    @property
    def table(self) -> str:
        return f"src_{self.name}" if self.kind == "extract" else f"seed_{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name}")

    def column_index(self, name: str) -> int:
        return self.column_names.index(name)


def _column(spec: dict, where: str, children_data: bool = True) -> Column:
    unknown = set(spec) - _COLUMN_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    ctype = spec["type"]
    if ctype not in DUCKDB_TYPES:
        raise ValueError(f"{where}: unknown type {ctype!r}")
    aliases = {str(k): str(v) for k, v in (spec.get("legacy") or {}).items()}
    aliases.update({str(k).upper(): str(v) for k, v in (spec.get("descriptions") or {}).items()})
    fmt = spec.get("format") or {}
    return Column(
        name=spec["name"],
        type=ctype,
        required=bool(spec.get("required", False)),
        # every id of an extract (children's records) is pseudonymised unless the contract
        # says why not; seeds' ids are codes of places and agencies
        pseudonymise=bool(spec.get("pseudonymise", children_data and ctype == "id")),
        codes=tuple(str(c) for c in spec.get("codes", ())),
        aliases=tuple(sorted(aliases.items())),
        upper=bool(spec.get("upper", False)) or ctype in ("code", "code_list", "agency"),
        format_name=fmt.get("name"),
        format_regex=fmt.get("regex"),
        min=spec.get("min"),
        max=spec.get("max"),
        not_future=bool(spec.get("not_future", False)),
        note=spec.get("note"),
        stored=bool(spec.get("stored", True)),
    )


# libyaml's loader when PyYAML was built with it: the same safe loading, ~10x faster
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_contract_file(path: Path) -> Contract:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506
    kind = "extract" if "extract" in data else "seed"
    name = data[kind]
    columns = tuple(_column(c, f"{path.name}:{c.get('name')}", kind == "extract")
                    for c in data["columns"])
    contract = Contract(
        name=name,
        kind=kind,
        description=data.get("description", ""),
        columns=columns,
        key=tuple(data.get("key") or ()),
        checks=tuple(data.get("checks") or ()),
        cross_file=tuple(data.get("cross_file") or ()),
        warnings=tuple(data.get("warnings") or ()),
        optional=bool(data.get("optional", False)),
        expected_every_days=DEFAULT_FRESHNESS_DAYS.get(name) if kind == "extract" else None,
        path=path,
    )
    for col in contract.key:
        contract.column(col)  # raises on a typo
    return contract


@cache
def extract_contracts() -> dict[str, Contract]:
    """Every extract's contract, in EXTRACTS order."""
    return {name: load_contract_file(HERE / "extracts" / f"{name}.yaml") for name in EXTRACTS}


@cache
def seed_contracts() -> dict[str, Contract]:
    """Every seeds file's contract, in SEEDS order."""
    return {name: load_contract_file(HERE / "seeds" / f"{name}.yaml") for name in SEEDS}
