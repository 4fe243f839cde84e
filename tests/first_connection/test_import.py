"""Loading existing accounts: any column order, a byte-order mark, unknown columns ignored; every
bad line named, and nothing saved from files with errors."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from schoolsync.errors import BadInput
from schoolsync.services import first_connection as service
from schoolsync.store import schools as school_store
from schoolsync.store.tables import class_memberships, classes, people

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)

USERS = (
    "\ufeffSurname,Forename,Username,Role,Date_of_birth,Favourite colour,UPN\n"
    "Smith,Jon,jsmith,student,09/03/2014,blue,a123\n"
    "Okafor,Amara,aokafor,Student,2014-05-01,,\n"
    "Jones,Sian,msjones,teacher,,,\n"
)


@pytest.fixture
def school(engine: sa.Engine) -> str:
    with engine.begin() as conn:
        return school_store.add_school(conn, name="Larkfield", now=NOW, secret_key=b"k" * 44).key


def counts(engine: sa.Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (people, classes, class_memberships)
        )


def test_files_as_excel_writes_them(engine: sa.Engine, school: str) -> None:
    loaded = service.import_existing(
        engine,
        school,
        ("users.csv", USERS.encode()),
        ("classes.csv", b"name,class_id\n6Ma1,c1\n"),
        ("memberships.csv", b"username,class_id,role\njsmith,c1,\nmsjones,c1,teacher\n"),
        now=NOW,
    )
    assert loaded == {"users": 3, "classes": 1, "memberships": 2}
    with engine.connect() as conn:
        jon = conn.execute(sa.select(people).where(people.c.username == "jsmith")).one()
    assert (jon.forename, jon.date_of_birth, jon.upn, jon.source_id) == (
        "Jon",
        dt.date(2014, 3, 9),
        "A123",
        None,
    )
    assert service.state(engine, school) == "matching"


def test_every_bad_line_is_named_and_nothing_is_saved(engine: sa.Engine, school: str) -> None:
    users = USERS + "Brown,,bbrown,student,,,\nLee,Sam,jsmith,pupil,31/02/2014,,\n"
    with pytest.raises(BadInput) as raised:
        service.import_existing(
            engine,
            school,
            ("users.csv", users.encode()),
            ("classes.csv", b"class_id,name\nc1,6Ma1\nc1,6Ma2\n"),
            ("memberships.csv", b"class_id,username\nc2,jsmith\nc1,nobody\n"),
        )
    message = str(raised.value)
    for expected in (
        "users.csv, line 5: forename is empty",
        "users.csv, line 6: role 'pupil' is not one of student, teacher, staff",
        "classes.csv, line 3: class_id 'c1' is listed twice",
        "memberships.csv, line 2: class_id 'c2' is not in the classes",
        "memberships.csv, line 3: username 'nobody' is not in the users",
    ):
        assert expected in message
    assert "nothing was saved" in message
    assert counts(engine) == (0, 0, 0)
    assert service.state(engine, school) is None


def test_a_username_already_here_is_a_second_account(engine: sa.Engine, school: str) -> None:
    service.import_existing(engine, school, ("users.csv", USERS.encode()))
    with pytest.raises(BadInput, match="line 2: username 'jsmith' is already an account here"):
        service.import_existing(engine, school, ("users.csv", USERS.encode()))
    assert counts(engine) == (3, 0, 0)
