"""`lscp validate`: the report, the exit code, and no child ids printed."""

from __future__ import annotations

import io
import json

from pipelines.ingest.validate import validate_command
from tests.support.samples import write_csv, write_seeds


def test_validate_reports_rows_and_failures_without_printing_ids(tmp_path):
    inbox, seeds = tmp_path / "inbox", write_seeds(tmp_path / "seeds")
    write_csv(inbox, "children", ["SECRET01,2015-01-01,,M,,,,", "SECRET02,bad,,M,,,,"])
    (inbox / "referrals_x.csv").write_text("referral_id;child_id\nR1;SECRET01\n")
    out = io.StringIO()
    assert validate_command(inbox, seeds, "text", out=out) == 1
    text = out.getvalue()
    assert "SECRET" not in text
    assert "children_extract.csv line 3: bad_date: date_of_birth 'bad'" in text
    assert "semicolon-delimited?" in text
    assert not list(tmp_path.glob("**/*.duckdb"))  # loads nothing

    out = io.StringIO()
    assert validate_command(inbox, seeds, "json", out=out) == 1
    report = json.loads(out.getvalue())
    assert "SECRET" not in out.getvalue()
    assert report["ok"] is False
    assert report["quarantine"] == [{"extract": "children", "file": "children_extract.csv",
                                     "line": 3, "rule": "bad_date", "column": "date_of_birth",
                                     "value": "bad"}]


def test_validate_clean_inbox_exits_zero(tmp_path):
    inbox, seeds = tmp_path / "inbox", write_seeds(tmp_path / "seeds")
    write_csv(inbox, "children", ["C1,2015-01-01,,M,,,,", "C1,2015-01-01,,M,,,,"])
    out = io.StringIO()
    assert validate_command(inbox, seeds, "json", out=out) == 0
    report = json.loads(out.getvalue())
    assert report["quarantine"][0]["value"] == "<child id>"
    assert report["quarantine_counts"] == [{"extract": "children", "rule": "duplicate", "rows": 1}]


def test_validate_reports_broken_seeds(tmp_path):
    inbox, seeds = tmp_path / "inbox", write_seeds(tmp_path / "seeds")
    inbox.mkdir()
    (seeds / "localities.csv").write_text("")
    out = io.StringIO()
    assert validate_command(inbox, seeds, "text", out=out) == 1
    assert "seeds/localities.csv: empty file" in out.getvalue()


def test_validate_checks_census_and_ssda903_files_too(tmp_path):
    from tests.support.census import child, episode, line_of, message

    inbox, seeds = tmp_path / "inbox", write_seeds(tmp_path / "seeds")
    inbox.mkdir()
    text = message(child("SECRETX1", episode("2023-05-10"), episode("2023-13-40")))
    (inbox / "cin.xml").write_text(text)
    (inbox / "903_episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN\nSECRETX1,01/04/2024,S,C2,N1,U1,PR1,01/03/2024,E11,,,,\n")
    out = io.StringIO()
    assert validate_command(inbox, seeds, "json", out=out) == 0
    assert "SECRET" not in out.getvalue()
    report = json.loads(out.getvalue())
    formats = {f["extract"]: f["source_format"] for f in report["files"]}
    assert (formats["referrals"], formats["looked_after"]) == ("cin_xml", "ssda903")
    assert {(q["file"], q["line"], q["rule"]) for q in report["quarantine"]} == {
        ("cin.xml", line_of(text, "<CINdetails>", 2), "bad_date"),
        ("903_episodes.csv", 2, "end_before_start")}
    # another authority's census fails as a file: exit code 1
    out = io.StringIO()
    assert validate_command(inbox, seeds, "text", out=out, la_code="999") == 1
    assert "census of local authority 201" in out.getvalue()


def test_validate_takes_the_inbox_from_lscp_toml_as_run_does(tmp_path, capsys):
    from lscp_cli.main import main

    inbox = tmp_path / "drop"
    write_seeds(tmp_path / "seeds")
    write_csv(inbox, "children", ["C1,2015-01-01,,M,,,,", "C2,bad,,M,,,,"])
    config = tmp_path / "lscp.toml"
    config.write_text('[pipeline]\ninbox = "drop"\nseeds = "seeds"\n')
    assert main(["--config", str(config), "validate", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["inbox"] == str(inbox)
    assert [(q["file"], q["line"], q["rule"]) for q in report["quarantine"]] == \
        [("children_extract.csv", 3, "bad_date")]
    # neither --inbox nor a configured inbox: one line saying what is missing
    config.write_text('[pipeline]\nseeds = "seeds"\n')
    assert main(["--config", str(config), "validate"]) != 0
    assert "--inbox is required (or set inbox in lscp.toml)" in capsys.readouterr().err


def test_validate_says_would_load_and_aligns_its_table(tmp_path):
    import re

    inbox, seeds = tmp_path / "inbox", write_seeds(tmp_path / "seeds")
    write_csv(inbox, "children", [f"C{i},2015-01-01,,M,,,," for i in range(1234)]
              + ["C1,bad,,M,,,,"])
    write_csv(inbox, "manual_measures", [])
    out = io.StringIO()
    assert validate_command(inbox, seeds, "text", out=out) == 0
    lines = out.getvalue().splitlines()
    table = lines[1:lines.index(next(ln for ln in lines if ln.startswith("rows ")))]
    header = table[0]
    assert header.split() == ["extract", "status", "read", "would", "load", "quarantined",
                              "superseded", "file"]
    assert not any(re.search(r"\bloaded\b", line) for line in lines)  # it loads nothing
    rows = {line.split()[0]: line for line in table[1:]}
    assert re.split(r"\s{2,}", rows["children"]) == [
        "children", "would load", "1,235", "1,234", "1", "0", "children_extract.csv"]
    assert re.split(r"\s{2,}", rows["manual_measures"])[:2] == ["manual_measures", "would load"]
    assert re.split(r"\s{2,}", rows["referrals"])[:2] == ["referrals", "missing"]
    # every column starts (text) or ends (counts) where its heading does
    starts = [header.index(h) for h in ("status", "file")]
    ends = [header.index(h) + len(h) for h in ("read", "would load", "quarantined",
                                                "superseded")]
    for line in table[1:]:
        cells = list(re.finditer(r"\S+(?: \S+)?", line))
        assert [c.start() for c in (cells[1], cells[6])] == starts, line
        assert [c.end() for c in cells[2:6]] == ends, line
    assert "rows that would load 1,234, quarantined 1" in lines
