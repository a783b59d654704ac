"""The ingest's bookkeeping tables and its result object.

``archive_files`` remembers every file loaded (SHA-256, rows, when, and which version of
each extract is in force), ``land_rejects`` the row-level rejects of the files in force,
``load_report`` / ``quarantine`` one run's account of every extract (history of the last
runs kept). Column lists here are the interface the dashboard and the run history read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KEEP_RUNS = 20

TABLES = {
    "archive_files": [
        ("extract", "VARCHAR"), ("file", "VARCHAR"), ("sha256", "VARCHAR"), ("rows", "BIGINT"),
        ("loaded_at", "TIMESTAMP"), ("run_id", "VARCHAR"), ("in_force", "BOOLEAN"),
        ("key_fingerprint", "VARCHAR"), ("extra_columns", "VARCHAR"), ("encoding", "VARCHAR"),
        # csv | xlsx | cin_xml | ssda903 | ssd; several joined with " + "
        ("source_format", "VARCHAR"),
        # a delivery of several files: each file's SHA-256 (" + "), so the scheduler knows
        # them as loaded; ``sha256`` is then their combined fingerprint
        ("part_sha256s", "VARCHAR"),
        ("part_rows", "VARCHAR"),  # each file's rows read, for an extract sent in parts
        # what the reader of a statutory format counted (JSON: readers/ssda903.Account):
        # episodes read and superseded, periods formed, ISO dates and NULL cells
        ("account", "VARCHAR"),
    ],
    "land_rejects": [
        ("extract", "VARCHAR"), ("file", "VARCHAR"), ("line", "BIGINT"), ("rule", "VARCHAR"),
        ("column", "VARCHAR"), ("value", "VARCHAR"),
    ],
    "load_report": [
        ("run_id", "VARCHAR"), ("extract", "VARCHAR"), ("file", "VARCHAR"), ("sha256", "VARCHAR"),
        ("rows_read", "BIGINT"), ("rows_loaded", "BIGINT"), ("rows_quarantined", "BIGINT"),
        ("status", "VARCHAR"), ("message", "VARCHAR"), ("extra_columns", "VARCHAR"),
        ("warnings", "VARCHAR"), ("loaded_at", "TIMESTAMP"), ("reported_at", "TIMESTAMP"),
        ("source_format", "VARCHAR"),
        # cells read leniently (spec/inputs.md, General rules; neither is a quarantine):
        # dates written ISO YYYY-MM-DD, and cells holding NULL read as empty
        ("iso_dates", "BIGINT"), ("null_cells", "BIGINT"),
        # rows another copy replaces (a newer collection year's, or another source's with the
        # same id): rows_read = rows_loaded + rows_quarantined + rows_superseded
        ("rows_superseded", "BIGINT"),
    ],
    "quarantine": [
        ("run_id", "VARCHAR"), ("extract", "VARCHAR"), ("file", "VARCHAR"), ("line", "BIGINT"),
        ("rule", "VARCHAR"), ("column", "VARCHAR"), ("value", "VARCHAR"),
    ],
}


def create_tables(con) -> None:
    for name, cols in TABLES.items():
        body = ", ".join(f'"{c}" {t}' for c, t in cols)
        con.execute(f'create or replace table {name} ({body})')


def _carried(con, previous: str, name: str) -> str:
    """The columns of ``name`` the previous database has (one built before a column was
    added leaves it NULL)."""
    have = {r[0] for r in con.execute(
        "select column_name from duckdb_columns() where database_name = ? and table_name = ?",
        [previous, name]).fetchall()}
    return ", ".join(f'"{c}"' for c, _ in TABLES[name] if c in have)


def carry_history(con, previous: str | None, prev_tables: set[str]) -> None:
    """Copy archive_files (all) and the last runs' load_report / quarantine from ``previous``."""
    if not previous:
        return
    for name in ("archive_files",):
        if name in prev_tables:
            cols = _carried(con, previous, name)
            con.execute(f"insert into {name} ({cols}) select {cols} from {previous}.{name}")
    if "load_report" not in prev_tables:
        return
    con.execute(
        f"create or replace temp table _kept_runs as select run_id from {previous}.load_report "
        f"group by run_id order by max(reported_at) desc limit {KEEP_RUNS - 1}"
    )
    for name in ("load_report", "quarantine"):
        if name in prev_tables:
            cols = _carried(con, previous, name)
            con.execute(
                f"insert into {name} ({cols}) select {cols} from {previous}.{name} "
                f"where run_id in (select run_id from _kept_runs)"
            )


