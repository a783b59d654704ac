"""The files Docker would send as the build context: ``.dockerignore`` read with Docker's own
rules (moby's patternmatcher, as BuildKit applies them), so a test can list the context
without a Docker engine.

- a pattern is matched against the path relative to the context root, whole, with ``/`` as
  the separator: ``*`` and ``?`` never cross a ``/``, ``**`` crosses any number of folders,
  ``[...]`` is a character class; a leading ``/`` or ``./`` is dropped;
- a pattern that matches a folder leaves out everything in it;
- ``!`` lets back in what an earlier pattern left out; the last pattern that matches a path
  (or one of its folders) decides.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path


def read_patterns(text: str) -> list[tuple[bool, re.Pattern]]:
    """``(exclude, regex)`` for each pattern line, in order."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exclude = not line.startswith("!")
        pattern = line if exclude else line[1:].strip()
        pattern = posixpath.normpath(pattern).lstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        out.append((exclude, re.compile(_regex(pattern))))
    return out


def _regex(pattern: str) -> str:
    out, i = "^", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):  # **/ : any number of folders, none included
                out += "(?:.*/)?"
                i += 1
            else:
                out += ".*"
            continue
        if c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out += re.escape(c)
            else:
                body = pattern[i + 1:end]
                out += "[" + ("^" + body[1:] if body.startswith("^") else body) + "]"
                i = end
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(c)
        i += 1
    return out + "$"


def excluded(rel: str, patterns: list[tuple[bool, re.Pattern]]) -> bool:
    """Docker leaves ``rel`` out of the context (it, or a folder it is in, matches last an
    exclusion)."""
    parts = rel.split("/")
    candidates = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    result = False
    for exclude, regex in patterns:
        if any(regex.match(c) for c in candidates):
            result = exclude
    return result


def context_files(root: Path, dockerignore: Path | None = None) -> list[str]:
    """Every file under ``root`` that Docker would send, relative, sorted."""
    ignore = dockerignore or root / ".dockerignore"
    patterns = read_patterns(ignore.read_text(encoding="utf-8")) if ignore.exists() else []
    sent = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            rel = Path(folder, name).relative_to(root).as_posix()
            if not excluded(rel, patterns):
                sent.append(rel)
    return sorted(sent)
