"""Legal and preferred names: every source that has both keeps both, and the OneRoster export
writes both (givenName/middleName/familyName legal, preferred* the names the school uses).

The pupil is Daniel (legal) known as Dan, through each source into the store and out again.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.exports import export_oneroster
from schoolsync.model import Snapshot
from schoolsync.pipeline import sync_school
from schoolsync.sources.ctf.reader import parse_ctf
from schoolsync.sources.oneroster.reader import read_oneroster
from schoolsync.sources.wonde.records import RawSchool, build_snapshot
from schoolsync.store import schools as school_store
from schoolsync.store.tables import people

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

CTF = b"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header><DocumentName>Common Transfer File</DocumentName><CTFversion>25.0</CTFversion></Header>
  <CTFpupilData>
    <Pupil>
      <UPN>A999400125001</UPN>
      <Surname>Okonkwo-Smith</Surname>
      <Forename>Daniel</Forename>
      <DOB>2013-05-02</DOB>
      <Sex>M</Sex>
      <BasicDetails>
        <PreferredSurname>Smith</PreferredSurname>
        <PreferredForename>Dan</PreferredForename>
        <MiddleNames>Chukwuemeka</MiddleNames>
      </BasicDetails>
    </Pupil>
  </CTFpupilData>
</CTfile>
"""


def from_ctf(_tmp: Path) -> Snapshot:
    return parse_ctf(CTF, "daniel.xml")


def from_wonde(_tmp: Path) -> Snapshot:
    student = {
        "id": "A1001",
        "mis_id": "1001",
        "upi": "upi-daniel",
        "forename": "Dan",
        "surname": "Smith",
        "middle_names": "Chukwuemeka",
        "legal_forename": "Daniel",
        "legal_surname": "Okonkwo-Smith",
    }
    return build_snapshot(
        RawSchool(
            school={"name": "Larkfield"},
            students=[student],
            employees=[],
            subjects=[],
            classes=[],
            groups=[],
            complete=True,
        )
    )


def from_oneroster(tmp: Path) -> Snapshot:
    folder = tmp / "package"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
        "file.users,bulk\nfile.roles,bulk\n",
        encoding="utf-8",
    )
    (folder / "users.csv").write_text(
        "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,"
        "middleName,identifier,preferredGivenName,preferredMiddleName,preferredFamilyName\n"
        "u1,,,true,dsmith,Daniel,Okonkwo-Smith,Chukwuemeka,1001,Dan,,Smith\n",
        encoding="utf-8",
    )
    (folder / "roles.csv").write_text(
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,orgSourcedId\n"
        "r1,,,u1,primary,student,org\n",
        encoding="utf-8",
    )
    return read_oneroster(folder)


SOURCES: dict[str, Callable[[Path], Snapshot]] = {
    "ctf": from_ctf,
    "wonde": from_wonde,
    "oneroster": from_oneroster,
}


def store_and_export(engine: sa.Engine, snapshot: Snapshot, out: Path) -> dict[str, Any]:
    with engine.begin() as conn:
        school = school_store.add_school(
            conn, name="Larkfield", now=NOW, secret_key=Fernet.generate_key()
        )
    result = sync_school(
        engine,
        school.key,
        lambda _school, _since, _progress: snapshot,
        now=lambda: NOW,
        file_import=True,
        source=snapshot.source,
    )
    assert result.status == "success", result.issues
    with engine.begin() as conn:
        export_oneroster(conn, school.id, out, now=NOW)
        stored = conn.execute(
            sa.select(
                people.c.forename,
                people.c.middle_names,
                people.c.surname,
                people.c.legal_forename,
                people.c.legal_surname,
            ).where(people.c.school_id == school.id)
        ).one()
    with (out / "users.csv").open(encoding="utf-8", newline="") as stream:
        (user,) = csv.DictReader(stream)
    return {"stored": tuple(stored), "user": user}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_daniel_known_as_dan_keeps_both_names_through_store_and_export(
    engine: sa.Engine, tmp_path: Path, source: str
) -> None:
    found = store_and_export(engine, SOURCES[source](tmp_path), tmp_path / "out")

    # The store shows the name the school uses, and keeps the legal one beside it.
    assert found["stored"] == ("Dan", "Chukwuemeka", "Smith", "Daniel", "Okonkwo-Smith")
    user = found["user"]
    assert (user["givenName"], user["middleName"], user["familyName"]) == (
        "Daniel",
        "Chukwuemeka",
        "Okonkwo-Smith",
    )
    assert (user["preferredGivenName"], user["preferredFamilyName"]) == ("Dan", "Smith")
    # The same middle names need no preferred copy.
    assert user["preferredMiddleName"] == ""


def test_oneroster_keeps_legal_and_preferred_middle_names_apart(tmp_path: Path) -> None:
    snapshot = from_oneroster(tmp_path)
    (daniel,) = snapshot.people
    assert (daniel.middle_names, daniel.legal_middle_names) == ("Chukwuemeka", "Chukwuemeka")

    package = tmp_path / "package" / "users.csv"
    package.write_text(
        package.read_text(encoding="utf-8").replace("Dan,,Smith", "Dan,Emeka,Smith"),
        encoding="utf-8",
    )
    (daniel,) = read_oneroster(tmp_path / "package").people
    assert (daniel.middle_names, daniel.legal_middle_names) == ("Emeka", "Chukwuemeka")


def test_a_blank_preferred_name_in_12_does_not_blank_the_legal_name(tmp_path: Path) -> None:
    snapshot = from_oneroster(tmp_path)
    users = tmp_path / "package" / "users.csv"
    users.write_text(
        users.read_text(encoding="utf-8").replace("Dan,,Smith", ",,"), encoding="utf-8"
    )
    (daniel,) = read_oneroster(tmp_path / "package").people

    assert snapshot.people[0].legal_forename == "Daniel"
    assert (daniel.forename, daniel.legal_forename, daniel.legal_surname) == (
        "Daniel",
        "Daniel",
        "Okonkwo-Smith",
    )
