"""Broken input of every kind, fed to every file reader: the only exception allowed out is
`FileFormatError`, and whatever is read still holds together (one person per id)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schoolsync.engine.fit import fit
from schoolsync.errors import FileFormatError
from schoolsync.model import Snapshot
from schoolsync.sources.ctf.reader import parse_ctf
from schoolsync.sources.oneroster.package import Package
from schoolsync.sources.oneroster.reader import parse_oneroster
from schoolsync.sources.registry import read_file
from schoolsync.sources.staffcsv import parse_staff_csv
from schoolsync.store.sizes import STORE_SIZES
from tests.files.cases import CTF, ONEROSTER, STAFFCSV, zip_folder

BOUNDED = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)

CTF_SAMPLES = [path.read_bytes() for path in sorted(CTF.glob("*.xml"))]
STAFF_SAMPLE = (STAFFCSV / "staff-excel.csv").read_bytes()
PACKAGES = {
    folder.name: {path.name.lower(): path.read_bytes() for path in folder.iterdir()}
    for folder in sorted(ONEROSTER.iterdir())
}


def _only_clean_errors(parse: Callable[[], Snapshot], file: str) -> None:
    try:
        snapshot = parse()
    except FileFormatError as exc:
        # a message for the admin that names the file (or a file inside the package) first
        assert exc.file == file or exc.file.startswith(f"{file}/"), exc.file
        assert str(exc).startswith(exc.file)
        assert len(str(exc)) > len(exc.file) + 5, "names the file but not what is wrong"
        return
    keys = [(p.family, p.source_id) for p in snapshot.people]
    assert len(keys) == len(set(keys))
    assert all(p.source_id and p.display_name for p in snapshot.people)
    # and, after the pipeline's fit step, nothing the store could not hold
    fitted = fit(snapshot, STORE_SIZES)
    assert all(len(p.source_id) <= 64 and len(p.surname) <= 120 for p in fitted.people)
    assert all(len(issue.source_id) <= 64 for issue in fitted.read_issues)


@st.composite
def mutated(draw: st.DrawFn, samples: list[bytes]) -> bytes:
    """A real file with a few bytes replaced, inserted, deleted, or its end cut off."""
    data = bytearray(draw(st.sampled_from(samples)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete", "truncate", "markup"]))
        if action == "replace":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif action == "truncate":
            del data[at:]
        else:
            data[at:at] = draw(st.sampled_from([b"<", b">", b"&", b'"', b",", b"\r\n", b"\x00"]))
    return bytes(data)


@st.composite
def retagged_ctf(draw: st.DrawFn) -> bytes:
    """A real CTF with element text swapped for arbitrary text: values no writer meant."""
    text = draw(st.sampled_from(CTF_SAMPLES)).decode("utf-8-sig")
    parts = text.split(">")
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(parts) - 1))
        if "<" in parts[at]:
            value = draw(st.text(max_size=12)).replace("<", "").replace("&", "")
            parts[at] = value + parts[at][parts[at].index("<") :]
    return ">".join(parts).encode("utf-8", errors="replace")


@BOUNDED
@given(st.binary(max_size=2000))
def test_ctf_random_bytes(data: bytes) -> None:
    _only_clean_errors(lambda: parse_ctf(data, "random.xml"), "random.xml")


@BOUNDED
@given(mutated(CTF_SAMPLES))
def test_ctf_mutated_and_truncated(data: bytes) -> None:
    _only_clean_errors(lambda: parse_ctf(data, "mutated.xml"), "mutated.xml")


@BOUNDED
@given(retagged_ctf())
def test_ctf_with_arbitrary_values(data: bytes) -> None:
    _only_clean_errors(lambda: parse_ctf(data, "values.xml"), "values.xml")


@BOUNDED
@given(st.binary(max_size=2000))
def test_staff_csv_random_bytes(data: bytes) -> None:
    _only_clean_errors(lambda: parse_staff_csv(data, "staff.csv"), "staff.csv")


@BOUNDED
@given(mutated([STAFF_SAMPLE]))
def test_staff_csv_mutated_and_truncated(data: bytes) -> None:
    _only_clean_errors(lambda: parse_staff_csv(data, "staff.csv"), "staff.csv")


@BOUNDED
@given(st.text(alphabet=st.sampled_from(list('ab,;"\r\n\t \ufeffSfi')), max_size=300))
def test_staff_csv_csv_shaped_noise(text: str) -> None:
    _only_clean_errors(
        lambda: parse_staff_csv(("Staff ID,Forename,Surname\n" + text).encode(), "noise.csv"),
        "noise.csv",
    )


@st.composite
def broken_package(draw: st.DrawFn) -> Package:
    files = dict(PACKAGES[draw(st.sampled_from(sorted(PACKAGES)))])
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(files)))
        if draw(st.booleans()):
            files[name] = draw(mutated([files[name]]))
        elif draw(st.booleans()):
            files[name] = draw(st.binary(max_size=300))
        else:
            del files[name]
    return Package("package", files)


@BOUNDED
@given(broken_package())
def test_oneroster_broken_files(package: Package) -> None:
    _only_clean_errors(lambda: parse_oneroster(package), "package")


ZIPPED: dict[str, bytes] = {}


def _zipped(name: str) -> bytes:
    if name not in ZIPPED:
        with tempfile.TemporaryDirectory() as folder:
            ZIPPED[name] = zip_folder(ONEROSTER / name, Path(folder) / "p.zip").read_bytes()
    return ZIPPED[name]


@BOUNDED
@given(st.sampled_from(sorted(PACKAGES)), st.data())
def test_oneroster_mutated_zips_through_detection(name: str, data: st.DataObject) -> None:
    broken = data.draw(mutated([_zipped(name)]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.zip"
        path.write_bytes(broken)
        _only_clean_errors(lambda: read_file(path), "upload.zip")


@BOUNDED
@given(st.binary(max_size=1500))
def test_any_upload_through_detection(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        _only_clean_errors(lambda: read_file(path), "upload")
