"""Issue 25: the shipped deployments give the dashboard a writable audit log (the audit
fails closed, so an unwritable one would leave analysts with the restricted view)."""

from __future__ import annotations

import tomllib
from pathlib import PurePosixPath

import yaml

from tests.test_dockerfile import ROOT


def _under(path: PurePosixPath, folders) -> bool:
    return any(path == PurePosixPath(f) or PurePosixPath(f) in path.parents for f in folders)


def _unit(name: str) -> dict[str, list[str]]:
    text = (ROOT / "deploy" / "systemd" / name).read_text(encoding="utf-8")
    service: dict[str, list[str]] = {}
    section = None
    for line in text.splitlines():  # systemd allows a key many times: keep every value
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            service.setdefault(key, []).extend(value.split())
    return service


def test_the_systemd_dashboard_can_write_the_audit_log_of_the_example_settings():
    settings = tomllib.loads((ROOT / "lscp.example.toml").read_text(encoding="utf-8"))
    log = PurePosixPath(settings["dashboard"]["audit_log"])
    db = PurePosixPath(settings["pipeline"]["db"])
    unit = _unit("lscp-dashboard.service")
    assert unit["ProtectSystem"] == ["strict"]  # everything else read-only
    writable = unit.get("ReadWritePaths", [])
    assert _under(log.parent, writable), (log, writable)
    assert not _under(db, writable)  # the published database stays read-only to it
    assert unit.get("UMask") == ["0077"]


def test_the_compose_dashboard_mounts_the_audit_log_writable():
    settings = tomllib.loads((ROOT / "deploy" / "docker" / "lscp.toml").read_text())
    log = PurePosixPath(settings["dashboard"]["audit_log"])
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    dashboard = compose["services"]["dashboard"]
    assert dashboard["read_only"] is True
    mounts = [v.split(":") for v in dashboard["volumes"]]
    writable = [m[1] for m in mounts if len(m) == 2 or m[2] != "ro"]
    assert _under(log.parent, writable), (log, mounts)
    db = PurePosixPath(settings["pipeline"]["db"])
    assert not _under(db, writable)
    assert "audit" in compose["volumes"]