@dataclass(frozen=True, kw_only=True)
class ReportRow:
    """One ``load_report`` row: its fields are the table's columns, by name."""

    run_id: str
    extract: str
    status: str  # loaded | unchanged | missing | failed | refused (an inbox entry unread)
    message: str
    reported_at: object  # datetime: this run's
    file: str | None = None
    sha256: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    extra_columns: str | None = None
    warnings: str | None = None
    loaded_at: object | None = None  # datetime: when the file in force was loaded
    source_format: str | None = None
    iso_dates: int | None = None
    null_cells: int | None = None
    rows_superseded: int = 0


def write_report_row(con, row: ReportRow) -> None:
    """Insert one load_report row (the only writer of the table's rows)."""
    columns = [c for c, _ in TABLES["load_report"]]
    con.execute(f"insert into load_report values ({', '.join('?' * len(columns))})",
                [getattr(row, c) for c in columns])


@dataclass(frozen=True, kw_only=True)
class FileFailure:
    """A file that failed as a whole (the version before it stays in force)."""

    file: str
    sha256: str
    message: str


@dataclass(frozen=True, kw_only=True)
class InForce:
    """The version of an extract whose rows are in force."""

    file: str
    sha256: str
    loaded_at: object  # datetime
    extra_columns: str | None = None
    key_fingerprint: str | None = None
    source_format: str | None = None
    part_sha256s: str | None = None
    part_rows: str | None = None
    account: str | None = None  # JSON of readers.ssda903.Account


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """A file being loaded now: what the archive and the report record of it."""

    file: str
    sha256: str
    rows: int
    extra_columns: str
    encoding: str
    source_format: str = "csv"  # csv | xlsx | cin_xml | ssda903 | ssd ("a + b": several)
    part_sha256s: str | None = None  # each file's, for a delivery of several
    part_rows: str | None = None  # each file's rows read, for an extract sent in parts
    account: str | None = None  # JSON of readers.ssda903.Account


@dataclass
class ExtractOutcome:
    """What happened to one extract in this run."""

    extract: str
    status: str  # loaded | unchanged | missing | failed (load_report.status)
    message: str  # for load_report
    note: str  # the progress line
    force: InForce | None = None  # the version in force after this run, if any
    failures: list[FileFailure] = field(default_factory=list)
    delivery: Delivery | None = None  # set when a file is loaded now
    parsed: object | None = None  # pipelines.ingest.extract.Parsed while GX checks it
    read_warnings: str = ""  # what the reader read leniently (census: true/false, ...)
    parts: list = field(default_factory=list)  # sources.PartReport per agency's part
    # (TEMP table, file names) of the episodes of each period formed (readers/ssda903.py)
    members: list = field(default_factory=list)

    @classmethod
    def missing(cls, *, extract: str, force: InForce | None) -> ExtractOutcome:
        """No file in the inbox; ``force``: the version kept in force, if any."""
        message = "no file in the inbox"
        if force is not None:
            message += f"; {force.file} stays in force"
        return cls(extract=extract, status="missing", message=message, note="no file",
                   force=force)

    @classmethod
    def unchanged(cls, *, extract: str, message: str, note: str, force: InForce,
                  parts: list) -> ExtractOutcome:
        """The delivery's content is already loaded: the version in force stays."""
        return cls(extract=extract, status="unchanged", message=message, note=note,
                   force=force, parts=parts)

    @classmethod
    def failed(cls, *, extract: str, failures: list[FileFailure], note: str,
               force: InForce | None) -> ExtractOutcome:
        """The newer delivery failed as a whole; ``force``: the version kept, if any."""
        files = [f.file for f in failures]
        named = ("file " if len(files) == 1 else "files ") + ", ".join(files)
        return cls(extract=extract, status="failed",
                   message=f"kept in force: the newer {named} failed", note=note,
                   force=force, failures=failures)

    @classmethod
    def loaded(cls, *, extract: str, message: str, note: str, parsed, delivery: Delivery,
               read_warnings: str) -> ExtractOutcome:
        """A delivery read now, parsed (GX checks it) and to be put in force."""
        return cls(extract=extract, status="loaded", message=message, note=note,
                   parsed=parsed, delivery=delivery, read_warnings=read_warnings)


