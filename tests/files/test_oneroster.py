"""Reading OneRoster 1.1 and 1.2 packages, as folders and as zips (tests/cases/oneroster/)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from schoolsync.errors import FileFormatError
from schoolsync.model import ContactLink, Deletion, Snapshot
from schoolsync.sources.oneroster.reader import read_oneroster
from tests.files.cases import ONEROSTER, issues_about, person, write_zip, zip_folder

Opener = Callable[[str], Snapshot]


@pytest.fixture(params=["folder", "zip", "zip-in-a-folder"])
def read_set(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Each set read as a folder, as a zip with files at its root, and as a zip made by
    "Send to > Compressed folder" (files one folder down)."""

    def read(name: str) -> Snapshot:
        folder = ONEROSTER / name
        if request.param == "folder":
            return read_oneroster(folder)
        prefix = f"{name}/" if request.param == "zip-in-a-folder" else ""
        return read_oneroster(zip_folder(folder, tmp_path / f"{name}.zip", prefix))

    return read


def test_1_1_bulk_people(read_set: Opener) -> None:
    snapshot = read_set("v1p1-bulk")
    assert (snapshot.source, snapshot.complete) == ("oneroster", True)
    assert snapshot.covers == {
        "pupil",
        "employee",
        "contact",
        "contact_link",
        "subject",
        "class",
        "group",
    }
    siobhan = person(snapshot, "stu-0001")
    assert (siobhan.role, siobhan.forename, siobhan.surname, siobhan.middle_names) == (
        "student",
        "Siobhán",
        "O'Connor-Ní Bhriain",
        "Máire Rós",
    )
    assert siobhan.mis_id == "ADM1001"
    assert siobhan.email == "siobhan.oconnor@pupils.larkfield.example"
    assert (siobhan.year_group, siobhan.date_of_birth, siobhan.gender) == (
        "7",
        dt.date(2013, 11, 2),
        "female",
    )
    assert person(snapshot, "stu-0003").year_group == "7"  # "7": Excel dropped the zero
    assert person(snapshot, "stu-0004").year_group == "R"  # KG
    roles = {p.source_id: p.role for p in snapshot.people}
    assert roles == {
        "stu-0001": "student",
        "stu-0002": "student",
        "stu-0003": "student",
        "stu-0004": "student",
        "tea-0001": "teacher",
        "tea-0002": "teacher",
        "aide-0001": "staff",
        "adm-0001": "staff",
        "par-0001": "contact",
        "par-0002": "contact",
        "par-0003": "contact",
    }
    assert person(snapshot, "tea-0001").year_group is None
    assert snapshot.school is not None
    assert (
        snapshot.school.name,
        snapshot.school.la_code,
        snapshot.school.establishment_number,
    ) == (
        "Larkfield Academy",
        "999",
        "4001",
    )
    assert snapshot.school.mis == "ExampleMIS OneRoster Export"


def test_1_1_bulk_structures_and_members(read_set: Opener) -> None:
    snapshot = read_set("v1p1-bulk")
    assert {(s.source_id, s.name, s.code) for s in snapshot.subjects} == {
        ("crs-ma", "Mathematics", "MA"),
        ("crs-en", "English", "EN"),
    }
    classes = {c.source_id: c for c in snapshot.classes}
    maths = classes["cls-7a-ma1"]
    assert (maths.name, maths.code, maths.subject_source_id, maths.year_group) == (
        "7A/Ma1",
        "7A/Ma1",
        "crs-ma",
        "7",
    )
    assert maths.student_ids == ("stu-0001", "stu-0002", "stu-0003")
    assert maths.teacher_ids == ("tea-0001",)
    assert classes["cls-r-ma"].year_group == "R"
    (form,) = snapshot.groups
    assert (form.source_id, form.name, form.kind) == ("hr-7a", "7A", "registration")
    assert form.student_ids == ("stu-0001", "stu-0002", "stu-0003")
    assert form.employee_ids == ("tea-0002",)  # the aide's enrollment is not membership


def test_1_1_contact_links_from_agent_ids(read_set: Opener) -> None:
    snapshot = read_set("v1p1-bulk")
    assert set(snapshot.contact_links) == {
        ContactLink("stu-0001", "par-0001", "parent", 1),
        ContactLink("stu-0001", "par-0002", "guardian", 2),
        ContactLink("stu-0002", "par-0003", "relative", 1),
    }


