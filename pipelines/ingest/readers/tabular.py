"""Inbox files: discovery, file-level checks, encodings, and reading into DuckDB as text.

Every extract file becomes a TEMP table of VARCHAR columns named as in its contract, plus
``_line`` (the file's line number, header = line 1; for .xlsx the sheet row). CSV is read by
DuckDB's streaming reader (never row by row in Python); Windows-1252 is transcoded to UTF-8
in chunks first. Rows DuckDB cannot split into the header's fields are kept as
structural rejects. .xlsx is read from the first sheet with fastexcel, all as text.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from data_contracts.rules import is_null_word
from data_contracts.schema import EXTRACTS
from lscp_core.errors import UserError
from pipelines.ingest.readers.reader import NAMED, Reader

CHUNK = 1 << 20
EXTENSIONS = (".csv", ".xlsx")


class FileRejected(Exception):
    """A file-level failure: the whole file is refused; the message is one plain line."""


@dataclass
class InboxFile:
    extract: str
    path: Path
    mtime: float
    older: list[Path] = field(default_factory=list)  # other files of the extract, not loaded


@dataclass
class RawFile:
    table: str  # TEMP table: contract columns as VARCHAR + _line
    rows_read: int
    extra_columns: list[str]
    # (line, message) of rows that could not be split into fields; a reader of another format
    # may add (line, value, rule, column) for a record it could not turn into a row
    rejects: list[tuple]
    encoding: str
    # TEMP objects to drop when done: ("view" | "table", name)
    cleanup: list[tuple[str, str]] = field(default_factory=list)
    iso_dates: int = 0  # date cells written YYYY-MM-DD (accepted; counted in the load report)
    null_cells: int = 0  # cells holding NULL (any case): read as empty, counted

    def drop(self, con) -> None:
        for kind, name in self.cleanup:
            con.execute(f"drop {kind} if exists {name}")


def normalise_header(name: str) -> str:
    """Header matching ignores case, surrounding spaces, and spaces vs underscores."""
    return re.sub(r"[\s_]+", "_", name.replace("\ufeff", "").strip().lower())


def not_regular(mode: int) -> str | None:
    """Why an inbox entry of this ``lstat`` mode is refused, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "not a regular file: a symbolic link, not followed"
    kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    return f"not a regular file: {kind}, not read"


