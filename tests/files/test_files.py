"""Telling the formats apart, and the reader a sync is given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from schoolsync.errors import ConfigError, FileFormatError
from schoolsync.sources.files.detect import detect_format
from schoolsync.sources.registry import file_reader_for, read_file
from tests.files.cases import CTF, ONEROSTER, STAFFCSV, write_zip, zip_folder


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (CTF / "ctf25-full.xml", "ctf"),
        (CTF / "ctf17-gender-namespace.xml", "ctf"),  # comment before, namespace on the root
        (CTF / "ctf23-bom-crlf.xml", "ctf"),
        (ONEROSTER / "v1p1-bulk", "oneroster"),
        (STAFFCSV / "staff-excel.csv", "staff_csv"),
    ],
)
def test_detects_each_format_by_content(path: Path, expected: str) -> None:
    assert detect_format(path) == expected


def test_detects_zips_and_files_with_misleading_names(tmp_path: Path) -> None:
    package = zip_folder(ONEROSTER / "v1p2-bulk", tmp_path / "export.dat")
    assert detect_format(package) == "oneroster"
    renamed = tmp_path / "pupils.csv"
    renamed.write_bytes((CTF / "ctf25-full.xml").read_bytes())
    assert detect_format(renamed) == "ctf"
    prefixed = tmp_path / "ctf.xml"
    prefixed.write_bytes(b"<?xml version='1.0'?>\n<ns:CTfile xmlns:ns='urn:x'></ns:CTfile>")
    assert detect_format(prefixed) == "ctf"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "notes.txt",
            b"Dear admin,\nhere are the pupils.\n",
            "is not in a format schoolsync reads",
        ),
        ("ATF.xml", b"<?xml version='1.0'?><ATfile/>", "is XML whose root is <ATfile>"),
        ("users.csv", b"sourcedId,status,givenName\n", "is a single OneRoster CSV"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a file schoolsync can read"),
        ("empty.csv", b"", "is not in a format schoolsync reads"),
    ],
)
def test_anything_else_says_what_was_expected(
    tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FileFormatError) as caught:
        detect_format(path)
    text = str(caught.value)
    assert text.startswith(f"{name}: {message}")
    assert "Common Transfer File" in text or "OneRoster" in text


def test_zips_that_are_not_packages(tmp_path: Path) -> None:
    workbook = write_zip(tmp_path / "staff.xlsx", [("[Content_Types].xml", b"<Types/>")])
    with pytest.raises(FileFormatError, match="Excel workbook"):
        detect_format(workbook)
    photos = write_zip(tmp_path / "photos.zip", [("a.jpg", b"x")])
    with pytest.raises(FileFormatError, match=r"zip without manifest\.csv"):
        detect_format(photos)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileFormatError, match=r"folder without manifest\.csv"):
        detect_format(tmp_path / "empty")
    with pytest.raises(FileFormatError, match="was not found"):
        detect_format(tmp_path / "missing.xml")


def test_read_file_detects_or_obeys_the_format() -> None:
    assert read_file(CTF / "ctf25-full.xml").source == "ctf"
    assert read_file(ONEROSTER / "v1p1-bulk", "oneroster").source == "oneroster"
    assert read_file(STAFFCSV / "staff-excel.csv", "staff_csv").source == "staff_csv"
    with pytest.raises(FileFormatError):
        read_file(STAFFCSV / "staff-excel.csv", "ctf")  # told wrong: still a clean error
    with pytest.raises(ConfigError, match="Unknown file format 'xlsx'"):
        read_file(STAFFCSV / "staff-excel.csv", "xlsx")


def test_file_reader_reads_the_whole_file_whatever_since_says() -> None:
    calls: list[tuple[str, int, int | None]] = []
    kind, read = file_reader_for(CTF / "ctf25-full.xml", None)
    assert kind == "ctf"
    school = object()  # the reader never looks at the school
    full = read(school, None, lambda *args: calls.append(args))  # type: ignore[arg-type]
    since = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    again = read(school, since, lambda *args: None)  # type: ignore[arg-type]
    assert full == again
    assert calls == [("ctf25-full.xml", 0, 1), ("ctf25-full.xml", 1, 1)]
    with pytest.raises(ConfigError):
        file_reader_for(CTF / "ctf25-full.xml", "pdf")