def test_1_1_bad_birth_date_is_a_warning(read_set: Opener) -> None:
    snapshot = read_set("v1p1-bulk")
    assert person(snapshot, "stu-0003").date_of_birth is None
    (issue,) = snapshot.read_issues
    assert issue.severity == "warning"
    assert (issue.entity_type, issue.entity_name, issue.source_id) == (
        "Student",
        "Jean-Luc D'Arcy",
        "stu-0003",
    )
    # "v1p1-bulk/..." for the folder, "v1p1-bulk.zip/..." for the zip
    assert issue.message.startswith("v1p1-bulk")
    assert issue.message.endswith(
        "/demographics.csv, line 4: birthDate '31/02/2014' is not a date; the date of birth was "
        "left blank"
    )


def test_1_2_bulk_with_roles_preferred_names_bom_and_crlf(read_set: Opener) -> None:
    snapshot = read_set("v1p2-bulk")
    assert snapshot.complete is True
    ciaran = person(snapshot, "u-1001")
    assert (ciaran.role, ciaran.forename, ciaran.legal_forename, ciaran.surname) == (
        "student",
        "Ciarán",
        "Ciaran",
        "Fitzgerald",
    )
    assert (ciaran.year_group, ciaran.date_of_birth, ciaran.gender) == (
        "10",
        dt.date(2010, 6, 21),
        "male",
    )
    assert person(snapshot, "u-1002").date_of_birth == dt.date(2010, 12, 1)  # 01/12/2010
    assert person(snapshot, "u-1003").gender == "not_stated"  # 1.2's "unspecified"
    becky = person(snapshot, "u-2001")
    # The primary role decides: a teacher who is also a guardian is a teacher here.
    assert (becky.role, becky.forename, becky.legal_forename) == ("teacher", "Becky", "Rebecca")
    assert person(snapshot, "u-2003").role == "staff"  # counselor
    assert person(snapshot, "u-3003").role == "contact"
    assert snapshot.school is not None and snapshot.school.urn == "999452"
    assert snapshot.read_issues == ()


def test_1_2_bulk_classes_ignore_administrators_and_proctors(read_set: Opener) -> None:
    snapshot = read_set("v1p2-bulk")
    classes = {c.source_id: c for c in snapshot.classes}
    french = classes["cls-10x-fr2"]
    assert french.name == "10X/Fr2 (Français, set 2)"
    assert (french.student_ids, french.teacher_ids) == (("u-1002",), ("u-2002",))
    (form,) = snapshot.groups
    assert form.employee_ids == ("u-2001",)
    assert form.student_ids == ("u-1001", "u-1002", "u-1003")
    assert set(snapshot.contact_links) == {
        ContactLink("u-1001", "u-3001", "parent", 1),
        ContactLink("u-1002", "u-3002", "parent", 1),
        ContactLink("u-1002", "u-3003", "guardian", 2),
    }


def test_1_2_delta_updates_and_deletions(read_set: Opener) -> None:
    snapshot = read_set("v1p2-delta")
    assert snapshot.complete is False
    amelie = person(snapshot, "u-1004")
    assert (amelie.role, amelie.forename, amelie.surname, amelie.middle_names) == (
        "student",
        "Amélie",
        "Dubois-Ferreira",
        "Inês",
    )
    assert (amelie.date_of_birth, amelie.gender) == (dt.date(2010, 9, 30), "female")
    assert person(snapshot, "u-3004").role == "contact"
    assert snapshot.contact_links == (ContactLink("u-1004", "u-3004", "parent", 1),)
    assert [s.source_id for s in snapshot.subjects] == ["crs-cs"]
    assert set(snapshot.deletions) == {
        Deletion("student", "u-1003", "ADM2003"),  # its role from the deleted roles.csv row
        Deletion("employee", "u-2002", "T0011"),
        # No role anywhere in the delta: every family, since only one can hold the id.
        Deletion("student", "u-3003", "C0003"),
        Deletion("employee", "u-3003", "C0003"),
        Deletion("contact", "u-3003", "C0003"),
        Deletion("subject", "crs-fr"),
        Deletion("class", "cls-10x-fr2"),
        Deletion("group", "hr-10y"),
    }


def test_1_2_delta_enrollments_do_not_replace_memberships(read_set: Opener) -> None:
    snapshot = read_set("v1p2-delta")
    # Classes are sent (the new one is created) but not covered: delta enrollments say only
    # what changed, and covering would empty every class the package names.
    assert "class" not in snapshot.covers and "group" not in snapshot.covers
    assert [c.source_id for c in snapshot.classes] == ["cls-10x-cs1"]
    (warning,) = issues_about(snapshot, "enrollments.csv is a delta")
    assert warning.severity == "warning"


