"""The generated whole-school uploads (used by tests/files/measure.py) read as they should."""

from __future__ import annotations

from pathlib import Path

from schoolsync.sources.registry import read_file
from tests.files.generate import write


def test_generated_school_reads_in_both_formats(tmp_path: Path) -> None:
    ctf, package = write(60, tmp_path)
    from_ctf = read_file(ctf)
    from_oneroster = read_file(package)
    assert len([p for p in from_ctf.people if p.role == "student"]) == 60
    assert from_ctf.read_issues == ()
    assert all(p.attendance is not None for p in from_ctf.people if p.role == "student")
    pupils = [p for p in from_oneroster.people if p.role == "student"]
    assert len(pupils) == 60 and from_oneroster.read_issues == ()
    assert len(from_oneroster.contact_links) == 120
    assert sum(len(c.student_ids) for c in from_oneroster.classes) == 600
    assert {p.year_group for p in pupils} == {"7", "8", "9", "10", "11"}
