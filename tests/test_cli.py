"""The command line: every sub-command explains itself, and user mistakes get one line, no traceback."""

import subprocess
import sys

import pytest

from lscp_cli.main import build_parser, main

COMMANDS = ["generate", "run", "validate", "export", "serve", "demo", "schedule"]


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "lscp_cli", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert f"lscp {command}" in out
    # the description says what it does in more than a couple of words
    assert len(out.split("\n\n")[1].split()) > 5


def test_top_level_help_lists_every_command():
    help_text = build_parser().format_help()
    for command in COMMANDS:
        assert command in help_text


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "--inbox", "/nonexistent/inbox", "--db", "x.duckdb"], "inbox /nonexistent/inbox does not exist"),
        (["export", "--db", "/nonexistent/x.duckdb", "--out", "x.csv"], "does not exist"),
        (["validate", "--inbox", "/nonexistent/inbox"], "does not exist"),
        (["serve", "--db", "/nonexistent/x.duckdb"], "does not exist"),
        (["run", "--db", "x.duckdb"], "--inbox is required"),
        (["--config", "/nonexistent/lscp.toml", "run"], "config file"),
    ],
)
def test_user_mistakes_get_one_line_and_non_zero_exit(args, message, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "lscp_cli", *args],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_argument_types_are_rejected_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--out", "x", "--children", "-3"])
    assert exc.value.code == 2
    assert "must be greater than 0" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "--inbox", "x", "--db", "y", "--as-at", "31/03/2025"])
    assert "is not a date" in capsys.readouterr().err


def _audit_log(tmp_path, entries: int):
    db = tmp_path / "lscp.duckdb"
    line = ('{"time": "2025-06-01T10:00:00+00:00", "user": "ana", "role": "analyst", '
            '"action": "page_view", "page": "Scorecard", "indicator": null, "month": "2025-05"}\n')
    (tmp_path / "lscp.duckdb.audit.jsonl").write_text(line * entries, encoding="utf-8")
    return db


def _piped(args, tmp_path, read_lines: int):
    """Run lscp with stdout into a pipe whose reader takes ``read_lines`` lines and closes it
    (``lscp ... | head -n read_lines``)."""
    proc = subprocess.Popen([sys.executable, "-m", "lscp_cli", *args], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    got = [proc.stdout.readline() for _ in range(read_lines)]
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    return proc.wait(timeout=120), got, stderr


def test_a_reader_closing_the_pipe_early_gets_no_traceback(tmp_path):
    db = _audit_log(tmp_path, 50_000)  # megabytes: far more than a pipe holds
    status, got, stderr = _piped(["audit", "--db", str(db)], tmp_path, read_lines=2)
    assert got[0].startswith(b"time\tuser\trole") and got[1].startswith(b"2025-06-01")
    assert stderr == ""
    assert status == 141


@pytest.mark.parametrize(("args", "statuses"), [
    (["--help"], (0, 141)),  # argparse itself drops a help text it cannot write
    (["audit", "--db", "lscp.duckdb"], (141,)),
])
def test_a_pipe_closed_before_any_output_ends_quietly(args, statuses, tmp_path):
    _audit_log(tmp_path, 10)
    status, _, stderr = _piped(args, tmp_path, read_lines=0)
    assert stderr == ""
    assert status in statuses
