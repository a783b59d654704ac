"""Readers plug in: each reader module declares what it recognises and which extracts it
supplies, and the inbox asks readers/registry.py; a new format is one module and one entry
there (here a toy format, registered for the test only)."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
from pathlib import Path

import pyarrow as pa

from data_contracts.schema import EXTRACTS
from pipelines.ingest import readers
from pipelines.ingest.readers import registry
from pipelines.ingest.readers.parts import Part, Source, SourceFile
from pipelines.ingest.readers.reader import COUNCIL, NAMED, Reader
from pipelines.ingest.readers.tabular import sha256_file
from tests.support.census import write
from tests.support.ingesting import Ingesting, report

KEY = b"readers-test-key-not-secret-0123456789"
INGEST = Ingesting(KEY)
pid, run = INGEST.pid, INGEST.run


def test_every_reader_module_is_registered_once_and_declares_itself():
    declared = []
    for info in pkgutil.iter_modules(readers.__path__):
        module = importlib.import_module(f"{readers.__name__}.{info.name}")
        if isinstance(getattr(module, "READER", None), Reader):
            declared.append(module.READER)
    assert sorted(r.format for r in declared) == sorted(r.format for r in registry.READERS)
    assert len({r.format for r in registry.READERS}) == len(registry.READERS)
    assert [r.scope for r in registry.READERS].count(NAMED) == 1
    for reader in registry.READERS:
        assert reader.recognises and reader.how and callable(reader.discover), reader
        assert reader.supplies and set(reader.supplies) <= set(EXTRACTS), reader
        assert reader.extensions and all(e.startswith(".") for e in reader.extensions), reader
    # what the scheduler watches for: every registered reader's files
    assert registry.extensions() == (".csv", ".xlsx", ".xml")


def test_the_ignored_line_names_what_the_registered_readers_take():
    assert registry.recognised() == \
        "<extract>_*.csv|.xlsx, CIN census XML, SSDA903 or SSD tables"


# --- a toy format: a JSON list of contacts, "<anything>.contacts.json" --------------------

COLUMNS = ("contact_id", "child_id", "contact_date", "contact_source", "outcome")


class ContactsJson(Source):
    format = "toy_json"

    def __init__(self, file: SourceFile):
        self.file = file

    def files(self, extract: str) -> list[SourceFile]:
        return [self.file] if extract == "contacts" else []

    def parts(self, con, extract: str) -> list[Part]:
        records = json.loads(self.file.path.read_text(encoding="utf-8"))
        table = pa.table({"_line": pa.array(range(1, len(records) + 1), pa.int64()),
                          **{c: pa.array([r.get(c) for r in records], pa.string())
                             for c in COLUMNS}})
        con.register("_toy_rows", table)
        con.execute("create or replace temp table toy_contacts as select * from _toy_rows")
        con.unregister("_toy_rows")
        return [Part("toy_contacts", COLUMNS, self.file.name, self.format)]


def discover(inbox: Path, names: list[str]) -> tuple[ContactsJson | None, list[str]]:
    mine = sorted(n for n in names if n.lower().endswith(".contacts.json"))
    if not mine:
        return None, names
    path = Path(inbox) / mine[-1]
    source = ContactsJson(SourceFile(path, path.stat().st_mtime, sha256_file(path)))
    return source, [n for n in names if n != mine[-1]]


TOY = Reader(format="toy_json", recognises="contacts as JSON",
             how="*.contacts.json: a list of objects", extensions=(".json",),
             supplies=("contacts",),
             scope=COUNCIL, discover=discover)


def test_a_registered_reader_delivers_its_extract_through_the_same_rules(folders,
                                                                          monkeypatch):
    inbox, seeds = folders
    write(inbox, "front_door.contacts.json", json.dumps([
        {"contact_id": "K1", "child_id": "C1", "contact_date": "2025-01-02",
         "contact_source": "1A", "outcome": "NFA"},
        {"contact_id": "K2", "child_id": "C2", "contact_date": "31/02/2025",
         "outcome": "REFERRAL"},
        {"contact_id": "K3", "child_id": "C1", "contact_date": "03/01/2025",
         "outcome": "OTHER"}]))
    write(inbox, "notes.txt", "not a delivery\n")
    # without the reader registered its file is ignored, and the extract has none
    _con, result = run(inbox, seeds)
    assert "front_door.contacts.json" in result.ignored_files
    assert report(result, "contacts")["status"] == "missing"
    monkeypatch.setattr(registry, "READERS", (*registry.READERS, TOY))
    con, result = run(inbox, seeds)
    assert result.ignored_files == ["notes.txt"]
    r = report(result, "contacts")
    assert (r["status"], r["file"], r["source_format"]) == \
        ("loaded", "front_door.contacts.json", "toy_json")
    assert (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) == (3, 2, 1)
    assert con.execute("select contact_id, child_id, contact_date from src_contacts "
                       "order by contact_date").fetchall() == [
        (pid("K1"), pid("C1"), dt.date(2025, 1, 2)), (pid("K3"), pid("C1"), dt.date(2025, 1, 3))]
    assert con.execute("select file, line, rule, \"column\" from quarantine "
                       "where extract = 'contacts'").fetchall() == [
        ("front_door.contacts.json", 2, "bad_date", "contact_date")]
    assert "contacts as JSON" in "\n".join(result.summary_lines())
