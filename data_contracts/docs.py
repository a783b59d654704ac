"""The extracts' column reference (``data_contracts/EXTRACTS.md``), written from the contracts.

    python -m data_contracts.docs          # rewrite EXTRACTS.md
    python -m data_contracts.docs --check  # exit 1 when EXTRACTS.md is stale (make test)

The YAML contracts are the single statement of every extract's columns; this page is derived
from them so the documentation cannot drift from what ingest enforces.
"""

from __future__ import annotations

import sys

from data_contracts import HERE, Contract, extract_contracts, seed_contracts

DOC_FILE = HERE / "EXTRACTS.md"


def _rules(column) -> str:
    parts = []
    if column.required:
        parts.append("required")
    if column.pseudonymise:
        parts.append("pseudonymised")
    if not column.stored:
        parts.append("checked, then not stored")
    if column.codes:
        shown = ", ".join(f"`{c}`" for c in column.codes[:12])
        parts.append(f"codes {shown}" + (f" (+{len(column.codes) - 12} more)"
                                         if len(column.codes) > 12 else ""))
    if column.aliases:
        parts.append("also accepts " + ", ".join(f"`{a}`→`{c}`" for a, c in column.aliases[:6])
                     + (" …" if len(column.aliases) > 6 else ""))
    if column.format_name:
        parts.append(f"format {column.format_name} (`{column.format_regex}`)")
    if column.min is not None or column.max is not None:
        parts.append(f"range {column.min if column.min is not None else '…'}"
                     f"–{column.max if column.max is not None else '…'}")
    if column.not_future:
        parts.append("not in the future")
    if column.note:
        parts.append(str(column.note))
    return "; ".join(parts).replace("|", "\\|")


def _section(contract: Contract) -> list[str]:
    lines = [f"## `{contract.name}`", "", " ".join(contract.description.split())
             + (" (Optional: may be left out.)" if contract.optional else ""), ""]
    if contract.key:
        lines += [f"Key: {', '.join(f'`{k}`' for k in contract.key)}.", ""]
    if contract.expected_every_days:
        lines += [f"A new file is expected at least every {contract.expected_every_days} days.",
                  ""]
    lines += ["| column | type | DuckDB type | rules |", "|---|---|---|---|"]
    lines += [f"| `{c.name}` | {c.type} | {c.duckdb_type} | {_rules(c)} |"
              for c in contract.columns]
    return lines + [""]


def render() -> str:
    lines = ["# Extracts and seeds: column reference", "",
             "Generated from `data_contracts/extracts/*.yaml` and `data_contracts/seeds/*.yaml` by",
             "`python -m data_contracts.docs`; do not edit by hand (a test fails when it is stale).",
             "", "# Extracts", ""]
    for contract in extract_contracts().values():
        lines += _section(contract)
    lines += ["# Seeds", ""]
    for contract in seed_contracts().values():
        lines += _section(contract)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not DOC_FILE.exists() or DOC_FILE.read_text(encoding="utf-8") != text:
            print(f"{DOC_FILE.name} is stale: run `python -m data_contracts.docs`", file=sys.stderr)
            return 1
        return 0
    DOC_FILE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
