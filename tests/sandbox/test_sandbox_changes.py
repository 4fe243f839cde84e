"""MIS changes, observed the way a syncing client observes them: through the API."""

from __future__ import annotations

import random
import re
from typing import Any

import httpx
import pytest

from schoolsync.sandbox import CHANGE_KINDS, SandboxSchool, apply_change, apply_random_changes

from .helpers import TOKEN, FakeClock, Served, add_school, fetch_all


def _change(served: Served, school: SandboxSchool, kind: str, seed: int = 0) -> str:
    response = httpx.post(
        f"{served.control_url}schools/{school.id}/changes",
        json={"kind": kind, "seed": seed},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 200, response.text
    [description] = response.json()["applied"]
    assert description.startswith(f"{kind}:")
    return str(description)


def _since(clock: FakeClock) -> str:
    """Move the clock on and return the moment as an `updated_after` value."""
    return clock.advance(minutes=5).strftime("%Y-%m-%d %H:%M:%S")


def _changed(
    api: httpx.Client, school: SandboxSchool, kind: str, since: str, **params: Any
) -> list[dict[str, Any]]:
    return fetch_all(api, f"schools/{school.id}/{kind}", updated_after=since, **params)


def _parts(pattern: str, description: str) -> tuple[str, ...]:
    match = re.search(pattern, description)
    assert match, description
    return match.groups()


def _id_in(description: str) -> str:
    return _parts(r"\((A\d+)\)", description)[0]


def test_new_joiner_arrives_with_family_form_house_and_classes(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    before = len(school.students)
    since = _since(clock)
    joined = _id_in(_change(served, school, "new_joiner"))
    [pupil] = _changed(
        api,
        school,
        "students",
        since,
        include="year,registration,house,contacts,classes,education_details",
    )
    assert pupil["id"] == joined and len(school.students) == before + 1
    assert pupil["created_at"]["date"].startswith(since)
    for group in ("year", "registration", "house"):
        assert pupil[group]["data"] is not None
    assert pupil["classes"]["data"]
    assert pupil["education_details"]["data"]["current_nc_year"] == pupil["year"]["data"]["code"]
    new_contacts = {c["id"] for c in _changed(api, school, "contacts", since)}
    assert {c["id"] for c in pupil["contacts"]["data"]} == new_contacts != set()
    touched_groups = {g["id"] for g in _changed(api, school, "groups", since)}
    assert {pupil[g]["data"]["id"] for g in ("year", "registration", "house")} == touched_groups
    touched_classes = {c["id"] for c in _changed(api, school, "classes", since)}
    assert touched_classes == {c["id"] for c in pupil["classes"]["data"]}


def test_leaver_disappears_everywhere_and_is_logged(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    since = _since(clock)
    left = _id_in(_change(served, school, "leaver"))
    url = f"schools/{school.id}"
    assert api.get(f"{url}/students/{left}").status_code == 404
    assert left not in {s["id"] for s in fetch_all(api, f"{url}/students")}
    classes = _changed(api, school, "classes", since, include="students")
    groups = _changed(api, school, "groups", since, include="students")
    assert classes and groups
    for record in classes + groups:
        assert left not in {s["id"] for s in record["students"]["data"]}
    deletions = api.get(f"{url}/deletions", params={"type": "student"}).json()["data"]
    assert [d["id"] for d in deletions] == [left]


def test_class_move_swaps_one_class_for_a_parallel_one(
    served: Served, api: httpx.Client, clock: FakeClock
) -> None:
    school = add_school(served, clock, pupils=700)
    since = _since(clock)
    description = _change(served, school, "class_move")
    mover = _id_in(description)
    source, target = _parts(r"from (\S+) to (\S+)$", description)
    [pupil] = _changed(api, school, "students", since, include="classes.subject")
    assert pupil["id"] == mover
    names = {c["name"] for c in pupil["classes"]["data"]}
    assert target in names and source not in names
    classes = {c["name"]: c for c in _changed(api, school, "classes", since, include="students")}
    assert set(classes) == {source, target}
    assert classes[source]["subject"] == classes[target]["subject"]
    assert mover in {s["id"] for s in classes[target]["students"]["data"]}


def test_rename_changes_the_surname(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    since = _since(clock)
    description = _change(served, school, "rename")
    [pupil] = _changed(api, school, "students", since)
    assert description.endswith(f"is now {pupil['forename']} {pupil['surname']}")
    assert pupil["legal_surname"] == pupil["surname"]
    assert pupil["initials"] == (pupil["forename"][:1] + pupil["surname"][:1]).upper()


def test_email_change_updates_a_member_of_staff(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    since = _since(clock)
    description = _change(served, school, "email_change")
    [person] = _changed(api, school, "employees", since, include="contact_details")
    emails = person["contact_details"]["data"]["emails"]
    assert description.endswith(f"to {emails['email']}")
    assert emails["email"] == emails["work"] == emails["primary"]
    assert emails["email"].endswith("@" + school.email_domain)


def test_year_group_change_moves_year_and_form(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    since = _since(clock)
    description = _change(served, school, "year_group_change")
    old, new = _parts(r"from year (\w+) to year (\w+)", description)
    [pupil] = _changed(
        api, school, "students", since, include="year,registration,education_details"
    )
    assert pupil["year"]["data"]["code"] == new != old
    assert pupil["education_details"]["data"]["current_nc_year"] == new
    form_id = pupil["registration"]["data"]["id"]
    form = api.get(f"schools/{school.id}/groups/{form_id}", params={"include": "students"})
    assert pupil["id"] in {s["id"] for s in form.json()["data"]["students"]["data"]}
    changed_groups = {g["code"] for g in _changed(api, school, "groups", since, type="YEAR")}
    assert changed_groups == {old, new}


def test_emptied_class_keeps_the_class_without_pupils(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    since = _since(clock)
    description = _change(served, school, "emptied_class")
    [record] = _changed(api, school, "classes", since, include="students")
    assert record["students"]["data"] == []
    empty = fetch_all(api, f"schools/{school.id}/classes", has_students="false")
    assert record["id"] in {c["id"] for c in empty}
    count = int(_parts(r"all (\d+) pupils", description)[0])
    assert len(_changed(api, school, "students", since)) == count > 0


def test_deleted_class_is_gone_and_logged(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    since = _since(clock)
    gone = _id_in(_change(served, school, "deleted_class"))
    url = f"schools/{school.id}"
    assert api.get(f"{url}/classes/{gone}").status_code == 404
    [entry] = api.get(f"{url}/deletions", params={"updated_after": since}).json()["data"]
    assert entry["type"] == "class" and entry["id"] == gone


def test_deleted_subject_takes_its_classes(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    since = _since(clock)
    description = _change(served, school, "deleted_subject")
    subject = _id_in(description)
    url = f"schools/{school.id}"
    assert api.get(f"{url}/subjects/{subject}").status_code == 404
    assert api.get(f"{url}/classes", params={"class_subject": subject}).json()["data"] == []
    deletions = api.get(f"{url}/deletions", params={"updated_after": since}).json()["data"]
    kinds = [d["type"] for d in deletions]
    taught = int(_parts(r"with (\d+) classes", description)[0])
    assert kinds.count("subject") == 1 and kinds.count("class") == taught > 0


def test_teacher_leaver_leaves_staff_and_classes(
    served: Served, api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    since = _since(clock)
    gone = _id_in(_change(served, school, "teacher_leaver"))
    url = f"schools/{school.id}"
    assert api.get(f"{url}/employees/{gone}").status_code == 404
    for record in fetch_all(api, f"{url}/classes", include="employees"):
        assert gone not in {e["id"] for e in record["employees"]["data"]}
    [entry] = api.get(f"{url}/deletions", params={"type": "employee"}).json()["data"]
    assert entry["id"] == gone and entry["deleted_at"]["date"].startswith(since)


def test_random_changes_are_a_repeatable_routine_mix(served: Served, clock: FakeClock) -> None:
    first, second = add_school(served, clock, seed=11), add_school(served, clock, seed=11)
    applied = apply_random_changes(first, 150, seed=5)
    # Same school, same seed: the same story (ids differ only through the school id).
    assert [a.split(":")[0] for a in applied] == [
        a.split(":")[0] for a in apply_random_changes(second, 150, seed=5)
    ]
    kinds = {a.split(":")[0] for a in applied}
    assert {"new_joiner", "leaver", "class_move"} <= kinds
    assert not kinds & {"deleted_class", "deleted_subject"}
    assert {d["type"] for d in first.deletions} <= {"student", "contact", "employee"}


def test_changes_over_http_by_kind_and_count_or_at_random(
    served: Served, school: SandboxSchool
) -> None:
    control = httpx.Client(
        base_url=served.control_url, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    pupils = len(school.students)
    leavers = control.post(f"schools/{school.id}/changes", json={"kind": "leaver", "count": 3})
    assert len(leavers.json()["applied"]) == 3 and len(school.students) == pupils - 3
    mixed = control.post(f"schools/{school.id}/changes", json={"random": 20, "seed": 5})
    assert mixed.status_code == 200 and len(mixed.json()["applied"]) == 20
    [listed] = [s for s in control.get("schools").json()["data"] if s["id"] == school.id]
    assert listed["name"] == school.name and listed["counts"]["students"] == len(school.students)
    assert TOKEN not in control.get("schools").text


def test_unknown_change_kinds_are_refused_with_the_valid_list(
    served: Served, school: SandboxSchool
) -> None:
    with pytest.raises(ValueError, match="valid kinds: new_joiner, leaver"):
        apply_change(school, "alien_abduction", random.Random(0))
    response = httpx.post(
        f"{served.control_url}schools/{school.id}/changes",
        json={"kind": "alien_abduction"},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422
    assert all(kind in response.json()["error_description"] for kind in CHANGE_KINDS)
