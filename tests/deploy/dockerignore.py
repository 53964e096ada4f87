"""Which files a ``docker build`` of the repo would send, by the rules of .dockerignore.

Docker's semantics for the patterns used here: each line is a path pattern relative to the
context (``*`` and ``?`` within one path segment, ``**`` any number of segments); a pattern
that matches a file or any folder above it decides for that file; later lines win, and a
line starting with ``!`` takes files back in.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def rules(text: str) -> list[tuple[bool, re.Pattern[str]]]:
    """(takes back in, pattern) for each line of a .dockerignore file."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = os.path.normpath(line[1:].strip() if negate else line).lstrip("/")
        out.append((negate, re.compile(_regex(pattern))))
    return out


def _regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out.append(pattern[i:end + 1])
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out) + r"\Z"


def excluded(path: str, compiled: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether the file at ``path`` (relative, with /) is left out of the context."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    result = False
    for negate, pattern in compiled:
        if any(pattern.match(p) for p in prefixes):
            result = not negate
    return result


def context_files(root: Path) -> set[str]:
    """Every file under ``root`` that the build context would hold."""
    compiled = rules((root / ".dockerignore").read_text())
    files = set()
    for folder, _dirs, names in os.walk(root):
        for name in names:
            rel = (Path(folder) / name).relative_to(root).as_posix()
            if not excluded(rel, compiled):
                files.add(rel)
    return files
