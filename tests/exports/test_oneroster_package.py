"""A OneRoster 1.2 bulk package from a real store (SQLite and PostgreSQL), read back the way a
consumer reads it: with the csv module, by header."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from schoolsync.errors import SchoolNotFound
from schoolsync.exports import export_oneroster
from tests.exports.seed import PEOPLE, seed_school

NOW = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)

# Written out here rather than imported, so a change to the module's constants cannot pass
# unnoticed: these are the 1.2 CSV binding's columns, in its order.
SPEC_HEADERS = {
    "manifest.csv": ["propertyName", "value"],
    "orgs.csv": [
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ],
    "academicSessions.csv": [
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ],
    "courses.csv": [
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ],
    "classes.csv": [
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ],
    "users.csv": [
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ],
    "roles.csv": [
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ],
    "enrollments.csv": [
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ],
    "demographics.csv": [
        "sourcedId",
        "status",
        "dateLastModified",
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ],
}

ONEROSTER_12_FILES = {
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItemLearningObjectiveIds",
    "lineItems",
    "lineItemScoreScales",
    "orgs",
    "resources",
    "resultLearningObjectiveIds",
    "results",
    "resultScoreScales",
    "roles",
    "scoreScales",
    "userProfiles",
    "userResources",
    "users",
}
WRITTEN = {name.removesuffix(".csv") for name in SPEC_HEADERS} - {"manifest"}


class Package:
    """A package on disk, read like a consumer would."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def header(self, name: str) -> list[str]:
        with (self.root / name).open(encoding="utf-8", newline="") as stream:
            return next(csv.reader(stream))

    def rows(self, name: str) -> list[dict[str, str]]:
        with (self.root / name).open(encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))

    def manifest(self) -> dict[str, str]:
        return {row["propertyName"]: row["value"] for row in self.rows("manifest.csv")}

    def users_by_identifier(self) -> dict[str, dict[str, str]]:
        return {row["identifier"]: row for row in self.rows("users.csv")}

    def ids(self, name: str) -> set[str]:
        return {row["sourcedId"] for row in self.rows(name)}


@pytest.fixture
def school_id(engine: sa.Engine) -> int:
    with engine.begin() as conn:
        return seed_school(conn)["school"]


def export(engine: sa.Engine, school_id: int, out: Path, now: dt.datetime = NOW) -> Package:
    with engine.connect() as conn:
        export_oneroster(conn, school_id, out, now=now)
    return Package(out)


@pytest.fixture
def package(engine: sa.Engine, school_id: int, tmp_path: Path) -> Package:
    return export(engine, school_id, tmp_path / "oneroster")


def test_manifest_declares_a_12_bulk_package_of_the_files_written(package: Package) -> None:
    manifest = package.manifest()

    assert manifest["manifest.version"] == "1.0"
    assert manifest["oneroster.version"] == "1.2"
    assert manifest["source.systemName"] == "schoolsync"
    files = {
        key.removeprefix("file."): value
        for key, value in manifest.items()
        if key.startswith("file.")
    }
    assert set(files) == ONEROSTER_12_FILES
    assert {name for name, mode in files.items() if mode == "bulk"} == WRITTEN
    assert {mode for name, mode in files.items() if name not in WRITTEN} == {"absent"}
    assert {path.name for path in package.root.iterdir()} == set(SPEC_HEADERS)


def test_every_file_has_the_spec_headers_in_spec_order(package: Package) -> None:
    for name, header in SPEC_HEADERS.items():
        assert package.header(name) == header, name