def test_1_2_delta_user_without_a_role_in_the_package(read_set: Opener) -> None:
    snapshot = read_set("v1p2-delta")
    assert not [p for p in snapshot.people if p.source_id == "u-1002"]
    (issue,) = issues_about(snapshot, "does not say the user's role")
    assert (issue.severity, issue.source_id, issue.entity_type) == ("warning", "u-1002", "Student")
    assert "users.csv, line 2" in issue.message


def _package(tmp_path: Path, manifest: str, **files: str) -> Path:
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "manifest.csv").write_text(manifest)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


_MANIFEST_USERS = "propertyName,value\noneroster.version,1.1\nfile.users,{0}\n"
_USERS = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
)


def test_a_bad_row_is_an_issue_naming_file_and_line(tmp_path: Path) -> None:
    users = _USERS + (
        "s1,,,true,o,student,a,,Amy,Ng,,,,,,,07,\n"
        "s2,archived,,true,o,student,b,,Bea,Ng,,,,,,,07,\n"
        "t1,,,true,o,ext:librarian,c,,Cy,Ng,,,,,,,,\n"
        "s3,,,true,o,student,d,,Dee,Smith, Jr,,,,,,07,,,\n"
        ",,,true,o,student,e,,Eve,Ng,,,,,,,07,\n"
    )
    snapshot = read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("bulk"), users=users))
    assert [p.source_id for p in snapshot.people] == ["s1"]
    problems = {issue.source_id: issue for issue in snapshot.read_issues}
    assert set(problems) == {"s2", "t1", "s3", ""}
    assert all(issue.severity == "error" for issue in problems.values())
    assert problems["s2"].message.startswith("package/users.csv, line 3: status 'archived'")
    assert "role 'ext:librarian' is not a OneRoster role" in problems["t1"].message
    assert problems["t1"].entity_type == "Staff"
    assert "more values than the header" in problems["s3"].message
    assert problems["s3"].entity_type == "Student"
    assert "line 6: the user has no sourcedId" in problems[""].message


def test_one_sourcedid_for_two_users_names_both_lines(tmp_path: Path) -> None:
    users = _USERS + (
        "s1,,,true,o,student,a,,Amy,Ng,,,,,,,07,\n"
        "s2,,,true,o,student,b,,Bea,Ng,,,,,,,07,\n"
        "s1,,,true,o,student,c,,Ann,Ng,,,,,,,07,\n"
    )
    snapshot = read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("bulk"), users=users))
    assert [p.source_id for p in snapshot.people] == ["s2"]
    [issue] = snapshot.read_issues
    assert issue.source_id == "s1"
    assert issue.message.startswith("package/users.csv, lines 2 and 4: sourcedId s1 names")


def test_bulk_tobedeleted_rows_are_left_out_without_deletions(tmp_path: Path) -> None:
    users = (
        _USERS
        + "s1,,,true,o,student,a,,Amy,Ng,,,,,,,07,\ns2,tobedeleted,,,o,student,b,,B,N,,,,,,,,\n"
    )
    snapshot = read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("bulk"), users=users))
    assert [p.source_id for p in snapshot.people] == ["s1"]
    assert snapshot.deletions == () and snapshot.complete


def test_a_delta_row_without_status_is_an_upsert(tmp_path: Path) -> None:
    users = (
        _USERS + "s1,,,true,o,student,a,,Amy,Ng,,,,,,,07,\ns2,inactive,,,o,teacher,b,,B,N,,,,,,,,\n"
    )
    snapshot = read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("delta"), users=users))
    assert [p.source_id for p in snapshot.people] == ["s1"]
    assert snapshot.deletions == (Deletion("employee", "s2"),)  # 1.0's "inactive"
    assert not snapshot.complete


def test_a_manifest_only_package_changes_nothing(tmp_path: Path) -> None:
    snapshot = read_oneroster(_package(tmp_path, "propertyName,value\nfile.users,absent\n"))
    assert snapshot.people == () and snapshot.covers == frozenset()
    assert snapshot.complete is False


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    users = "sourcedId,status,role,givenName\ns1,,student,Amy\n"
    with pytest.raises(FileFormatError) as caught:
        read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("bulk"), users=users))
    assert str(caught.value).startswith("package/users.csv, line 1: has no 'familyName' column")


def test_a_file_the_manifest_promises_must_be_there(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"manifest says users\.csv is bulk, but the package"):
        read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("bulk")))


def test_an_unknown_mode_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"line 3: file\.users is 'full'"):
        read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("full"), users=_USERS))


