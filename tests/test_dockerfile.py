"""The image builds from what the repository has (no Docker engine here: the Dockerfile is
read, not run). Every path it COPYs from the build context or copies from /app in a RUN
step must exist and must not be left out by .dockerignore."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

from tests.support.dockerignore import excluded, read_patterns

ROOT = Path(__file__).resolve().parents[1]


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _ignored(rel: str) -> bool:
    """Left out of the context by .dockerignore, with Docker's rules (``!`` included)."""
    return excluded(rel, read_patterns((ROOT / ".dockerignore").read_text(encoding="utf-8")))


def _context_sources() -> list[str]:
    sources = []
    for word, rest in _instructions():
        if word == "COPY" and "--from" not in rest:
            args = [a for a in shlex.split(rest) if not a.startswith("--")]
            sources += [a for a in args[:-1] if a != "."]
        if word == "RUN":
            # files of the copied context used by a RUN step (cp /app/...)
            sources += [m.rstrip("/.") for m in re.findall(r"/app/([^\s;&|]+)", rest)]
    return sources


def test_every_path_the_dockerfile_copies_or_uses_exists_in_the_build_context():
    sources = _context_sources()
    assert "deploy/docker/lscp.toml" in sources and "pyproject.toml" in sources
    missing = [s for s in sources if not (ROOT / s).exists()]
    assert not missing, f"the Dockerfile uses paths the repository lacks: {missing}"
    ignored = [s for s in sources if _ignored(s)]
    assert not ignored, f".dockerignore leaves out: {ignored}"


def test_the_ignore_check_does_catch_an_ignored_path():
    assert _ignored("lscp.toml") and _ignored("a/__pycache__/x.pyc") and _ignored("tests/x.py")
    assert not _ignored("deploy/docker/lscp.toml")


def test_the_image_settings_file_is_valid_and_splits_the_stores():
    settings = tomllib.loads((ROOT / "deploy" / "docker" / "lscp.toml").read_text())
    pipeline = settings["pipeline"]
    assert Path(pipeline["work_db"]).parent != Path(pipeline["db"]).parent
    compose = (ROOT / "docker-compose.yml").read_text()
    dashboard = compose.split("  dashboard:")[1].split("  scheduler:")[0]
    assert "work:" not in dashboard  # the dashboard container never mounts the working store
