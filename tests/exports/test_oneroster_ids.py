"""sourcedIds: which link they come from, and what happens when links are missing or shared."""

from __future__ import annotations

from dataclasses import replace

from schoolsync.exports.oneroster_ids import person_ids, structure_ids
from schoolsync.exports.roster import PersonRecord, SubjectRecord

PUPIL = PersonRecord(
    id=1,
    family="pupil",
    role="student",
    source_id="w-1",
    mis_id="1001",
    upi="upi-1",
    upn="A999400125001",
    forename="Zoë",
    surname="O'Brien",
    middle_names=None,
    gender=None,
    date_of_birth=None,
    email=None,
    username=None,
    year_group="7",
)


def test_the_upi_decides_so_a_new_source_id_or_row_keeps_the_id() -> None:
    before = person_ids("school", [PUPIL])[1]
    after = person_ids("school", [replace(PUPIL, id=77, source_id="w-new", mis_id="9")])[77]

    assert before == after


def test_without_a_upi_the_next_link_in_identity_order_decides() -> None:
    no_upi = replace(PUPIL, upi=None)

    assert person_ids("s", [no_upi])[1] == person_ids("s", [replace(no_upi, mis_id="x")])[1]
    assert person_ids("s", [no_upi])[1] != person_ids("s", [replace(no_upi, source_id="y")])[1]


def test_a_record_without_any_link_falls_back_to_its_row() -> None:
    bare = replace(PUPIL, upi=None, source_id=None, upn=None, mis_id=None)

    ids = person_ids("s", [bare, replace(bare, id=2)])

    assert len(set(ids.values())) == 2
    assert ids == person_ids("s", [bare, replace(bare, id=2)])


def test_a_shared_link_identifies_neither_record() -> None:
    twin = replace(PUPIL, id=2, source_id="w-2")

    ids = person_ids("s", [PUPIL, twin])

    assert len(set(ids.values())) == 2


def test_families_and_schools_never_share_ids() -> None:
    contact = replace(PUPIL, id=2, family="contact", role="contact")

    ids = person_ids("s", [PUPIL, contact])

    assert ids[1] != ids[2]
    assert person_ids("a", [PUPIL])[1] != person_ids("b", [PUPIL])[1]


def test_structures_of_different_kinds_never_share_ids() -> None:
    subject = SubjectRecord(id=1, source_id="w-1", mis_id=None, name="Maths", code=None)

    assert structure_ids("s", "class", [subject]) != structure_ids("s", "homeroom", [subject])
