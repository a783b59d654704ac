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
    monkeypatch.setenv("LSCP_KEY", "ab" * 15 + "c")  # 31 hex characters: 124 bits
    with pytest.raises(UserError, match="31 hex characters .124 bits.; it must be at least 32"
                       ) as exc:
        Settings().key()
    assert "\n" not in str(exc.value) and "abab" not in str(exc.value)  # never echoes the key
    monkeypatch.delenv("LSCP_KEY")
    key = tmp_path / "k"
    key.write_text("0123abcd\n")
    with pytest.raises(UserError, match="8 hex characters"):
        Settings(key_file=key).key()
    key.write_text("ab" * MIN_KEY_BYTES + "\n")
    assert Settings(key_file=key).key() == b"ab" * MIN_KEY_BYTES


@pytest.mark.parametrize(("key", "why"), [
    ("correct horse battery staple and more", "passphrase is refused"),
    ("x" * 40, "passphrase is refused"),  # base64 by its letters, but one case only
    ("thisismyverylongsecretpassphrase", "passphrase is refused"),
    ("Tr0ub4dor&3-Tr0ub4dor&3-Tr0ub4dor&3", "passphrase is refused"),
    ("0123456789abcdef0123456789abcde", "31 hex characters"),
    ("q83vEjRWeJq83vEjRWeJ", "20 base64 characters .120 bits."),  # 15 bytes
    ("ünïcode-passphrase-of-some-length", "not hex or base64 text"),
])
def test_a_passphrase_or_too_little_key_material_is_refused(monkeypatch, key, why):
    monkeypatch.setenv("LSCP_KEY", key)
    with pytest.raises(UserError, match=why) as exc:
        Settings().key()
    assert "\n" not in str(exc.value) and key not in str(exc.value)
    assert "openssl rand -hex 32" in str(exc.value)


@pytest.mark.parametrize("key", [
    "0123456789abcdef0123456789abcdef",  # 32 hex: 128 bits
    "0123456789ABCDEF" * 4,
    "q83vEjRWeJq83vEjRWeJq83v",  # 24 base64 characters: 144 bits
    "q83vEjRWeJq83vEjRWeJqw==",  # 16 bytes, padded
    "Xw7_-3aKpQz9LmN0vB2cRt5uYe8",  # URL-safe, unpadded
    "u2Fq0pX8cA7mJ1rT9wK3hD5sL6nB4vE8yG0zQ2iO1aU=",  # openssl rand -base64 32
])
def test_hex_and_base64_keys_of_128_bits_are_accepted_unchanged(monkeypatch, key):
    monkeypatch.setenv("LSCP_KEY", key)
    assert Settings().key() == key.encode()  # the HMAC key as given: pseudonyms never move


def test_a_key_file_of_raw_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("LSCP_KEY", raising=False)
    key = tmp_path / "raw.key"
    key.write_bytes(bytes(range(128, 144)))  # 16 raw bytes
    assert Settings(key_file=key).key() == bytes(range(128, 144))
    key.write_bytes(bytes(range(128, 143)))
    with pytest.raises(UserError, match="15 raw bytes; it must be at least 16"):
        Settings(key_file=key).key()
    key.write_text("my secret passphrase\n")
    with pytest.raises(UserError, match="passphrase is refused"):
        Settings(key_file=key).key()


def test_the_demo_key_is_valid(tmp_path, monkeypatch):
    from lscp_core.settings import create_key_file

    monkeypatch.delenv("LSCP_KEY", raising=False)
    path = create_key_file(tmp_path / "demo" / "lscp.key")
    assert len(Settings(key_file=path).key()) == 64


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


def test_the_disclosure_audit_is_on_unless_lscp_toml_turns_it_off(tmp_path, monkeypatch):
    monkeypatch.delenv("LSCP_DISCLOSURE_AUDIT", raising=False)
    assert Settings().disclosure_audit is True
    assert load_settings(_conf(tmp_path, "[disclosure]\nthreshold = 5\n")).disclosure_audit
    off = load_settings(_conf(tmp_path, "[disclosure]\naudit = false\n"))
    assert off.disclosure_audit is False
    # $LSCP_DISCLOSURE_AUDIT sets it where lscp.toml does not say; lscp.toml's word wins
    monkeypatch.setenv("LSCP_DISCLOSURE_AUDIT", "0")
    assert Settings().disclosure_audit is False
    assert load_settings(_conf(tmp_path, "[disclosure]\nthreshold = 5\n")).disclosure_audit is False
    on = load_settings(_conf(tmp_path, "[disclosure]\naudit = true\n"))
    assert on.disclosure_audit is True
    monkeypatch.setenv("LSCP_DISCLOSURE_AUDIT", "perhaps")
    with pytest.raises(UserError, match="LSCP_DISCLOSURE_AUDIT='perhaps' must be 1 or 0"):
        Settings()
    with pytest.raises(UserError, match=r"\[disclosure\] audit must be true or false"):
        load_settings(_conf(tmp_path, '[disclosure]\naudit = "yes"\n'))
