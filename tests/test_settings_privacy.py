"""Settings that protect children's data refuse unsafe values with one clear line."""

from __future__ import annotations

import pytest

from lscp_core.errors import UserError
from lscp_core.settings import MIN_KEY_BYTES, Settings, load_settings


def _conf(tmp_path, text: str):
    path = tmp_path / "lscp.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("threshold", [0, -1, True, 2.5])
def test_a_suppression_threshold_below_1_is_refused(tmp_path, threshold):
    value = str(threshold).lower()
    with pytest.raises(UserError, match=r"threshold must be a whole number >= 1"):
        load_settings(_conf(tmp_path, f"[disclosure]\nthreshold = {value}\n"))


def test_a_threshold_of_1_is_accepted(tmp_path):
    assert load_settings(_conf(tmp_path, "[disclosure]\nthreshold = 1\n")).suppression_threshold == 1


def test_a_short_key_is_refused_from_the_environment_and_from_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LSCP_KEY", "x" * (MIN_KEY_BYTES - 1))
    with pytest.raises(UserError, match=f"31 bytes; it must be at least {MIN_KEY_BYTES}") as exc:
        Settings().key()
    assert "\n" not in str(exc.value) and "x" * 31 not in str(exc.value)  # never echoes the key
    monkeypatch.delenv("LSCP_KEY")
    key = tmp_path / "k"
    key.write_text("short\n")
    with pytest.raises(UserError, match="at least 32"):
        Settings(key_file=key).key()
    key.write_text("y" * MIN_KEY_BYTES + "\n")
    assert Settings(key_file=key).key() == b"y" * MIN_KEY_BYTES


def test_session_times_key_id_retention_and_roles_are_read(tmp_path):
    conf = load_settings(_conf(tmp_path, """
[pipeline]
key_id = "northshire-2025"
retention_months = 6
[dashboard]
session_hours = 4
idle_minutes = 10
analysts = ["A@x.gov.uk"]
[dashboard.roles]
champions = {"pc@police.example" = "police", "health-champions" = "HEALTH"}
analyst_groups = ["lscp-analysts"]
"""))
    assert (conf.key_id, conf.retention_months, conf.session_hours, conf.idle_minutes) == \
        ("northshire-2025", 6, 4.0, 10.0)
    assert conf.champions == {"pc@police.example": "POLICE", "health-champions": "HEALTH"}
    assert conf.analyst_groups == ["lscp-analysts"]
    defaults = Settings()
    assert (defaults.session_hours, defaults.idle_minutes, defaults.retention_months) == (8, 30, 13)


@pytest.mark.parametrize("line", ["idle_minutes = 0", "session_hours = -1", 'idle_minutes = "x"'])
def test_session_times_must_be_positive(tmp_path, line):
    with pytest.raises(UserError, match="must be a number > 0"):
        load_settings(_conf(tmp_path, f"[dashboard]\n{line}\n"))
