"""Cross-file rules and warnings, applied every run (a new children file changes which
referrals are orphans). A rule that looks up an extract which failed with nothing in force is
not applied; the load report's warnings say which checks were not made and why."""

from __future__ import annotations

from data_contracts import extract_contracts, rules
from data_contracts.rules import lit, q
from data_contracts.schema import SRC_TABLES
from pipelines.ingest.report import (
    IngestResult,
)


def apply(con, unchecked: dict[str, str] | None = None) -> None:
    """src_<extract> = rows in force minus those failing a cross-file rule (in order). A rule
    looking up an extract in ``unchecked`` (failed, nothing in force) is not applied: its
    rows are not orphans of a file that could not be read."""
    unchecked = unchecked or {}
    con.execute('create or replace temp table cross_fails (extract VARCHAR, file VARCHAR, '
                '_line BIGINT, rule VARCHAR, "column" VARCHAR, value VARCHAR)')
    for extract, contract in extract_contracts().items():
        if not contract.cross_file:
            continue  # settled straight into src_<extract>
        land = f"land_{extract}"
        sent = rules.sent_as_text(contract)
        for rule, (rule_name, column, sql) in zip(
                contract.cross_file, rules.cross_file_failures(contract, land), strict=True):
            if not_checked(rule, unchecked):
                continue
            value = (f"coalesce(l.{q('_sent_' + column)}, l.{q(column)}::VARCHAR)"
                     if column in sent else f"l.{q(column)}::VARCHAR")
            con.execute(
                f"insert into cross_fails select {lit(extract)}, l._file, l._line, "
                f"{lit(rule_name)}, {lit(column)}, {value} from {land} l "
                f"where l._line in ({sql}) and l._line not in "
                f"(select _line from cross_fails where extract = {lit(extract)})"
            )
        cols = ", ".join(q(c) for c, _ in SRC_TABLES[extract])
        con.execute(
            f"insert into src_{extract} select {cols} from {land} where _line not in "
            f"(select _line from cross_fails where extract = {lit(extract)}) order by _line"
        )


def failed_without_rows(result: IngestResult) -> dict[str, str]:
    """{extract: why} for the extracts whose delivery failed with no version in force."""
    return {extract: "its file " + ", ".join(dict.fromkeys(f.file for f in o.failures))
            + " failed and no earlier version is in force"
            for extract, o in result.outcomes.items()
            if o.status == "failed" and o.force is None and o.failures}


def _parent(rule: dict) -> str | None:
    """The extract a cross-file rule or warning looks up (None: a seed, or none)."""
    ref = rule.get("references") or rule.get("same_as")
    parent = ref.split(".")[0] if ref else None
    return parent if parent in extract_contracts() else None


def not_checked(rule: dict, unchecked: dict[str, str]) -> str | None:
    """The extract a rule or warning would look up, when that extract is ``unchecked``."""
    parent = _parent(rule)
    return parent if parent in unchecked else None


def warnings(con, extract: str, unchecked: dict[str, str] | None = None) -> str:
    """The warnings' counts, and the cross-file checks that could not be made and why."""
    unchecked = unchecked or {}
    contract = extract_contracts()[extract]
    skipped: dict[str, list[str]] = {}  # the extract looked up: the checks not made
    for rule in contract.cross_file:
        if (parent := not_checked(rule, unchecked)):
            skipped.setdefault(parent, []).append(rule["rule"])
    found = []
    for warning, (message, sql) in zip(
            contract.warnings, rules.warning_queries(contract, f"src_{extract}"), strict=True):
        if (parent := not_checked(warning, unchecked)):
            skipped.setdefault(parent, []).append(f"'{message}'")
            continue
        n = con.execute(sql).fetchall()[0][0]
        if n:
            found.append(f"{n:,} rows: {message}")
    return "; ".join([f"not checked against {parent} ({unchecked[parent]}): "
                      + ", ".join(checks) for parent, checks in skipped.items()] + found)
