"""Every third-party OneRoster set in ../shared/cases/oneroster (several broken on purpose):
each reads to a Snapshot or a clean FileFormatError, as a folder and as a zip; never anything
else. What the sets are is in shared/cases/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from schoolsync.errors import FileFormatError
from schoolsync.model import Snapshot
from schoolsync.sources.files.detect import detect_format
from schoolsync.sources.registry import read_file
from tests.conftest import SHARED
from tests.files.cases import zip_folder

SETS = SHARED / "cases" / "oneroster"
NAMES = sorted(p.name for p in SETS.iterdir() if p.is_dir()) if SETS.is_dir() else []


def _set(name: str) -> Path:
    return SETS / name


def test_the_shared_oneroster_cases_are_here() -> None:
    """Without them every parametrised test below would vanish silently: fail instead."""
    assert SETS.is_dir(), f"{SETS} is not here: shared/ cases come beside the project checkout"
    assert NAMES


def _read(path: Path) -> Snapshot | FileFormatError:
    assert detect_format(path) == "oneroster"
    try:
        return read_file(path)
    except FileFormatError as exc:
        return exc


@pytest.mark.parametrize("name", NAMES or ["(shared cases absent)"])
def test_every_shared_set_reads_cleanly(name: str, tmp_path: Path) -> None:
    folder = _set(name)
    as_folder = _read(folder)
    as_zip = _read(zip_folder(folder, tmp_path / f"{name}.zip"))
    if isinstance(as_folder, FileFormatError):
        assert isinstance(as_zip, FileFormatError)
        assert as_folder.file.startswith(name)
        return
    assert as_zip == as_folder or _same_but_for_labels(as_folder, as_zip)
    assert as_folder.source == "oneroster"
    assert as_folder.people, "every shared set has users"


def _same_but_for_labels(a: Snapshot, b: Snapshot) -> bool:
    """Issues name the package ("x/users.csv" or "x.zip/users.csv"); nothing else differs."""
    strip = [issue.message.split("/", 1)[-1] for issue in a.read_issues]
    return a.people == b.people and strip == [i.message.split("/", 1)[-1] for i in b.read_issues]


def test_quirks_of_the_real_sets_are_tolerated() -> None:
    lepo = read_file(_set("lepo-roster-hub-v1p1-en"))
    # The typo key "fiel.demographics" and metadata.* columns are ignored; us0001 and us0002
    # are students enrolled as teachers, which is reported rather than believed.
    assert len([p for p in lepo.people if p.role == "student"]) == 20
    assert all(c.teacher_ids == () for c in lepo.classes)
    assert len([i for i in lepo.read_issues if "enrolled as a teacher" in i.message]) == 5

    oat = read_file(_set("oat-sa-oneroster-import-v1p1"))
    # Header-only files without a newline, 1.0 columns (agents, userSourcedId), odd order.
    assert {p.source_id for p in oat.people} == {"user1", "user2"}
    assert oat.subjects == ()
    assert {c.source_id: c.student_ids for c in oat.classes} == {
        "class1": ("user1",),
        "class2": ("user1",),
        "class3": ("user2",),
    }

    full = read_file(_set("catalyst-moodle-v1p2-full"))
    # userprofiles.csv (lower case, empty in the manifest) is absent; roles.csv has a
    # misspelt column and short rows; users.csv misspells preferred* and has D/MM/YYYY dates.
    mary = next(p for p in full.people if p.source_id == "usr-222-66778899")
    assert (mary.role, mary.forename, mary.legal_forename) == ("student", "MJ", "Mary")
    assert {p.role for p in full.people} == {"student", "teacher", "staff"}

    delta = read_file(_set("catalyst-moodle-v1p2-delta"))
    assert delta.complete is False
    (bruce,) = delta.people
    assert (bruce.forename, bruce.surname, str(bruce.date_of_birth)) == (
        "Bruce",
        "Wayne",
        "2010-04-17",
    )

    v1p1 = read_file(_set("catalyst-moodle-v1p1-full"))
    # A bulk file's tobedeleted homeroom is simply not there; "Scheduled" is scheduled.
    assert [c.source_id for c in v1p1.classes] == ["cls-222-123456"]
    assert v1p1.groups == () and v1p1.deletions == ()
