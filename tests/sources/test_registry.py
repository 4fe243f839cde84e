"""The registry: which reader serves a school (by its source kind) or a file (by its format)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from schoolsync.config import Settings
from schoolsync.errors import ConfigError, FileFormatError
from schoolsync.sandbox import DEMO_SCHOOL_ID, Sandbox, running_sandbox
from schoolsync.sources.base import SCHOOL_SOURCE_KINDS, no_progress
from schoolsync.sources.registry import (
    FILE_FORMATS,
    file_format,
    file_reader_for,
    reader_for,
    school_reader,
)
from tests.files.cases import CTF, ONEROSTER, STAFFCSV


@dataclass(frozen=True)
class Choices:
    import_staff: bool = True
    import_teachers: bool = True
    sync_contacts: bool = True


@dataclass(frozen=True)
class School:
    """A school as the registry sees it: a plain value, no store behind it."""

    source_kind: str
    key: str = "larkfield"
    wonde_school_id: str | None = None
    api_base_url: str | None = None
    plain_token: str | None = None
    settings: Choices = field(default_factory=Choices)

    def token(self, secret_key: bytes) -> str | None:
        return self.plain_token


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url="sqlite://",
        home=tmp_path,
        secret_key=Fernet.generate_key(),
        wonde_timeout_seconds=10,
        wonde_max_attempts=1,
    )


def test_a_wonde_school_is_read_from_its_api(settings: Settings) -> None:
    sandbox = Sandbox.demo(seed=3, pupils=12, token="registry")
    with running_sandbox(sandbox) as base_url:
        school = School(
            "wonde", wonde_school_id=DEMO_SCHOOL_ID, api_base_url=base_url, plain_token="registry"
        )
        snapshot = reader_for(school, settings)(school, None, no_progress)
        by_kind = school_reader(settings)(school, None, no_progress)
    assert snapshot.source == "wonde"
    assert len([p for p in snapshot.people if p.role == "student"]) == 12
    assert by_kind == snapshot


def test_a_school_that_imports_files_is_told_to_import_when_asked_to_sync(
    settings: Settings,
) -> None:
    school = School("files")
    read = reader_for(school, settings)  # finding the reader is fine; reading is refused
    with pytest.raises(ConfigError, match=r"School larkfield has no Wonde connection.*import"):
        read(school, None, no_progress)


def test_an_unknown_source_kind_is_named(settings: Settings) -> None:
    with pytest.raises(ConfigError, match=r"Unknown source kind 'moodle'.*wonde, files"):
        reader_for(School("moodle"), settings)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (CTF / "ctf25-full.xml", "ctf"),
        (ONEROSTER / "v1p1-bulk", "oneroster"),
        (STAFFCSV / "staff-excel.csv", "staff_csv"),
    ],
    ids=["ctf", "oneroster", "staff_csv"],
)
def test_a_file_s_format_is_spelled_as_its_snapshot_s_source(path: Path, expected: str) -> None:
    kind, read = file_reader_for(path)
    snapshot = read(School("files"), None, no_progress)
    assert kind == expected == snapshot.source
    assert kind in FILE_FORMATS


@pytest.mark.parametrize(
    ("given", "expected"),
    [("staff_csv", "staff_csv"), ("staff-csv", "staff_csv"), (" CTF ", "ctf")],
    ids=["one-spelling", "old-spelling", "any-case"],
)
def test_a_format_named_by_a_person_is_read_in_one_spelling(given: str, expected: str) -> None:
    assert file_format(given) == expected


def test_an_unknown_format_lists_the_ones_there_are() -> None:
    with pytest.raises(
        ConfigError, match="Unknown file format 'xlsx'; use one of: ctf, oneroster, staff_csv"
    ):
        file_format("xlsx")


def test_a_file_whose_format_cannot_be_told_is_refused_with_the_reason(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a school file\n")
    with pytest.raises(FileFormatError, match=r"notes\.txt"):
        file_reader_for(notes)


def test_finding_a_reader_loads_no_engine_store_cli_web_or_exports() -> None:
    # Workers and the web app find readers through the registry: sources stand on their own.
    code = (
        "import sys, schoolsync.sources.registry\n"
        "layers = ('store', 'cli', 'web', 'exports', 'pipeline', 'engine.sync')\n"
        "print(','.join(sorted(m for m in sys.modules\n"
        "    if m.startswith(tuple(f'schoolsync.{layer}' for layer in layers)))))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == ""


def test_every_registered_format_passes_the_shared_contract() -> None:
    # A source added with its registry line but no contract case would go unchecked.
    from tests.files.test_contract import SOURCE_CASES

    readers = set(FILE_FORMATS) | set(SCHOOL_SOURCE_KINDS) - {"files"}  # files: the formats
    assert readers <= set(SOURCE_CASES)
