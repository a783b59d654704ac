"""The audit trail: `lscp export --unsuppressed` is recorded, `lscp audit --since` prints it,
and the log survives a publish (issue 17)."""

from __future__ import annotations

import datetime as dt
import stat

from lscp_cli.main import main
from lscp_core import audit
from tests.dashboard import fake_db


def test_unsuppressed_export_is_recorded_and_printed(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LSCP_CONFIG", raising=False)
    db = fake_db.build(tmp_path / "lscp.duckdb")
    log = audit.audit_path(db)
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "s.csv")]) == 0
    assert not log.exists()  # suppressed figures: nothing to record
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "u.csv"),
                 "--unsuppressed"]) == 0
    entries = audit.read(log)
    assert [(e["action"], e["role"], e["indicator"]) for e in entries] == [
        ("export_unsuppressed", "command line", str(tmp_path / "u.csv"))]
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    capsys.readouterr()
    assert main(["audit", "--db", str(db), "--since", "2000-01-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == list(audit.FIELDS)
    assert len(lines) == 2 and "export_unsuppressed" in lines[1]
    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    assert main(["audit", "--db", str(db), "--since", tomorrow]) == 0
    assert capsys.readouterr().out.splitlines() == ["\t".join(audit.FIELDS)]


def test_the_log_is_append_only_and_read_since_a_date(tmp_path):
    log = tmp_path / "x.audit.jsonl"
    for day in (1, 2, 3):
        audit.record(log, user="ana@example.org", role="analyst", action="page_view",
                     page="Localities", month="2025-03-31",
                     now=dt.datetime(2025, 4, day, 9, tzinfo=dt.UTC))
    log.write_text(log.read_text() + "not json\n")
    audit.record(log, user="pc@police", role="champion:POL", action="csv_download",
                 page="Agency view", now=dt.datetime(2025, 4, 4, tzinfo=dt.UTC))
    assert [e["time"][:10] for e in audit.read(log)] == [
        "2025-04-01", "2025-04-02", "2025-04-03", "2025-04-04"]
    assert [e["user"] for e in audit.read(log, since=dt.date(2025, 4, 3))] == [
        "ana@example.org", "pc@police"]
    assert audit.audited("analyst") and audit.audited("champion:POL")
    assert not audit.audited("viewer")
