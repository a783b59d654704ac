"""``[packs] at_publish`` (and $LSCP_PACKS_AT_PUBLISH): whether ``lscp run`` builds the newest
month's board packs after it publishes. On by default, as before the setting existed."""

from __future__ import annotations

from pathlib import Path

import pytest

import lscp_cli.pack
import pipelines.run
from lscp_cli.main import main
from lscp_core.errors import UserError
from lscp_core.settings import PACKS_AT_PUBLISH_ENV, Settings, load_settings, packs_at_publish


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(PACKS_AT_PUBLISH_ENV, raising=False)
    monkeypatch.delenv("LSCP_CONFIG", raising=False)
    return monkeypatch


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lscp.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_on_by_default_and_off_when_the_file_says_so(tmp_path, no_env):
    assert Settings().packs_at_publish is True
    assert packs_at_publish(load_settings(_config(tmp_path, "[pipeline]\nlock_wait = 0\n")))
    off = load_settings(_config(tmp_path, "[packs]\nat_publish = false\n"))
    assert off.packs_at_publish is False and not packs_at_publish(off)


@pytest.mark.parametrize("value", ['"no"', "0", '"false"'])
def test_a_setting_that_is_not_true_or_false_is_one_clear_error(tmp_path, no_env, value):
    with pytest.raises(UserError, match=r"\[packs\] at_publish must be true or false"):
        load_settings(_config(tmp_path, f"[packs]\nat_publish = {value}\n"))


@pytest.mark.parametrize("raw, wanted", [("0", False), ("false", False), ("1", True),
                                         ("TRUE", True), ("", True)])
def test_the_environment_wins_over_the_file(no_env, raw, wanted):
    no_env.setenv(PACKS_AT_PUBLISH_ENV, raw)
    assert packs_at_publish(Settings(packs_at_publish=True)) is wanted
    if raw:
        assert packs_at_publish(Settings(packs_at_publish=False)) is wanted


def test_a_wrong_environment_value_is_one_clear_error(no_env):
    no_env.setenv(PACKS_AT_PUBLISH_ENV, "maybe")
    with pytest.raises(UserError, match="must be 1 or 0"):
        packs_at_publish(Settings())


class _Published:
    def summary(self) -> str:
        return "published"


@pytest.mark.parametrize("config, env, built", [
    ("", None, True),  # the default: packs after every publish, as before
    ("[packs]\nat_publish = false\n", None, False),
    ("[packs]\nat_publish = false\n", "1", True),
    ("", "0", False),
])
def test_lscp_run_builds_the_packs_only_when_asked(tmp_path, no_env, capsys, config, env, built):
    runs, packs = [], []
    no_env.setattr(pipelines.run, "run_pipeline", lambda **kw: runs.append(kw) or _Published())
    no_env.setattr(lscp_cli.pack, "build_published_packs", lambda db, *a, **k: packs.append(db))
    if env is not None:
        no_env.setenv(PACKS_AT_PUBLISH_ENV, env)
    path = _config(tmp_path, config)
    db = tmp_path / "lscp.duckdb"
    assert main(["--config", str(path), "run", "--inbox", str(tmp_path), "--db", str(db)]) == 0
    assert len(runs) == 1
    assert packs == ([db] if built else [])
    err = capsys.readouterr().err
    assert ("[packs] at_publish is off" in err) is (not built)


def test_a_wrong_environment_value_stops_before_the_run(tmp_path, no_env, capsys):
    runs = []
    no_env.setattr(pipelines.run, "run_pipeline", lambda **kw: runs.append(kw) or _Published())
    no_env.setenv(PACKS_AT_PUBLISH_ENV, "sometimes")
    code = main(["--config", str(_config(tmp_path, "")), "run", "--inbox", str(tmp_path),
                 "--db", str(tmp_path / "x.duckdb")])
    assert code != 0 and runs == []
    assert "LSCP_PACKS_AT_PUBLISH='sometimes' must be 1 or 0" in capsys.readouterr().err