def test_files_are_utf8_without_bom_with_one_kind_of_line_ending(package: Package) -> None:
    for name in SPEC_HEADERS:
        raw = (package.root / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        raw.decode("utf-8")
        assert raw.endswith(b"\r\n"), name
        assert raw.count(b"\n") == raw.count(b"\r\n"), name


def test_bulk_rows_leave_status_and_date_last_modified_blank(package: Package) -> None:
    for name in SPEC_HEADERS.keys() - {"manifest.csv"}:
        for row in package.rows(name):
            assert (row["status"], row["dateLastModified"]) == ("", ""), name


def test_the_school_is_the_one_org_with_its_urn(package: Package) -> None:
    (org,) = package.rows("orgs.csv")

    assert org["name"] == "Larkfield Primary & Nursery, Exampleton"
    assert org["type"] == "school"
    assert org["identifier"] == "999401"
    assert org["sourcedId"]


def test_one_school_year_session_for_the_uk_year_containing_now(package: Package) -> None:
    (session,) = package.rows("academicSessions.csv")

    assert session["type"] == "schoolYear"
    assert (session["startDate"], session["endDate"]) == ("2025-09-01", "2026-08-31")
    assert session["schoolYear"] == "2026"
    assert session["title"] == "2025/26"


def test_the_school_year_turns_at_midnight_on_1_september_school_time(
    engine: sa.Engine, school_id: int, tmp_path: Path
) -> None:
    # 23:30 UTC on 31 August is 00:30 on 1 September in London (BST).
    late = dt.datetime(2026, 8, 31, 23, 30, tzinfo=dt.UTC)

    (session,) = export(engine, school_id, tmp_path / "p", now=late).rows("academicSessions.csv")

    assert session["schoolYear"] == "2027"
    assert session["startDate"] == "2026-09-01"


def test_users_carry_the_mis_id_as_identifier_and_names_round_trip(package: Package) -> None:
    users = package.users_by_identifier()

    for label in ("zoe", "sean", "chloe", "sian", "raj", "lucja", "ingrid", "grandad"):
        _family, _role, forename, surname, extra = PEOPLE[label]
        user = users[extra["mis_id"]]
        assert (user["givenName"], user["familyName"]) == (forename, surname), label
        assert user["enabledUser"] == "true"
        assert user["userIds"] == f"{{MIS:{extra['mis_id']}}}"
        assert user["email"] == extra.get("email", "")
    assert users["1001"]["middleName"] == "Thị Mai"
    assert users["2001"]["username"] == "sosuilleabhain"
    # no username yet: the email stands in, as the column is required
    assert users["2002"]["username"] == "r.patel@larkfield.sch.uk"
    assert all(user["username"] for user in users.values())
    assert {user["primaryOrgSourcedId"] for user in users.values()} == package.ids("orgs.csv")


def test_formula_like_names_are_not_neutralised(package: Package) -> None:
    grandad = package.users_by_identifier()["3002"]

    assert grandad["givenName"] == '=HYPERLINK("x")'
    assert grandad["familyName"] == "-Nguyễn"


def test_leavers_archived_and_excluded_people_are_left_out(package: Package) -> None:
    identifiers = set(package.users_by_identifier())

    assert identifiers == {"1001", "1002", "1003", "2001", "2002", "2004", "3001", "3002"}
    exported = package.ids("users.csv")
    for name in ("roles.csv", "enrollments.csv"):
        assert {row["userSourcedId"] for row in package.rows(name)} <= exported
    assert package.ids("demographics.csv") <= exported


def test_no_file_carries_passwords_or_upns(package: Package) -> None:
    text = "".join((package.root / name).read_text(encoding="utf-8") for name in SPEC_HEADERS)
    users = package.rows("users.csv")

    assert "A999400125001" not in text
    assert {u["password"] for u in users} == {""}
    assert {u["userMasterIdentifier"] for u in users} == {""}


def test_one_primary_role_per_user_at_the_school(package: Package) -> None:
    users = package.users_by_identifier()
    (org,) = package.ids("orgs.csv")
    roles = {row["userSourcedId"]: row for row in package.rows("roles.csv")}

    assert set(roles) == package.ids("users.csv")
    assert {r["roleType"] for r in roles.values()} == {"primary"}
    assert {r["orgSourcedId"] for r in roles.values()} == {org}
    role_of = {mis_id: roles[user["sourcedId"]]["role"] for mis_id, user in users.items()}
    assert role_of == {
        "1001": "student",
        "1002": "student",
        "1003": "student",
        "2001": "teacher",
        "2002": "teacher",
        "2004": "aide",  # non-teaching staff
        "3001": "parent",  # Mother
        "3002": "guardian",  # Grandfather
    }
    assert len({r["sourcedId"] for r in roles.values()}) == len(roles)


def test_agent_sourced_ids_link_pupils_and_contacts_both_ways(package: Package) -> None:
    users = package.users_by_identifier()
    sid = {mis_id: user["sourcedId"] for mis_id, user in users.items()}

    # the pupil's contacts in the school's priority order
    assert users["1001"]["agentSourcedIds"] == f"{sid['3001']},{sid['3002']}"
    assert users["1002"]["agentSourcedIds"] == sid["3001"]
    assert users["1003"]["agentSourcedIds"] == ""
    # the parent of two siblings points back at both (the leaver is not there to point at)
    assert set(users["3001"]["agentSourcedIds"].split(",")) == {sid["1001"], sid["1002"]}
    assert users["3002"]["agentSourcedIds"] == sid["1001"]
    assert users["2001"]["agentSourcedIds"] == ""
    # a list is one field, quoted per RFC 4180
    raw = (package.root / "users.csv").read_text(encoding="utf-8")
    assert f'"{sid["3001"]},{sid["3002"]}"' in raw


def test_classes_are_the_active_classes_and_groups(package: Package) -> None:
    classes = {row["title"]: row for row in package.rows("classes.csv")}

    assert {title: row["classType"] for title, row in classes.items()} == {
        "7A/Ma1": "scheduled",
        "9B/En1": "scheduled",
        "Latin club": "scheduled",
        "Study skills": "scheduled",
        "7AB": "homeroom",
        # a year group has no OneRoster type: an `ext:` one says what it is
        "Year 7": "ext:schoolsync.year",
    }
    (org,) = package.ids("orgs.csv")
    (session,) = package.ids("academicSessions.csv")
    assert {row["schoolSourcedId"] for row in classes.values()} == {org}
    assert {row["termSourcedIds"] for row in classes.values()} == {session}
    assert classes["7A/Ma1"]["classCode"] == "7AMa1"


def test_courses_are_the_active_subjects_and_every_class_has_one(package: Package) -> None:
    courses = {row["sourcedId"]: row for row in package.rows("courses.csv")}
    classes = {row["title"]: row for row in package.rows("classes.csv")}

    def course_of(title: str) -> str:
        return courses[classes[title]["courseSourcedId"]]["title"]

    assert course_of("7A/Ma1") == "Mathematics"
    assert course_of("9B/En1") == "English"
    # no subject, or a deleted one: a course that says so rather than an invented subject
    assert course_of("Study skills") == course_of("Latin club") == "Classes without a subject"
    assert course_of("7AB") == "Registration"
    assert course_of("Year 7") == "Year, house and other groups"
    assert {row["title"] for row in courses.values()} == {
        "Mathematics",
        "English",
        "Classes without a subject",
        "Registration",
        "Year, house and other groups",
    }
    mathematics = next(row for row in courses.values() if row["title"] == "Mathematics")
    assert mathematics["courseCode"] == "MA"
    assert {row["orgSourcedId"] for row in courses.values()} == package.ids("orgs.csv")
    assert {row["schoolYearSourcedId"] for row in courses.values()} == package.ids(
        "academicSessions.csv"
    )


def test_enrollments_match_the_memberships_of_current_people(package: Package) -> None:
    users = {row["sourcedId"]: row["identifier"] for row in package.rows("users.csv")}
    classes = {row["sourcedId"]: row["title"] for row in package.rows("classes.csv")}
    enrollments = package.rows("enrollments.csv")

    seen = {
        (classes[e["classSourcedId"]], users[e["userSourcedId"]], e["role"], e["primary"])
        for e in enrollments
    }
    assert seen == {
        ("7A/Ma1", "1001", "student", ""),
        ("7A/Ma1", "2001", "teacher", "true"),  # the excluded co-teacher is not counted
        ("9B/En1", "1002", "student", ""),
        ("9B/En1", "2001", "teacher", "false"),  # two teachers: neither is known to lead
        ("9B/En1", "2002", "teacher", "false"),
        ("Latin club", "1001", "student", ""),
        ("Latin club", "1002", "student", ""),
        ("Study skills", "1003", "student", ""),
        # the form, from the registration group: its tutors teach it
        ("7AB", "1001", "student", ""),
        ("7AB", "1003", "student", ""),
        ("7AB", "2001", "teacher", "false"),
        ("7AB", "2004", "teacher", "false"),
        ("Year 7", "1001", "student", ""),
    }
    assert len(seen) == len(enrollments)
    assert len({e["sourcedId"] for e in enrollments}) == len(enrollments)
    assert {e["schoolSourcedId"] for e in enrollments} == package.ids("orgs.csv")


def test_grades_map_national_curriculum_years(package: Package) -> None:
    users = package.users_by_identifier()
    classes = {row["title"]: row for row in package.rows("classes.csv")}

    assert users["1001"]["grades"] == "07"
    assert users["1002"]["grades"] == "09"
    assert users["1003"]["grades"] == "KG"  # Reception
    assert users["2001"]["grades"] == ""
    assert classes["7A/Ma1"]["grades"] == "07"  # the class's own year
    assert classes["7AB"]["grades"] == "KG,07"  # no year of its own: its pupils' years
    assert classes["Latin club"]["grades"] == "07,09"


def test_demographics_for_pupils(package: Package) -> None:
    users = package.users_by_identifier()
    demographics = {row["sourcedId"]: row for row in package.rows("demographics.csv")}

    def of(mis_id: str) -> tuple[str, str]:
        row = demographics[users[mis_id]["sourcedId"]]
        return row["birthDate"], row["sex"]

    assert of("1001") == ("2013-05-02", "female")
    assert of("1002") == ("2011-01-30", "male")
    assert of("1003") == ("", "unspecified")
    assert len(demographics) == 3


def test_every_reference_resolves_within_the_package(package: Package) -> None:
    users, classes = package.ids("users.csv"), package.ids("classes.csv")
    courses, orgs = package.ids("courses.csv"), package.ids("orgs.csv")

    for row in package.rows("users.csv"):
        assert set(filter(None, row["agentSourcedIds"].split(","))) <= users
    assert {row["courseSourcedId"] for row in package.rows("classes.csv")} <= courses
    for row in package.rows("enrollments.csv"):
        assert row["classSourcedId"] in classes and row["userSourcedId"] in users
        assert row["schoolSourcedId"] in orgs
    for name in SPEC_HEADERS.keys() - {"manifest.csv"}:
        ids = [row["sourcedId"] for row in package.rows(name)]
        assert len(ids) == len(set(ids)), name


def test_two_exports_of_the_same_store_are_identical(
    engine: sa.Engine, school_id: int, tmp_path: Path
) -> None:
    first = export(engine, school_id, tmp_path / "first")
    second = export(engine, school_id, tmp_path / "second", now=NOW + dt.timedelta(days=30))

    for name in SPEC_HEADERS:
        assert (first.root / name).read_bytes() == (second.root / name).read_bytes(), name


def test_sourced_ids_survive_a_rename_and_are_opaque(
    engine: sa.Engine, school_id: int, tmp_path: Path
) -> None:
    before = export(engine, school_id, tmp_path / "before").users_by_identifier()
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE people SET surname = 'Renamed', username = 'new'"))
    after = export(engine, school_id, tmp_path / "after").users_by_identifier()

    assert {k: u["sourcedId"] for k, u in before.items()} == {
        k: u["sourcedId"] for k, u in after.items()
    }
    for mis_id, user in after.items():
        assert mis_id not in user["sourcedId"]


def test_returns_rows_written_per_file(engine: sa.Engine, school_id: int, tmp_path: Path) -> None:
    out = tmp_path / "counted"
    with engine.connect() as conn:
        counts = export_oneroster(conn, school_id, out, now=NOW)

    assert set(counts) == set(SPEC_HEADERS)
    for name, count in counts.items():
        assert count == len(Package(out).rows(name)), name
    assert counts["users.csv"] == 8


def test_a_new_export_replaces_the_previous_package(
    engine: sa.Engine, school_id: int, tmp_path: Path
) -> None:
    out = tmp_path / "exports" / "oneroster"
    export(engine, school_id, out)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE people SET status = 'left' WHERE mis_id = '1002'"))

    package = export(engine, school_id, out)

    assert "1002" not in package.users_by_identifier()
    assert [p.name for p in out.parent.iterdir()] == ["oneroster"]  # no staging left behind


def test_an_unknown_school_is_an_error(engine: sa.Engine, tmp_path: Path) -> None:
    with engine.connect() as conn, pytest.raises(SchoolNotFound):
        export_oneroster(conn, 999_999, tmp_path / "none", now=NOW)
    assert not (tmp_path / "none").exists()


def test_only_the_requested_school_is_exported(
    engine: sa.Engine, school_id: int, tmp_path: Path
) -> None:
    with engine.begin() as conn:
        other = seed_school(conn, key="other")["school"]

    mine = export(engine, school_id, tmp_path / "mine")
    theirs = export(engine, other, tmp_path / "theirs")

    assert len(mine.rows("users.csv")) == len(theirs.rows("users.csv")) == 8
    # the same MIS ids at two schools are two different people
    assert mine.ids("users.csv").isdisjoint(theirs.ids("users.csv"))
