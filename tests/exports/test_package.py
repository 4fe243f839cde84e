"""Writing a package: all of it or none of it, and never over someone else's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from schoolsync.errors import ConfigError
from schoolsync.exports.package import CsvFile, write_package

HEADER = ("sourcedId", "name")


def rows(count: int, fail_after: int | None = None) -> Iterator[dict[str, str]]:
    for n in range(count):
        if fail_after is not None and n == fail_after:
            raise RuntimeError("the store went away")
        yield {"sourcedId": f"id-{n}", "name": f"row {n}"}


def test_writes_every_file_and_counts_rows(tmp_path: Path) -> None:
    out = tmp_path / "new" / "package"

    counts = write_package(out, [CsvFile("a.csv", HEADER, rows(3))])

    assert counts == {"a.csv": 3}
    assert (out / "a.csv").read_bytes().startswith(b"sourcedId,name\r\nid-0,row 0\r\n")


def test_a_failed_export_leaves_the_previous_package_untouched(tmp_path: Path) -> None:
    out = tmp_path / "package"
    write_package(out, [CsvFile("a.csv", HEADER, rows(2))])
    before = (out / "a.csv").read_bytes()

    with pytest.raises(RuntimeError):
        write_package(
            out,
            [
                CsvFile("a.csv", HEADER, rows(5)),
                CsvFile("b.csv", HEADER, rows(5, fail_after=3)),
            ],
        )

    assert [p.name for p in tmp_path.iterdir()] == ["package"]
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"]
    assert (out / "a.csv").read_bytes() == before


def test_a_failed_first_export_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        write_package(tmp_path / "p", [CsvFile("a.csv", HEADER, rows(3, fail_after=1))])

    assert list(tmp_path.iterdir()) == []


def test_a_directory_holding_other_files_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "report.docx").write_text("keep me")

    with pytest.raises(ConfigError, match=r"report\.docx"):
        write_package(out, [CsvFile("a.csv", HEADER, rows(1))])

    assert (out / "report.docx").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["documents"]


def test_a_file_in_the_way_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("")

    with pytest.raises(ConfigError, match="not a directory"):
        write_package(tmp_path / "out", [CsvFile("a.csv", HEADER, rows(1))])


def test_an_empty_directory_is_filled(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()

    write_package(tmp_path / "out", [CsvFile("a.csv", HEADER, rows(1))])

    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.csv"]