def files_failed(n: int) -> str:
    """"1 file failed", "2 files failed"."""
    return f"{n} file{'' if n == 1 else 's'} failed"


@dataclass
class IngestResult:
    run_id: str
    reports: list[dict] = field(default_factory=list)  # this run's load_report rows
    rows_loaded: int = 0
    rows_quarantined: int = 0
    file_failures: list[str] = field(default_factory=list)
    top_rules: list[tuple[str, str, int]] = field(default_factory=list)  # (extract, rule, n)
    ignored_files: list[str] = field(default_factory=list)
    # inbox entries refused unread, (name, why): symbolic links, special files
    refused_files: list[tuple[str, str]] = field(default_factory=list)
    # why an extract delivered in a statutory format has no rows ("no period of care formed:
    # ..."): said again when the run publishes nothing
    explanations: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    # what the registered readers take, in words (readers/registry.recognised)
    recognised: str = ""
    outcomes: dict[str, ExtractOutcome] = field(default_factory=dict, repr=False)

    def summary_lines(self, dry_run: bool = False) -> list[str]:
        """A compact load summary: one line per extract, failures, the commonest rules.

        ``dry_run`` (``lscp validate``, which loads nothing) says "would load" where a run
        says "loaded". The table's columns are as wide as their widest cell, two spaces
        apart, so no extract name, status or count runs into the next."""
        loaded = "would load" if dry_run else "loaded"
        header = ["extract", "status", "read", loaded, "quarantined", "superseded", "file"]
        rows = []
        for r in self.reports:
            fmt = r.get("source_format")
            shown = f" ({fmt})" if fmt and fmt != "csv" else ""  # where it came from
            status = loaded if r["status"] == "loaded" else r["status"]
            rows.append([r["extract"], status, f"{r['rows_read']:,}", f"{r['rows_loaded']:,}",
                         f"{r['rows_quarantined']:,}", f"{r.get('rows_superseded') or 0:,}",
                         f"{r['file'] or '-'}{shown}"])
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
        lines = ["  ".join([*(cell.ljust(w) if i < 2 else cell.rjust(w)
                              for i, (cell, w) in enumerate(zip(row[:-1], widths, strict=True))),
                            row[-1]]) for row in [header, *rows]]
        lines.append(f"rows {'that would load' if dry_run else 'loaded'} {self.rows_loaded:,}, "
                     f"quarantined {self.rows_quarantined:,}")
        if self.top_rules:
            top = ", ".join(f"{e}/{rule} {n:,}" for e, rule, n in self.top_rules[:6])
            lines.append(f"top quarantine rules: {top}")
        if self.file_failures:  # one line per failed file, with the extracts it delivers
            lines.append(f"{files_failed(len(self.file_failures))}:")
        for failure in self.file_failures:
            lines.append(f"FAILED {failure}")
        for r in self.reports:
            read = [f"{r[c]:,} {what}" for c, what in (("iso_dates", "ISO dates"),
                                                      ("null_cells", "NULL cells as empty"))
                    if r.get(c)]
            if read:
                lines.append(f"read {r['extract']}: {', '.join(read)} ({r['file']})")
            if r.get("source_format") and "ssda903" in r["source_format"] and \
                    r["status"] != "failed" and r["message"] != "loaded":
                lines.append(f"{r['extract']}: {r['message']}")
            if r.get("extra_columns") and "SSDA903 table, not used" in r["extra_columns"]:
                lines.append(r["extra_columns"][r["extra_columns"].index("SSDA903 table"):])
        warned = [r for r in self.reports if r.get("warnings")]
        for r in warned:
            lines.append(f"warning {r['extract']}: {r['warnings']}")
        for name, why in self.refused_files:
            lines.append(f"refused {name}: {why}")
        if self.ignored_files:
            lines.append(f"ignored (not {self.recognised}, or an older file): "
                         + ", ".join(self.ignored_files[:10]))
        return lines
