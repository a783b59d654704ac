"""The command line: every sub-command explains itself, and user mistakes get one line, no traceback."""

import subprocess
import sys

import pytest

from pipelines.cli.main import build_parser, main

COMMANDS = ["generate", "run", "validate", "export", "serve", "demo", "schedule"]


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
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
        [sys.executable, "-m", "pipelines.cli", *args],
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
