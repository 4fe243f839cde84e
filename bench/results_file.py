"""bench/results.md holds every bench's figures, each bench's in its own section between two
markers, so a bench rewrites its own figures and never another's, nor the notes written by hand
around them (`bench/run.py` once rewrote the whole file and dropped the web pages' figures).

    <!-- bench:sync -->
    ...written by bench/run.py...
    <!-- /bench:sync -->
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"


def with_section(document: str, name: str, body: str) -> str:
    """`document` with section `name` holding `body`, everything else as it was; a section not
    there yet is added at the end. Pure."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    section = f"{begin}\n{body.strip()}\n{end}"
    if document.count(begin) > 1 or document.count(end) > 1:
        raise ValueError(f"{RESULTS.name}: the section {name!r} is marked more than once")
    if begin not in document:
        if end in document:
            raise ValueError(f"{RESULTS.name}: {end} has no {begin} before it")
        kept = document.rstrip()
        return f"{kept}\n\n{section}\n" if kept else f"{section}\n"
    head, rest = document.split(begin, 1)
    if end not in rest:
        raise ValueError(f"{RESULTS.name}: {begin} has no {end} after it")
    return head + section + rest.split(end, 1)[1]


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    document = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(with_section(document, name, body), encoding="utf-8")


def machine() -> str:
    """The machine the figures come from, and how busy it was: speed varies with both."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in _cpuinfo().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} cores ({model}), Python "
        f"{platform.python_version()}, {platform.system()}, load average {load} when it started"
    )


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return ""
