"""Values longer than the store holds never reach it: an id or name too long leaves its record
out with an error, anything else is dropped with a warning."""

from __future__ import annotations

from schoolsync.sources.ctf import parse_ctf
from schoolsync.sources.oneroster import parse_oneroster
from schoolsync.sources.oneroster_package import Package
from schoolsync.sources.staffcsv import parse_staff_csv


def _pupil(upn: str, surname: str = "Ng", extra: str = "") -> str:
    return (
        f"<Pupil><UPN>{upn}</UPN><Surname>{surname}</Surname><Forename>Li</Forename>{extra}</Pupil>"
    )


def test_a_upn_or_name_too_long_leaves_the_pupil_out() -> None:
    contact = (
        "<Contacts><Contact><Order>1</Order><Title>" + "T" * 50 + "</Title><Surname>Ng"
        "</Surname><Forename>Mei</Forename></Contact></Contacts>"
    )
    pupils = (
        _pupil("R999400118101" * 3)
        + _pupil("F999400118102", "N" * 121, contact)
        + _pupil("V999400118103", extra=contact)
    )
    snapshot = parse_ctf(f"<CTfile><CTFpupilData>{pupils}</CTFpupilData></CTfile>".encode())
    assert [p.source_id for p in snapshot.people if p.role == "student"] == ["V999400118103"]
    # The left-out pupil's contact link goes too; the kept pupil's contact loses its title.
    assert [link.pupil_source_id for link in snapshot.contact_links] == ["V999400118103"]
    messages = [issue.message for issue in snapshot.read_issues]
    assert (
        "CTF.xml: upn is longer than the 20 characters schoolsync can store; it was left out"
        in (messages)
    )
    assert any("surname is longer than the 120" in m for m in messages)
    assert any("title is longer than the 40" in m and "left blank" in m for m in messages)
    assert all(len(issue.source_id) <= 64 for issue in snapshot.read_issues)


def test_a_staff_id_too_long_and_an_email_too_long() -> None:
    data = (
        "Staff ID,Forename,Surname,Email\n"
        f"{'S' * 65},Amy,Ng,amy@x.example\nS2,Bo,Li,{'b' * 250}@x.example\n"
    ).encode()
    snapshot = parse_staff_csv(data)
    (bo,) = snapshot.people
    assert (bo.source_id, bo.email) == ("S2", None)
    severities = sorted(issue.severity for issue in snapshot.read_issues)
    assert severities == ["error", "warning"]


def test_a_class_name_too_long_and_a_school_name_cut() -> None:
    manifest = b"propertyName,value\nfile.classes,bulk\nfile.orgs,bulk\n"
    classes = f"sourcedId,title,classType\nc1,{'X' * 201},scheduled\nc2,7A,homeroom\n".encode()
    orgs = f"sourcedId,name,type\no1,{'Academy ' * 40},school\n".encode()
    snapshot = parse_oneroster(
        Package("p", {"manifest.csv": manifest, "classes.csv": classes, "orgs.csv": orgs})
    )
    assert snapshot.classes == () and [g.name for g in snapshot.groups] == ["7A"]
    assert snapshot.school is not None and len(snapshot.school.name) == 200
    assert any("name is longer than the 200" in i.message for i in snapshot.read_issues)
