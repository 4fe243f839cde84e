"""Values longer than the store holds never reach it, whatever the source: an id too long leaves
its record out with an error, a name too long is cut with a warning, anything else is not used
(and a stored value kept) with a warning."""

from __future__ import annotations

from schoolsync.engine.fit import fit
from schoolsync.model import Snapshot
from schoolsync.sources.ctf.reader import parse_ctf
from schoolsync.sources.oneroster.package import Package
from schoolsync.sources.oneroster.reader import parse_oneroster
from schoolsync.sources.staffcsv import parse_staff_csv
from schoolsync.store.sizes import STORE_SIZES
from tests.builders import plan_for, snapshot, stored_person, teacher


def fitted(snapshot: Snapshot) -> Snapshot:
    return fit(snapshot, STORE_SIZES)


def _pupil(upn: str, surname: str = "Ng", extra: str = "") -> str:
    return (
        f"<Pupil><UPN>{upn}</UPN><Surname>{surname}</Surname><Forename>Li</Forename>{extra}</Pupil>"
    )


def test_a_upn_too_long_leaves_the_pupil_out_and_a_name_too_long_is_cut() -> None:
    contact = (
        "<Contacts><Contact><Order>1</Order><Title>" + "T" * 50 + "</Title><Surname>Ng"
        "</Surname><Forename>Mei</Forename></Contact></Contacts>"
    )
    pupils = (
        _pupil("R999400118101" * 3)
        + _pupil("F999400118102", "N" * 121, contact)
        + _pupil("V999400118103", extra=contact)
    )
    snapshot = fitted(parse_ctf(f"<CTfile><CTFpupilData>{pupils}</CTFpupilData></CTfile>".encode()))
    kept = {p.source_id: p for p in snapshot.people if p.role == "student"}
    assert sorted(kept) == ["F999400118102", "V999400118103"]
    assert kept["F999400118102"].surname == "N" * 120
    # The left-out pupil's contact link goes too; the kept pupils' contacts lose their title.
    assert sorted(link.pupil_source_id for link in snapshot.contact_links) == [
        "F999400118102",
        "V999400118103",
    ]
    messages = [issue.message for issue in snapshot.read_issues]
    assert (
        "CTF.xml: upn is longer than the 20 characters schoolsync can store; it was left out"
        in (messages)
    )
    assert (
        "CTF.xml: surname is longer than the 120 characters schoolsync can store; it was cut "
        "to 120 characters" in messages
    )
    assert any("title is longer than the 40" in m and "not used" in m for m in messages)
    assert all(p.title is None for p in snapshot.people if p.role == "contact")
    assert all(len(issue.source_id) <= 64 for issue in snapshot.read_issues)


def test_a_staff_id_too_long_and_an_email_too_long() -> None:
    data = (
        "Staff ID,Forename,Surname,Email\n"
        f"{'S' * 65},Amy,Ng,amy@x.example\nS2,Bo,Li,{'b' * 250}@x.example\n"
    ).encode()
    snapshot = fitted(parse_staff_csv(data))
    (bo,) = snapshot.people
    assert (bo.source_id, bo.email) == ("S2", None)
    assert "email" in bo.unreadable  # a stored email is kept
    severities = sorted(issue.severity for issue in snapshot.read_issues)
    assert severities == ["error", "warning"]


def test_a_class_name_and_a_school_name_too_long_are_cut() -> None:
    manifest = b"propertyName,value\nfile.classes,bulk\nfile.orgs,bulk\n"
    classes = f"sourcedId,title,classType\nc1,{'X' * 201},scheduled\nc2,7A,homeroom\n".encode()
    orgs = f"sourcedId,name,type\no1,{'Academy ' * 40},school\n".encode()
    snapshot = fitted(
        parse_oneroster(
            Package("p", {"manifest.csv": manifest, "classes.csv": classes, "orgs.csv": orgs})
        )
    )
    assert [c.name for c in snapshot.classes] == ["X" * 200]
    assert [g.name for g in snapshot.groups] == ["7A"]
    assert snapshot.school is not None and len(snapshot.school.name) == 200
    assert any("name is longer than the 200" in i.message for i in snapshot.read_issues)


def test_an_email_too_long_never_blanks_the_stored_one() -> None:
    from schoolsync.model.current import Current

    stored = stored_person(1, teacher("T1", email="t1@school.org.uk"))
    sent = snapshot(teacher("T1", email="t" * 300 + "@school.org.uk"))
    validated, plan = plan_for(fitted(sent), Current(people=(stored,)))
    assert [i.severity for i in validated.issues] == ["warning"]
    assert plan.changes == ()


def test_a_new_field_of_the_store_needs_no_code_in_fit() -> None:
    """Sizes drive it: a name-like column is cut, any other is not used."""
    sizes = {**STORE_SIZES, "people": {**STORE_SIZES["people"], "middle_names": 5, "title": 3}}
    [person] = fit(snapshot(teacher("T1", middle_names="Mary Ann", title="Prof")), sizes).people
    assert (person.middle_names, person.title) == ("Mary ", None)
    assert person.unreadable == frozenset({"title"})
