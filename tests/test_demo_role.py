"""`lscp demo --role analyst|board|champion:AGENCY` serves the demo as that role."""

from __future__ import annotations

import pytest

from lscp_cli import serve as serve_module
from lscp_cli.main import build_parser, main
from lscp_cli.serve import streamlit_environment


@pytest.mark.parametrize("role", ["viewer", "analyst", "board", "champion:POLICE"])
def test_the_demo_takes_each_role(role):
    assert build_parser().parse_args(["demo", "--role", role]).role == role
    assert build_parser().parse_args(["demo"]).role is None  # the viewer, as before


@pytest.mark.parametrize("role", ["boss", "Board", "champion:", "champion:police"])
def test_a_role_that_is_not_one_is_refused_in_one_line(role, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--role", role, "--no-serve"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "is not a role (use viewer, analyst, board or champion:AGENCY" in err


def test_the_role_reaches_the_dashboard_through_its_environment(tmp_path):
    env = streamlit_environment(tmp_path / "lscp.duckdb", environ={"LSCP_KEY": "k" * 40},
                                role="board")
    assert env["LSCP_ROLE"] == "board" and "LSCP_KEY" not in env
    assert "LSCP_ROLE" not in streamlit_environment(tmp_path / "lscp.duckdb", environ={})


def _demo_folder(tmp_path):
    seeds = tmp_path / "partnership" / "seeds"
    (tmp_path / "partnership" / "inbox").mkdir(parents=True)
    seeds.mkdir()
    (seeds / "agencies.csv").write_text("agency_code,agency_name,sector,referral_sources\n"
                                        "POLICE,Northshire Police,Police,6\n"
                                        "HEALTH,Northshire Health,Health,3A\n", encoding="utf-8")


def test_demo_serves_as_the_role_given(tmp_path, monkeypatch):
    import pipelines.run

    _demo_folder(tmp_path)
    served = {}

    class Result:
        def summary(self):
            return "published"

    monkeypatch.setattr(pipelines.run, "run_pipeline", lambda **kw: Result())
    monkeypatch.setattr(serve_module, "serve", lambda **kw: served.update(kw) or 0)
    monkeypatch.setenv("LSCP_KEY_FILE", "")  # the demo sets its own: put back afterwards
    assert main(["demo", "--work", str(tmp_path), "--role", "champion:POLICE"]) == 0
    assert served["role"] == "champion:POLICE"


def test_a_champion_of_no_such_agency_is_named_before_the_run(tmp_path, monkeypatch, capsys):
    import pipelines.run

    _demo_folder(tmp_path)
    ran = []
    monkeypatch.setattr(pipelines.run, "run_pipeline", lambda **kw: ran.append(kw))
    monkeypatch.setenv("LSCP_KEY_FILE", "")  # the demo sets its own: put back afterwards
    assert main(["demo", "--work", str(tmp_path), "--role", "champion:POL"]) != 0
    err = capsys.readouterr().err.strip()
    assert "no such agency" in err and "POLICE, HEALTH" in err and len(err.splitlines()) == 1
    assert ran == []
