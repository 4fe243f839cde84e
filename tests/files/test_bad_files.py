"""Hostile and broken uploads: each is a clean `FileFormatError` naming the file and where."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from schoolsync.errors import FileFormatError
from schoolsync.sources.ctf.reader import read_ctf
from schoolsync.sources.files.limits import FileLimits
from schoolsync.sources.oneroster.reader import read_oneroster
from schoolsync.sources.registry import read_file
from tests.files.cases import ONEROSTER, write_zip

_MANIFEST = b"propertyName,value\noneroster.version,1.1\nfile.users,bulk\n"
_USERS = b"sourcedId,role,givenName,familyName\ns1,student,Amy,Ng\n"


def _fails(path: Path, *, limits: FileLimits | None = None) -> str:
    with pytest.raises(FileFormatError) as caught:
        if limits is None:
            read_file(path)
        else:
            read_oneroster(path, limits)
    return str(caught.value)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_malformed_xml_names_line_and_column(tmp_path: Path) -> None:
    data = b"<?xml version='1.0'?>\n<CTfile>\n <CTFpupilData>\n  <Pupil><UPN>A1</Pupil>\n"
    message = _fails(_write(tmp_path, "CTF.xml", data))
    assert message.startswith("CTF.xml, line 4, column ")
    assert "is not well-formed XML (mismatched tag)" in message


def test_truncated_ctf(tmp_path: Path) -> None:
    message = _fails(_write(tmp_path, "cut.xml", b"<CTfile><CTFpupilData><Pupil><UPN>A"))
    assert message.startswith("cut.xml, line 1, column ")


def test_xxe_is_refused(tmp_path: Path) -> None:
    data = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CTfile><CTFpupilData><Pupil><UPN>R999400118101</UPN><Surname>&secret;</Surname>
<Forename>A</Forename></Pupil></CTFpupilData></CTfile>"""
    message = _fails(_write(tmp_path, "xxe.xml", data))
    assert message.startswith("xxe.xml: contains a document type or entity declaration")
    assert "root" not in message


def test_external_dtd_is_refused(tmp_path: Path) -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE CTfile SYSTEM "http://example.invalid/ctf.dtd"><CTfile/>'
    )
    assert "document type" in _fails(_write(tmp_path, "dtd.xml", data))


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    data = (
        f'<?xml version="1.0"?><!DOCTYPE CTfile [{"".join(entities)}]>'
        "<CTfile><CTFpupilData><Pupil><Surname>&lol9;</Surname></Pupil></CTFpupilData></CTfile>"
    ).encode()
    assert "entity declaration" in _fails(_write(tmp_path, "lol.xml", data))


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.xml", b"<CTfile>" + b" " * 2048 + b"</CTfile>")
    with pytest.raises(FileFormatError, match=r"big.xml: is 2\d\d\d bytes, over the 1024 bytes"):
        read_ctf(path, FileLimits(max_file_bytes=1024))


@pytest.mark.parametrize("name", ["../manifest.csv", "../../etc/cron.d/x.csv", "/tmp/x.csv"])
def test_zip_with_escaping_names(tmp_path: Path, name: str) -> None:
    path = write_zip(tmp_path / "evil.zip", [("manifest.csv", _MANIFEST), (name, b"x")])
    message = _fails(path)
    assert message.startswith("evil.zip: has an entry named ")
    assert "points outside the package" in message


def test_zip_bomb_at_the_default_limits(tmp_path: Path) -> None:
    # 210 MB of one character, about 1 MB compressed: over both the file and package limits.
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("manifest.csv", _MANIFEST)
        with archive.open("users.csv", "w") as member:
            member.write(_USERS)
            chunk = b"0" * (1 << 20)
            for _ in range(210):
                member.write(chunk)
    message = _fails(path)
    assert message.startswith("bomb.zip: users.csv unpacks to more than 100 MB")


def test_zip_bomb_counted_while_unpacking_not_from_headers(tmp_path: Path) -> None:
    """The zip's headers claim 100 bytes; the data unpacks to 2 MB. The reader stops either at
    its own count or at zipfile's check, and either way says so cleanly."""
    path = write_zip(
        tmp_path / "liar.zip", [("manifest.csv", _MANIFEST), ("users.csv", _USERS + b"0" * 2**21)]
    )
    data = bytearray(path.read_bytes())
    size = struct.pack("<I", 2**21 + len(_USERS))
    for offset in range(len(data) - 4):
        if data[offset : offset + 4] == size:
            data[offset : offset + 4] = struct.pack("<I", 100)
    path.write_bytes(bytes(data))
    message = _fails(path, limits=FileLimits(max_package_bytes=1024 * 1024))
    assert message.startswith("liar.zip: ")


def test_many_small_members_add_up(tmp_path: Path) -> None:
    members = [("manifest.csv", _MANIFEST)] + [(f"extra{i}.csv", b"x" * 600) for i in range(5)]
    path = write_zip(tmp_path / "many.zip", members)
    message = _fails(path, limits=FileLimits(max_package_bytes=2000))
    assert "unpacks to more than" in message
    message = _fails(path, limits=FileLimits(max_package_members=3))
    assert message.startswith("many.zip: has 6 entries")
    message = _fails(path, limits=FileLimits(max_package_bytes=100))
    assert "over the 100 bytes limit for a OneRoster package" in message


def test_not_a_zip_at_all(tmp_path: Path) -> None:
    path = _write(tmp_path, "package.zip", b"PK\x03\x04 this is not really a zip")
    assert _fails(path).startswith("package.zip: is not a readable zip file")


def test_csv_missing_a_required_column(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    folder.mkdir()
    for source in (ONEROSTER / "v1p1-bulk").iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    classes = (folder / "classes.csv").read_text().replace("classType", "type")
    (folder / "classes.csv").write_text(classes)
    message = _fails(folder)
    assert message.startswith("package/classes.csv, line 1: has no 'classType' column")


def test_a_broken_manifest(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "p.zip", [("manifest.csv", b"name,mode\nfile.users,bulk\n")])
    assert _fails(path).startswith("p.zip/manifest.csv, line 1: has no 'propertyName' column")