def test_1_2_users_need_roles_from_somewhere(tmp_path: Path) -> None:
    users = "sourcedId,status,dateLastModified,enabledUser,username,givenName,familyName\n"
    with pytest.raises(FileFormatError, match="no 'role' column and the package has no roles"):
        read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("bulk"), users=users))


def test_an_unclosed_quote_stops_the_read_instead_of_swallowing_rows(tmp_path: Path) -> None:
    users = _USERS + 's1,,,true,o,student,a,,"Amy,Ng,,,,,,,07,\ns2,,,true,o,student,b,,Bea,Ng\n'
    with pytest.raises(FileFormatError) as caught:
        read_oneroster(_package(tmp_path, _MANIFEST_USERS.format("bulk"), users=users))
    assert "users.csv, line 2: a quoted value that starts here is never closed" in str(caught.value)


def test_enrollment_checks_in_a_bulk_package(tmp_path: Path) -> None:
    manifest = "propertyName,value\nfile.users,bulk\nfile.classes,bulk\nfile.enrollments,bulk\n"
    users = (
        _USERS + "s1,,,true,o,student,a,,Amy,Ng,,,,,,,07,\nt1,,,true,o,teacher,b,,Bo,Li,,,,,,,,\n"
    )
    classes = "sourcedId,title,classType\nc1,7A/Ma1,scheduled\n"
    enrollments = (
        "classSourcedId,userSourcedId,role\n"
        "c1,s1,student\nc1,t1,teacher\nc1,s1,teacher\nc1,ghost,student\nc2,s1,student\n"
    )
    snapshot = read_oneroster(
        _package(tmp_path, manifest, users=users, classes=classes, enrollments=enrollments)
    )
    (maths,) = snapshot.classes
    assert (maths.student_ids, maths.teacher_ids) == (("s1",), ("t1",))
    messages = sorted(issue.message for issue in snapshot.read_issues)
    assert messages == [
        "package/enrollments.csv, line 4: user s1 is enrolled as a teacher but is a student; "
        "the enrollment was not used",
        "package/enrollments.csv, line 5: the enrollment names user ghost, who is not in "
        "users.csv; it was not used",
        "package/enrollments.csv, line 6: the enrollment names class c2, which is not in the "
        "package; it was not used",
    ]


def test_groups_of_every_kind_and_the_courses_only_groups_name(tmp_path: Path) -> None:
    manifest = (
        "propertyName,value\nfile.users,bulk\nfile.courses,bulk\nfile.classes,bulk\n"
        "file.enrollments,bulk\n"
    )
    users = _USERS + "s1,,,true,o,student,a,,Amy,Ng,,,,,,,07,\n"
    courses = "sourcedId,title\nreg,Registration\ngrp,Other groups\nma,Maths\n"
    classes = (
        "sourcedId,title,courseSourcedId,classType\n"
        "f1,7AB,reg,homeroom\n"
        "h1,Drake,grp,ext:schoolsync.house\n"
        "y7,Year 7,grp,EXT:schoolsync.year\n"
        "m1,7A/Ma1,ma,scheduled\n"
        "x1,Robotics,ma,ext:vendor.club\n"
    )
    enrollments = "classSourcedId,userSourcedId,role\nh1,s1,student\ny7,s1,student\n"
    snapshot = read_oneroster(
        _package(
            tmp_path,
            manifest,
            users=users,
            courses=courses,
            classes=classes,
            enrollments=enrollments,
        )
    )
    kinds = {group.name: (group.kind, group.student_ids) for group in snapshot.groups}
    assert kinds == {
        "7AB": ("registration", ()),
        "Drake": ("house", ("s1",)),
        "Year 7": ("year", ("s1",)),
    }
    # another vendor's extension is still a teaching class
    assert sorted(c.name for c in snapshot.classes) == ["7A/Ma1", "Robotics"]
    # the stand-in courses of groups are not subjects
    assert [s.name for s in snapshot.subjects] == ["Maths"]


def test_path_traversal_and_odd_entries_in_a_zip(tmp_path: Path) -> None:
    manifest = b"propertyName,value\nfile.users,absent\n"
    ok = write_zip(
        tmp_path / "ok.zip", [("__MACOSX/._manifest.csv", b"\0"), ("manifest.csv", manifest)]
    )
    assert read_oneroster(ok).people == ()
    for bad in ("../manifest.csv", "/etc/manifest.csv", "C:\\temp\\manifest.csv", "a/../../x.csv"):
        path = write_zip(tmp_path / "bad.zip", [("manifest.csv", manifest), (bad, b"x")])
        with pytest.raises(FileFormatError, match="points outside the package"):
            read_oneroster(path)
