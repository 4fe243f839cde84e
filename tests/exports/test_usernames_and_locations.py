"""What a OneRoster package says that only some sources have: a user's own username and a
class's location. Both are stored, and both come back out in the export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from schoolsync.engine.validate import USERNAME_IN_USE
from schoolsync.exports import export_oneroster
from schoolsync.pipeline import SyncResult, sync_school
from schoolsync.sources.registry import file_reader_for
from schoolsync.store import schools as school_store
from schoolsync.store.tables import classes, people

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

USERS = (
    "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName,identifier,"
    "email\n"
    "t1,,,true,john.doe,John,Doe,T1,john.doe@myschool.com\n"
    "p1,,,true,amy.ng,Amy,Ng,P1,\n"
    "c1,,,true,c1,Carol,Ng,C1,carol@home.example.net\n"
)
ROLES = (
    "sourcedId,status,dateLastModified,userSourcedId,roleType,role,orgSourcedId\n"
    "r1,,,t1,primary,teacher,org\nr2,,,p1,primary,student,org\nr3,,,c1,primary,parent,org\n"
    "r4,,,t2,primary,teacher,org\n"
)
COURSES = "sourcedId,status,dateLastModified,title,courseCode,orgSourcedId\nco1,,,Maths,MA,org\n"
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
    "location,schoolSourcedId,termSourcedIds\n"
    "k1,,,7A/Ma1,07,co1,7AMa1,scheduled,Room 12 (Maths block),org,term\n"
)
ENROLLMENTS = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role\n"
    "e1,,,k1,org,t1,teacher\ne2,,,k1,org,p1,student\n"
)


def write_package(folder: Path, users: str = USERS) -> Path:
    folder.mkdir()
    files = {
        "users": users,
        "roles": ROLES,
        "courses": COURSES,
        "classes": CLASSES,
        "enrollments": ENROLLMENTS,
    }
    manifest = "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n"
    manifest += "".join(f"file.{name},bulk\n" for name in files)
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def new_school(engine: sa.Engine, name: str = "Larkfield") -> tuple[int, str]:
    with engine.begin() as conn:
        school = school_store.add_school(conn, name=name, now=NOW, secret_key=Fernet.generate_key())
    return school.id, school.key


def import_into(engine: sa.Engine, key: str, folder: Path) -> SyncResult:
    kind, reader = file_reader_for(folder, None)
    return sync_school(engine, key, reader, now=lambda: NOW, file_import=True, source=kind)


def usernames(engine: sa.Engine, school_id: int) -> dict[str, str | None]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(people.c.mis_id, people.c.username).where(people.c.school_id == school_id)
        )
        return {mis_id: username for mis_id, username in rows}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_an_imported_username_and_location_are_kept_and_exported(
    engine: sa.Engine, tmp_path: Path
) -> None:
    school_id, key = new_school(engine)

    result = import_into(engine, key, write_package(tmp_path / "in"))

    assert result.status == "success", result.issues
    # john.doe signs in as john.doe, not as his email; a contact never gets a username.
    assert usernames(engine, school_id) == {"T1": "john.doe", "P1": "amy.ng", "C1": None}
    with engine.begin() as conn:
        (location,) = conn.execute(
            sa.select(classes.c.location).where(classes.c.school_id == school_id)
        ).one()
        assert location == "Room 12 (Maths block)"
        export_oneroster(conn, school_id, tmp_path / "out", now=NOW)
    exported = {row["identifier"]: row for row in read_csv(tmp_path / "out" / "users.csv")}
    assert exported["T1"]["username"] == "john.doe"
    assert exported["T1"]["email"] == "john.doe@myschool.com"
    (maths,) = read_csv(tmp_path / "out" / "classes.csv")
    assert maths["location"] == "Room 12 (Maths block)"


def test_a_changed_username_in_the_package_is_applied(engine: sa.Engine, tmp_path: Path) -> None:
    school_id, key = new_school(engine)
    import_into(engine, key, write_package(tmp_path / "first"))

    renamed = USERS.replace("john.doe,John", "jdoe,John")
    result = import_into(engine, key, write_package(tmp_path / "second", renamed))

    assert result.counts == {"teacher": {"update": 1}}
    assert usernames(engine, school_id)["T1"] == "jdoe"


@pytest.mark.parametrize(
    "users",
    [
        # another user in the store already signs in as amy.ng
        USERS.replace("john.doe,John", "amy.ng,John"),
        # two users in the package share it
        USERS + "t2,,,true,john.doe,Jon,Doh,T2,jon.doh@myschool.com\n",
    ],
    ids=["held-by-another-user", "twice-in-the-package"],
)
def test_a_username_someone_else_has_is_an_issue(
    engine: sa.Engine, tmp_path: Path, users: str
) -> None:
    school_id, key = new_school(engine)
    import_into(engine, key, write_package(tmp_path / "first"))

    result = import_into(engine, key, write_package(tmp_path / "second", users))

    assert result.status == "issues_exist"
    refused = {(i.entity_type, i.message) for i in result.issues}
    assert ("Teacher", USERNAME_IN_USE) in refused
    # john.doe is left as he was
    assert usernames(engine, school_id)["T1"] == "john.doe"


def test_a_username_too_long_to_store_is_not_used(tmp_path: Path) -> None:
    from schoolsync.engine.fit import fit
    from schoolsync.sources.oneroster.reader import read_oneroster
    from schoolsync.store.sizes import STORE_SIZES

    long_name = "j" * 300
    snapshot = read_oneroster(write_package(tmp_path / "in", USERS.replace("john.doe", long_name)))

    fitted = fit(snapshot, STORE_SIZES)

    john = next(p for p in fitted.people if p.source_id == "t1")
    assert john.username is None and "username" in john.unreadable
    assert any("username is longer than" in issue.message for issue in fitted.read_issues)
