"""Reading Common Transfer Files as MIS software writes them (tests/cases/ctf/)."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolsync.model import Attendance, ContactLink, SenNeed, Snapshot
from schoolsync.sources.ctf.ids import contact_source_id
from schoolsync.sources.ctf.reader import parse_ctf, read_ctf
from tests.files.cases import CTF, issues_about, person


@pytest.fixture(scope="module")
def ctf25() -> Snapshot:
    return read_ctf(CTF / "ctf25-full.xml")


def test_a_ctf_is_never_the_whole_school(ctf25: Snapshot) -> None:
    assert ctf25.source == "ctf"
    assert ctf25.complete is False
    assert ctf25.covers == {"pupil", "contact", "contact_link"}
    assert ctf25.subjects == ctf25.classes == ctf25.groups == ctf25.deletions == ()


def test_school_comes_from_the_source_school(ctf25: Snapshot) -> None:
    school = ctf25.school
    assert school is not None
    assert (school.name, school.urn, school.la_code, school.establishment_number) == (
        "Larkfield Academy",
        "999401",
        "999",
        "4001",
    )
    assert school.mis == "ExampleMIS"


def test_pupil_names_identity_and_basics(ctf25: Snapshot) -> None:
    shiv = person(ctf25, "R999400118101")
    assert shiv.role == "student"
    assert shiv.upn == "R999400118101"
    # Preferred names are shown; the legal ones are kept beside them.
    assert (shiv.forename, shiv.surname) == ("Shiv", "O'Connor-Ní Bhriain")
    assert (shiv.legal_forename, shiv.legal_surname) == ("Siobhán", "O'Connor-Ní Bhriain")
    assert shiv.middle_names == "Máire Rós"
    assert shiv.date_of_birth == dt.date(2013, 11, 2)
    assert shiv.gender == "female"
    assert shiv.year_group == "7"
    assert shiv.email == "shiv.oconnor@pupils.larkfield.example"
    assert shiv.english_additional_language is False
    assert shiv.mis_id is None and shiv.upi is None

    olivia = person(ctf25, "J999400118104")
    assert (olivia.forename, olivia.surname, olivia.legal_surname) == (
        "Olivia-Rose",
        "Smith-Kowalska",
        "Smith",
    )
    assert olivia.year_group == "8"
    lucja = person(ctf25, "F999400118102")
    assert (lucja.forename, lucja.surname, lucja.english_additional_language) == (
        "Łucja",
        "Wójcik",
        True,
    )


def test_a_temporary_upn_is_a_upn(ctf25: Snapshot) -> None:
    pupil = person(ctf25, "H99940012411A")
    assert (pupil.forename, pupil.surname) == ("Minh Anh", "Nguyễn")
    assert pupil.english_additional_language is None  # first language "NOT" obtained
    assert not issues_about(ctf25, "H99940012411A")


def test_sen_status_and_ranked_needs(ctf25: Snapshot) -> None:
    shiv = person(ctf25, "R999400118101")
    assert shiv.sen_status == "K"
    # Written rank 2 first, and SENtype before SENtypeRank: order comes from the rank.
    assert shiv.sen_needs == (SenNeed("SPLD", 1), SenNeed("SLCN", 2))
    assert person(ctf25, "F999400118102").sen_status == "N"
    # A statement (S, before 2018) is read as the EHC plan it became.
    darcy = person(ctf25, "V999400118103")
    assert (darcy.sen_status, darcy.sen_needs) == ("E", (SenNeed("ASD", 1),))
    # The open episode wins over an older, ended one.
    assert person(ctf25, "J999400118104").sen_status == "E"
    assert person(ctf25, "H99940012411A").sen_status is None  # no SEN section at all


def test_free_school_meals(ctf25: Snapshot) -> None:
    assert person(ctf25, "R999400118101").free_school_meals is True  # an instance is open
    assert person(ctf25, "F999400118102").free_school_meals is False  # every instance ended
    # Ends after the file was written: still eligible when it was.
    assert person(ctf25, "J999400118104").free_school_meals is True
    assert person(ctf25, "V999400118103").free_school_meals is None  # no FSM section


def test_attendance_is_the_newest_year_at_this_school(ctf25: Snapshot) -> None:
    assert person(ctf25, "R999400118101").attendance == Attendance(380, 360, 14, 6, 0)
    # Two YearData for 2024: one from the school she moved from, one from this one.
    assert person(ctf25, "F999400118102").attendance == Attendance(260, 250, 8, 2, 0)
    assert person(ctf25, "V999400118103").attendance is None


def test_contacts_and_their_links(ctf25: Snapshot) -> None:
    contacts = {p.display_name: p for p in ctf25.people if p.role == "contact"}
    assert set(contacts) == {
        "Aoife O'Connor",
        "Cian Ó Briain",
        "Katarzyna Wójcik",
        "Adaeze Okonkwo",
        "Rohan Patel",
        "Thị Lan Nguyễn",
    }
    aoife = contacts["Aoife O'Connor"]
    assert (aoife.title, aoife.gender, aoife.email) == (
        "Mrs",
        "female",
        "aoife.oconnor@example.org",
    )
    assert aoife.source_id == contact_source_id("R999400118101", "1", "O'Connor", "Aoife")
    links = {(link.pupil_source_id, link.contact_source_id): link for link in ctf25.contact_links}
    assert links[("R999400118101", aoife.source_id)] == ContactLink(
        "R999400118101", aoife.source_id, "PAR", 1, True, True
    )
    cian = contacts["Cian Ó Briain"]
    assert links[("R999400118101", cian.source_id)].priority == 2
    assert links[("R999400118101", cian.source_id)].lives_with_pupil is None  # own address
    carer = links[("V999400118103", contacts["Adaeze Okonkwo"].source_id)]
    assert (carer.relationship, carer.parental_responsibility) == ("CAR", False)
    social_worker = links[("V999400118103", contacts["Rohan Patel"].source_id)]
    assert (social_worker.relationship, social_worker.lives_with_pupil) == ("SWR", False)


def test_contact_ids_are_stable_and_fold_case_and_spaces() -> None:
    one = contact_source_id("R999400118101", "1", "O'Connor", "Aoife")
    assert one == contact_source_id("R999400118101", "1", " o'CONNOR ", "aoife")
    assert one != contact_source_id("R999400118101", "2", "O'Connor", "Aoife")
    assert one != contact_source_id("F999400118102", "1", "O'Connor", "Aoife")
    assert one.startswith("ctf-contact-") and "Connor" not in one


def test_a_pupil_without_upn_is_left_out_with_an_error(ctf25: Snapshot) -> None:
    assert not [p for p in ctf25.people if p.surname == "Abara"]
    (issue,) = issues_about(ctf25, "Pupil[5]")
    assert issue.severity == "error"
    assert (issue.entity_type, issue.entity_name) == ("Student", "Chinonso Abara")
    assert "no UPN" in issue.message
    assert issue.message.startswith("ctf25-full.xml, /CTfile/CTFpupilData/Pupil[5] (pupil Chinon")


def test_a_wrong_date_is_a_warning_naming_pupil_and_element(ctf25: Snapshot) -> None:
    darcy = person(ctf25, "V999400118103")
    assert darcy.date_of_birth is None
    (issue,) = issues_about(ctf25, "/DOB")
    assert issue.severity == "warning"
    assert issue.source_id == "V999400118103"
    assert issue.message.startswith(
        "ctf25-full.xml, /CTfile/CTFpupilData/Pupil[3]/DOB (pupil UPN V999400118103): "
        "'31/02/2014' is not a date"
    )


def test_ctf17_with_namespace_gender_and_shuffled_elements() -> None:
    snapshot = read_ctf(CTF / "ctf17-gender-namespace.xml")
    ciaran = person(snapshot, "T999400117201")
    assert (ciaran.forename, ciaran.legal_forename, ciaran.surname) == (
        "Ciarán",
        "Ciaran",
        "Fitzgerald",
    )
    assert (ciaran.gender, ciaran.date_of_birth, ciaran.year_group) == (
        "male",
        dt.date(2002, 6, 21),
        "10",
    )
    # School Action Plus (before 2014) is SEN support now; BESD is kept as written.
    assert ciaran.sen_status == "K"
    assert ciaran.sen_needs == (SenNeed("BESD", 1), SenNeed("MLD", 2))
    noor = person(snapshot, "G999400117202")
    assert noor.free_school_meals is True
    assert noor.attendance == Attendance(260, 250, 7, 3, 0)  # 2017 is newer than 2016
    # Contacts in any order; Order gives the priority; "1" is a true Responsibility.
    priorities = {
        link.priority for link in snapshot.contact_links if link.pupil_source_id == noor.source_id
    }
    assert priorities == {1, 2}
    (grainne_link,) = [
        link for link in snapshot.contact_links if link.pupil_source_id == ciaran.source_id
    ]
    assert grainne_link.parental_responsibility is True
    tyler = person(snapshot, "W999400117203")
    assert (tyler.gender, tyler.year_group, tyler.date_of_birth) == ("male", "10", None)
    assert issues_about(snapshot, "'2003-02-29' is not a date")
    assert snapshot.school is not None and snapshot.school.name == "Ashgrove High School"


def test_partial_ctf_from_a_dfe_service() -> None:
    snapshot = read_ctf(CTF / "ctf24-partial-mtc.xml")
    zoe = person(snapshot, "Z999400120107")
    assert (zoe.forename, zoe.surname, zoe.gender) == ("ZOË", "O'NEILL", "female")
    assert zoe.date_of_birth == dt.date(2014, 10, 3)
    assert (zoe.year_group, zoe.sen_status, zoe.free_school_meals, zoe.attendance) == (
        None,
        None,
        None,
        None,
    )
    assert [p.role for p in snapshot.people] == ["student", "student"]
    assert snapshot.read_issues == ()
    # No <Contacts> section: it says nothing about contacts, so must not replace any.
    assert snapshot.covers == {"pupil"}


def test_ctf_with_bom_and_crlf() -> None:
    snapshot = read_ctf(CTF / "ctf23-bom-crlf.xml")
    assert [(p.forename, p.surname, p.year_group) for p in snapshot.people] == [
        ("Zoë", "Brontë", "R"),
        ("Seán", "Ó Súilleabháin", "N2"),
    ]
    assert snapshot.school is not None and snapshot.school.name == "St Brontë's C of E Primary"


def test_windows_1252_bytes_in_a_file_that_claims_utf8() -> None:
    text = (CTF / "ctf23-bom-crlf.xml").read_bytes().decode("utf-8-sig")
    snapshot = parse_ctf(text.encode("cp1252"), "hand-edited.xml")
    assert [p.forename for p in snapshot.people] == ["Zoë", "Seán"]


def test_two_pupils_with_one_upn_are_both_left_out() -> None:
    pupil = "<Pupil><UPN>R999400118101</UPN><Surname>{0}</Surname><Forename>A</Forename></Pupil>"
    data = (
        "<CTfile><CTFpupilData>"
        + pupil.format("One")
        + pupil.format("Two")
        + pupil.format("One")
        + "</CTFpupilData></CTfile>"
    ).encode()
    snapshot = parse_ctf(data, "dupes.xml")
    assert snapshot.people == ()
    (issue,) = snapshot.read_issues
    assert issue.source_id == "R999400118101" and issue.severity == "error"
    assert "Pupil[1] and Pupil[2] and Pupil[3]" in issue.message


def test_an_exact_repeat_is_read_once() -> None:
    pupil = "<Pupil><UPN>R999400118101</UPN><Surname>Ng</Surname><Forename>A</Forename></Pupil>"
    snapshot = parse_ctf(f"<CTfile><CTFpupilData>{pupil}{pupil}</CTFpupilData></CTfile>".encode())
    assert [p.source_id for p in snapshot.people] == ["R999400118101"]
    assert snapshot.read_issues == ()


@pytest.mark.parametrize(
    ("element", "value", "expected_problem"),
    [
        ("<Sex>Q</Sex>", "gender", "is not a sex"),
        ("<BasicDetails><NCyearActual>Y15</NCyearActual></BasicDetails>", "year_group", "year"),
        (
            "<SENhistory><SEN><SENprovision>Z</SENprovision></SEN></SENhistory>",
            "sen_status",
            "SEN provision",
        ),
        (
            "<Attendance><YearData><Year>2024</Year><SessionsPossible>lots</SessionsPossible>"
            "</YearData></Attendance>",
            "attendance",
            "number of sessions",
        ),
        ("<UPN2>x</UPN2><DOB>2014-13-01</DOB>", "date_of_birth", "not a date"),
    ],
)
def test_unreadable_values_are_dropped_with_a_warning(
    element: str, value: str, expected_problem: str
) -> None:
    data = (
        "<CTfile><CTFpupilData><Pupil><UPN>R999400118101</UPN><Surname>Ng</Surname>"
        f"<Forename>Li</Forename>{element}</Pupil></CTFpupilData></CTfile>"
    ).encode()
    snapshot = parse_ctf(data, "values.xml")
    pupil = person(snapshot, "R999400118101")
    assert getattr(pupil, value) is None
    (issue,) = snapshot.read_issues
    assert issue.severity == "warning"
    assert expected_problem in issue.message
    assert issue.message.startswith("values.xml, /CTfile/CTFpupilData/Pupil[1]/")
    assert "(pupil UPN R999400118101)" in issue.message


def test_lenient_booleans_and_dates() -> None:
    data = b"""<CTfile><Header><DateTime>2024-01-01T00:00:00</DateTime></Header><CTFpupilData>
      <Pupil><UPN>R999400118101</UPN><Surname>Ng</Surname><Forename>Li</Forename>
        <DOB>09/03/2014</DOB>
        <Contacts><Contact><Order>1</Order><Surname>Ng</Surname><Forename>Mei</Forename>
          <Responsibility>Y</Responsibility><Address><AddressAsPupil>TRUE</AddressAsPupil>
          </Address></Contact></Contacts>
      </Pupil></CTFpupilData></CTfile>"""
    snapshot = parse_ctf(data)
    assert person(snapshot, "R999400118101").date_of_birth == dt.date(2014, 3, 9)
    (link,) = snapshot.contact_links
    assert (link.parental_responsibility, link.lives_with_pupil) == (True, True)
    assert snapshot.read_issues == ()