def inbox_entries(inbox: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The one place the inbox is listed: its regular files (names starting with "." and
    folders left out), and the entries refused unread, (name, why): symbolic links (never
    followed: a link to the key file would publish its hash) and special files."""
    regular, refused = [], []
    try:
        with os.scandir(inbox) as it:
            for entry in it:
                if entry.name.startswith("."):
                    continue
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    continue
                why = not_regular(mode)
                if why:
                    refused.append((entry.name, why))
                else:
                    regular.append(Path(inbox) / entry.name)
    except OSError as exc:
        raise UserError(f"cannot read inbox {inbox}: {exc.strerror}") from None
    return regular, sorted(refused)


def discover(inbox: Path, extracts) -> tuple[dict[str, InboxFile], list[str],
                                             list[tuple[str, str]]]:
    """Newest .csv/.xlsx per extract (by modification time, then name), ignored names, and
    the entries refused unread (``inbox_entries``)."""
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise UserError(f"inbox {inbox} does not exist or is not a folder")
    entries, refused = inbox_entries(inbox)
    by_length = sorted(extracts, key=len, reverse=True)  # longest prefix first
    found: dict[str, list[tuple[float, str, Path]]] = {}
    ignored = []
    for path in entries:
        lower = path.name.lower()
        extract = next((e for e in by_length if lower.startswith(e + "_")), None)
        if extract is None or not lower.endswith(EXTENSIONS):
            ignored.append(path.name)
            continue
        found.setdefault(extract, []).append((path.stat().st_mtime, path.name, path))
    chosen = {}
    for extract, files in found.items():
        files.sort()
        mtime, _name, newest = files[-1]
        chosen[extract] = InboxFile(extract, newest, mtime, [p for _m, _n, p in files[:-1]])
    return chosen, sorted(ignored), refused


def _no_follow(path, flags):
    """An ``open`` opener that refuses a symbolic link (one put in after the inbox was
    listed): nothing outside the inbox is ever hashed."""
    return os.open(path, flags | os.O_NOFOLLOW)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb", opener=_no_follow) as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Scan:
    sha256: str
    size: int
    utf8: bool
    bom: bool
    data_lines: int  # physical lines after the header, trailing blank lines ignored
    head: bytes
    has_null: bool = False  # the word NULL (any case) somewhere: cells are checked for it


def scan_file(path: Path) -> Scan:
    """One streamed pass: SHA-256, UTF-8 validity, BOM, and the number of physical lines."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    digest = hashlib.sha256()
    utf8 = True
    newlines = 0
    size = 0
    head = b""
    tail = b""
    has_null = False
    with open(path, "rb", opener=_no_follow) as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            if not has_null:  # (a word cut by the chunk's end: the tail is looked at again)
                has_null = b"null" in (tail[-3:] + chunk).lower()
            if not head:
                head = chunk[:65536]
            size += len(chunk)
            newlines += chunk.count(b"\n")
            tail = (tail + chunk[-4096:])[-4096:]
            if utf8 and not (chunk.isascii() and not decoder.getstate()[0]):
                # (plain ASCII with no character split before it is valid UTF-8: no decoding)
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    stripped = tail.rstrip(b"\r\n\t ")
    trailing_newlines = tail[len(stripped):].count(b"\n")
    lines = newlines - trailing_newlines + (1 if stripped else 0)
    return Scan(digest.hexdigest(), size, utf8, head.startswith(codecs.BOM_UTF8),
                max(lines - 1, 0), head, has_null)


def _looks_binary(head: bytes) -> bool:
    if b"\0" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return controls > max(2, len(head) // 100)


def _check_header(fields: list[str], contract) -> tuple[list[str], list[str]]:
    """Normalised header and the extra columns; raises FileRejected on a bad header."""
    names = [normalise_header(f) for f in fields]
    if not any(names):
        raise FileRejected("empty file")
    for sep, label in ((";", "semicolon"), ("\t", "tab")):
        if len(names) == 1 and sep in fields[0]:
            raise FileRejected(
                f"{label}-delimited? the header has no commas; save the file as CSV with "
                "commas between columns (Excel: 'CSV UTF-8 (Comma delimited)')")
    seen = set()
    known = set(contract.column_names)
    for n in names:
        if n in known and n in seen:  # which of the two to load? (extra ones are only listed)
            raise FileRejected(f"duplicated column: {n}")
        seen.add(n)
    missing = [c for c in contract.required_columns if c not in seen]
    extra = [f.strip() or f"(unnamed column {i + 1})" for i, (f, n) in
             enumerate(zip(fields, names, strict=True)) if n not in known]
    if missing:
        label = "column" if len(missing) == 1 else "columns"
        raise FileRejected(f"missing required {label}: {', '.join(missing)}"
                           + _instead(missing, [n for n in names if n and n not in known]))
    return names, extra


def _instead(missing: list[str], unknown: list[str]) -> str:
    """What the header has instead of the missing columns: each unrecognised column near a
    missing one ("`date_of_referral`: did you mean `referral_date`?"), else the unrecognised
    columns found; "" when there is none."""
    if not unknown:
        return ""
    import difflib

    def nearness(a: str, b: str) -> float:  # spelling, or the same words in another order
        words_a, words_b = set(a.split("_")), set(b.split("_"))
        return max(difflib.SequenceMatcher(None, a, b).ratio(),
                   len(words_a & words_b) / len(words_a | words_b))

    guesses, left = [], list(unknown)
    for want in missing:
        scored = sorted(((nearness(want, u), u) for u in left), reverse=True)
        if scored and scored[0][0] >= 0.5:
            guesses.append(f"`{scored[0][1]}`: did you mean `{want}`?")
            left.remove(scored[0][1])
    if guesses:
        return "; " + "; ".join(guesses)
    shown = ", ".join(unknown[:8]) + (f" and {len(unknown) - 8} more" if len(unknown) > 8 else "")
    return f"; the header has instead: {shown}"


def _select_contract_columns(names: list[str], contract, source: dict[str, str],
                             nulls: bool = False) -> str:
    """Contract columns in order; those absent from the file are NULL. ``nulls``: a cell
    holding the word NULL (any case) is empty (spec/inputs.md, General rules)."""
    cols = []
    for c in contract.column_names:
        if c in names:
            v = source[c]
            expr = (f"case when {is_null_word(f'trim({v})')} then NULL else {v} end"
                    if nulls else v)
            cols.append(f'{expr} as "{c}"')
        else:
            cols.append(f'NULL::VARCHAR as "{c}"')
    return ", ".join(cols)


def count_cells(con, relation: str, source: dict[str, str], date_columns, nulls: bool
                ) -> tuple[int, int]:
    """(ISO-date cells of the date columns, NULL cells of every column) of ``relation``,
    whose columns ``source`` names (contract column -> SQL column)."""
    # (LIKE, not a regular expression: four times cheaper on a large extract; a cell
    # shaped like an ISO date that is not a real one is still counted as written ISO)
    iso = [f"count(*) filter (where ltrim({source[c]}) like '____-__-__%')"
           for c in date_columns if c in source]
    null = [f"count(*) filter (where {is_null_word(f'trim({v})')})"
            for v in source.values()] if nulls else []
    if not iso and not null:
        return 0, 0
    row = con.execute(f"select {' + '.join(iso) or '0'}, {' + '.join(null) or '0'} "
                      f"from {relation}").fetchall()[0]
    return int(row[0] or 0), int(row[1] or 0)


def _date_columns(contract) -> list[str]:
    return [c.name for c in contract.columns if c.type == "date"]


def read_file(con, path: Path, contract, table: str, workdir: Path,
              scan: Scan | None = None) -> RawFile:
    """Read one extract (or seeds) file into TEMP table ``table``; FileRejected on failure.

    ``scan`` is the file's scan_file() when the caller already has it (for the SHA-256)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(con, path, contract, table)
    return _read_csv(con, path, contract, table, workdir, scan or scan_file(path))


def check_csv(path: Path, contract, scan: Scan | None = None) -> None:
    """The file-level checks made before a CSV's rows are read (empty, binary, its header):
    FileRejected when one fails; no row is read."""
    _csv_header(scan or scan_file(path), contract)


def _csv_header(scan: Scan, contract) -> tuple[list[str], list[str]]:
    if scan.size == 0 or not scan.head.strip():
        raise FileRejected("empty file")
    if scan.head.startswith(b"PK\x03\x04") or _looks_binary(scan.head):
        raise FileRejected("not a CSV or XLSX file (binary content)")
    body = scan.head[len(codecs.BOM_UTF8):] if scan.bom else scan.head
    first_line = re.split(rb"\r\n|\n|\r", body, maxsplit=1)[0]
    text = first_line.decode("utf-8" if scan.utf8 else "cp1252", errors="replace")
    fields = next(csv.reader([text]), [])
    return _check_header(fields, contract)


def _read_csv(con, path: Path, contract, table: str, workdir: Path, scan: Scan) -> RawFile:
    names, extra = _csv_header(scan, contract)

    source = path
    if not scan.utf8:  # transcode Windows-1252 to UTF-8 in chunks (a BOM before it dropped)
        fd, tmp = tempfile.mkstemp(suffix=".csv", dir=workdir)
        with open(path, "rb") as src, os.fdopen(fd, "wb") as dst:
            if scan.bom:
                src.read(len(codecs.BOM_UTF8))
            while chunk := src.read(CHUNK):  # one byte is one character: chunks split anywhere
                dst.write(chunk.decode("cp1252", errors="replace").encode("utf-8"))
        source = Path(tmp)
    try:
        if b"\r" in scan.head and b"\n" not in scan.head:
            # old Mac line ends (Excel's "CSV (Macintosh)"): DuckDB would see one long line
            return _load_csv_python(con, source, contract, table, names, extra,
                                    _encoding_label(scan), scan.has_null)
        return _load_csv_text(con, source, contract, table, names, extra,
                              _encoding_label(scan), scan.data_lines, scan.has_null)
    finally:
        if source != path:
            source.unlink(missing_ok=True)


def _encoding_label(scan: Scan) -> str:
    return ("utf-8 with BOM" if scan.bom else "utf-8") if scan.utf8 else "windows-1252"


def _load_csv_text(con, source: Path, contract, table, names, extra, encoding, data_lines,
                   nulls=False):
    width = len(names)
    cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    rej, scan_t = f"{table}_rejects", f"{table}_scans"
    con.execute(
        f"create or replace temp table {table}_csv as select * from read_csv(?, columns={cols}, "
        f"header=true, delim=',', quote='\"', escape='\"', auto_detect=false, "
        f"strict_mode=true, null_padding=false, store_rejects=true, rejects_table='{rej}', "
        f"rejects_scan='{scan_t}', encoding='utf-8')",
        [str(source)],
    )
    good = con.execute(f"select count(*) from {table}_csv").fetchall()[0][0]
    rejects = con.execute(
        f"select line, arg_min(lower(error_type) || ': ' || error_message, column_idx) "
        f"from {rej} group by line order by line"
    ).fetchall()
    rejected_lines = {line for line, _m in rejects}
    src_cols = {n: f"c{i}" for i, n in enumerate(names) if n}
    select = _select_contract_columns(names, contract, src_cols, nulls)
    if good + len(rejected_lines) != data_lines:
        # blank lines or line breaks inside quoted values: DuckDB's record numbers are not
        # file lines, so count lines exactly with Python's csv module (rare, slower).
        con.execute(f"drop table {table}_csv")
        return _load_csv_python(con, source, contract, table, names, extra, encoding, nulls)
    iso, null = count_cells(con, f"{table}_csv", src_cols, _date_columns(contract), nulls)
    if rejected_lines:
        # the good rows fill the lines left after the rejected ones, in order
        con.execute(
            f"create or replace temp table {table} as with lines as ("
            f"select range as _line, row_number() over (order by range) as k "
            f"from range(2, {data_lines + 2}) where range not in (select line from {rej})), "
            f"rows as (select *, rowid + 1 as k from {table}_csv) "
            f"select lines._line, {select} from rows join lines using (k)"
        )
        con.execute(f"drop table {table}_csv")
        cleanup = [("table", table)]
    else:  # one record per line: the line is the row's position (a view: no copy)
        con.execute(
            f"create or replace temp view {table} as "
            f"select rowid + 2 as _line, {select} from {table}_csv"
        )
        cleanup = [("view", table), ("table", f"{table}_csv")]
    messages = [(int(line), _reject_message(msg, width)) for line, msg in rejects]
    return RawFile(table, good + len(messages), extra, messages, encoding, cleanup, iso, null)


def _reject_message(message: str, width: int) -> str:
    found = re.search(r"Found: (\d+)", message)
    if found:
        return f"row has {found.group(1)} fields, the header has {width}"
    return message.split(":")[0].strip() or "row could not be read"


def _load_csv_python(con, source, contract, table, names, extra, encoding,
                     nulls=False) -> RawFile:
    import pyarrow as pa

    width = len(names)
    src_cols = {n: f"c{i}" for i, n in enumerate(names) if n}
    select = _select_contract_columns(names, contract, src_cols, nulls)
    schema = pa.schema([("_line", pa.int64())] + [(f"c{i}", pa.string()) for i in range(width)])
    con.execute(f"create or replace temp table {table}_csv ("
                + ", ".join(["_line BIGINT"] + [f"c{i} VARCHAR" for i in range(width)]) + ")")
    rejects: list[tuple[int, str]] = []
    rows_read = 0
    batch: list[list] = []
    lines: list[int] = []

    def flush():
        if not batch:
            return
        arrays = [pa.array(lines, pa.int64())] + [
            pa.array([r[i] if r[i] != "" else None for r in batch], pa.string())
            for i in range(width)]
        con.register(f"{table}_chunk", pa.Table.from_arrays(arrays, schema=schema))
        con.execute(f"insert into {table}_csv select * from {table}_chunk")
        con.unregister(f"{table}_chunk")
        batch.clear()
        lines.clear()

    with open(source, encoding="utf-8-sig", newline="") as f:
        physical = _PushbackLines(f)
        reader = csv.reader(physical)
        next(reader, None)
        line = len(physical.taken)  # physical lines read so far: the header's
        while True:
            physical.taken = []
            try:
                row = next(reader)
                problem = None
            except StopIteration:
                break
            except csv.Error as exc:
                row, problem = None, f"row could not be read ({exc})"
            start, taken = line + 1, physical.taken
            if row and len(row) > width and not any(row[width:]):
                row = row[:width]  # empty fields after the last (a trailing comma), as DuckDB
            if problem is None and row and len(row) != width and len(taken) > 1:
                problem = "a quote opened on this line is never closed"
            if problem is not None and len(taken) > 1:
                # the broken record swallowed the lines after it: only its own line is bad,
                # the others are read again
                physical.give_back(taken[1:])
                taken = taken[:1]
            line += len(taken)
            if problem is not None:
                rows_read += 1
                rejects.append((start, problem))
                continue
            if not row:
                continue  # a blank line is not a row
            rows_read += 1
            if len(row) != width:
                rejects.append((start, f"row has {len(row)} fields, the header has {width}"))
                continue
            batch.append(row)
            lines.append(start)
            if len(batch) >= 50_000:
                flush()
        flush()
    iso, null = count_cells(con, f"{table}_csv", src_cols, _date_columns(contract), nulls)
    con.execute(f"create or replace temp table {table} as select _line, {select} from {table}_csv")
    con.execute(f"drop table {table}_csv")
    return RawFile(table, rows_read, extra, rejects, encoding, [("table", table)], iso, null)


class _PushbackLines:
    """A file's physical lines for csv.reader, remembering the lines each record took, so
    that the lines a broken record swallowed can be given back and read again."""

    def __init__(self, f):
        self._f = f
        self._back: list[str] = []
        self.taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._back.pop() if self._back else next(self._f)
        self.taken.append(line)
        return line

    def give_back(self, lines: list[str]) -> None:
        self._back.extend(reversed(lines))


def _first_sheet_row(path: Path) -> int:
    """The sheet row of the first non-empty row, from the first worksheet's <dimension>
    (best effort: 1 when the workbook does not say)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if not names:
                return 1
            name = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else names[0]
            with z.open(name) as f:
                head = f.read(4096).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, KeyError):
        return 1
    found = re.search(r'<dimension ref="[A-Z]+(\d+)', head)
    return int(found.group(1)) if found else 1


def _read_xlsx(con, path: Path, contract, table: str) -> RawFile:
    import fastexcel
    import pyarrow as pa
    import pyarrow.compute as pc

    with open(path, "rb") as f:
        magic = f.read(4)
    if not magic:
        raise FileRejected("empty file")
    if magic != b"PK\x03\x04":
        raise FileRejected("not a CSV or XLSX file (not an Excel workbook)")
    try:
        reader = fastexcel.read_excel(str(path))
        sheet = reader.load_sheet(0, header_row=None, dtypes="string")
        data = sheet.to_arrow()
    except Exception as exc:  # fastexcel raises its own error types
        raise FileRejected(f"unreadable workbook: {str(exc).splitlines()[0][:200]}") from None
    if data.num_rows == 0:
        raise FileRejected("empty file")
    columns = [data.column(i) for i in range(data.num_columns)]
    header = [(c[0].as_py() or "") for c in columns]
    names, extra = _check_header(header, contract)
    body = [c.slice(1) for c in columns]
    # a date typed as text YYYY-MM-DD (a real date cell arrives with its time: below)
    src_cols = {n: f"c{i}" for i, n in enumerate(names) if n}
    dates = {src_cols[c] for c in _date_columns(contract) if c in src_cols}
    iso = sum(pc.sum(pc.match_substring_regex(c, r"^\s*\d{4}-\d{2}-\d{2}\s*$")).as_py() or 0
              for i, c in enumerate(body) if f"c{i}" in dates)
    nulls = [pc.sum(pc.match_substring_regex(c, r"^\s*(?i:null)\s*$")).as_py() or 0
             for c in body]
    null = sum(nulls)
    # real date cells arrive as 'YYYY-MM-DD HH:MM:SS' (a time of day when the cell has
    # one): keep the date
    body = [pc.replace_substring_regex(c, r"^(\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$", r"\1")
            for c in body]
    first = _first_sheet_row(path)  # calamine drops leading empty rows; the lines must not
    lines = pa.array(range(first + 1, first + data.num_rows), pa.int64())
    arrow = pa.Table.from_arrays([lines] + body, names=["_line"] + [f"c{i}" for i in range(len(body))])
    blank = None
    for c in body:  # a wholly blank sheet row is not a row
        empty = pc.or_kleene(pc.is_null(c), pc.equal(pc.utf8_trim_whitespace(c), ""))
        empty = pc.fill_null(empty, True)
        blank = empty if blank is None else pc.and_(blank, empty)
    if blank is not None:
        arrow = arrow.filter(pc.invert(blank))
    select = _select_contract_columns(names, contract, src_cols, null > 0)
    con.register(f"{table}_arrow", arrow)
    con.execute(f"create or replace temp table {table} as select _line, {select} from {table}_arrow")
    con.unregister(f"{table}_arrow")
    return RawFile(table, arrow.num_rows, extra, [], "xlsx", [("table", table)], iso, null)


def format_of(path: Path) -> str:
    """csv | xlsx: the format of an extract's own file."""
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"


def fingerprint(path: Path) -> tuple[Scan | None, str]:
    """A CSV file's scan (its SHA-256, encoding and lines, read once), and the file's SHA-256."""
    scan = scan_file(path) if path.suffix.lower() == ".csv" else None
    return scan, (scan.sha256 if scan else sha256_file(path))


def check_head(con, path: Path, contract, workdir: Path, scan: Scan | None = None) -> None:
    """FileRejected when the file fails as a whole (nothing is loaded): a CSV's head, what
    fails a file before any row is read; an .xlsx read whole."""
    if path.suffix.lower() == ".csv":
        check_csv(path, contract, scan)
    else:
        read_file(con, path, contract, f"checked_{contract.name}", workdir)


READER = Reader(
    format="csv, xlsx", recognises="<extract>_*.csv|.xlsx",
    how="the file name: <extract>_<anything>.csv or .xlsx, the longest extract name first",
    extensions=EXTENSIONS,
    supplies=EXTRACTS, scope=NAMED, discover=discover)
