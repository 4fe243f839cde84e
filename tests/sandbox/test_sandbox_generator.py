"""Generated schools, as a client sees them through the API: size, realism, determinism."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import date

import httpx

from schoolsync.sandbox import Sandbox, generate_school, running_sandbox
from schoolsync.sandbox.identifiers import is_valid_upn, upn, upn_check_letter
from schoolsync.sandbox.names import ascii_fold

from .helpers import BIG_SCHOOL_ID, START, TOKEN, FakeClock, Served, add_school, fetch_all

BIG = f"schools/{BIG_SCHOOL_ID}"


def _counts(api: httpx.Client, school_id: str) -> dict[str, int]:
    kinds = "students,employees,classes,contacts,groups,subjects"
    body = api.get(f"schools/{school_id}/counts", params={"include": kinds}).json()
    return {kind: value["data"]["count"] for kind, value in body["data"].items()}


def test_a_2000_pupil_secondary_is_sized_like_one(api: httpx.Client) -> None:
    counts = _counts(api, BIG_SCHOOL_ID)
    assert counts["students"] == 2000
    assert 140 <= counts["employees"] <= 160
    assert 900 <= counts["classes"] <= 1100
    assert 20 <= counts["subjects"] <= 25
    assert 2600 <= counts["contacts"] <= 3400

    staff = fetch_all(api, f"{BIG}/employees", per_page=200, include="employment_details")
    teaching = [e for e in staff if e["employment_details"]["data"]["teaching_staff"]]
    assert 100 <= len(teaching) <= 120

    classes = fetch_all(api, f"{BIG}/classes", per_page=200, include="students,employees")
    memberships = sum(len(c["students"]["data"]) for c in classes)
    assert 22_000 <= memberships <= 28_000
    assert {len(c["employees"]["data"]) for c in classes} == {1, 2}

    school = api.get(BIG).json()["data"]
    assert school["phase_of_education"] == "SECONDARY"
    years = api.get(f"{BIG}/groups", params={"type": "YEAR"}).json()["data"]
    assert [g["code"] for g in years] == ["7", "8", "9", "10", "11", "12", "13"]
    forms = fetch_all(api, f"{BIG}/groups", type="registration", include="students")
    assert all(25 <= len(f["students"]["data"]) <= 30 for f in forms)
    houses = api.get(f"{BIG}/groups", params={"type": "HOUSE"}).json()["data"]
    assert len(houses) == 4


def test_under_700_pupils_is_a_primary_taught_mostly_in_forms(
    served: Served, api: httpx.Client, clock: FakeClock
) -> None:
    school = add_school(served, clock, pupils=420)
    url = f"schools/{school.id}"
    assert api.get(url).json()["data"]["phase_of_education"] == "PRIMARY"
    years = api.get(f"{url}/groups", params={"type": "YEAR"}).json()["data"]
    assert [g["name"] for g in years] == ["Reception", *(f"Year {n}" for n in range(1, 7))]
    forms = {g["name"] for g in fetch_all(api, f"{url}/groups", type="REGISTRATION")}
    classes = fetch_all(api, f"{url}/classes")
    form_based = [c for c in classes if c["name"].split("/")[0] in forms]
    assert len(form_based) > len(classes) / 2


def test_people_have_realistic_identifiers(api: httpx.Client) -> None:
    pupils = fetch_all(api, f"{BIG}/students", per_page=200, include="education_details")
    staff = fetch_all(api, f"{BIG}/employees", per_page=200)
    contacts = fetch_all(api, f"{BIG}/contacts", per_page=200)
    people = pupils + staff + contacts
    ids = [p["id"] for p in people]
    assert all(re.fullmatch(r"A\d{9,10}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{32}", p["upi"]) for p in people)
    assert all(p["mis_id"].isdigit() for p in people)
    upns = [p["education_details"]["data"]["upn"] for p in pupils]
    assert all(is_valid_upn(u) for u in upns)
    assert len(set(upns)) == len(upns)


def test_upn_check_letter_follows_the_dfe_algorithm() -> None:
    # The valid and invalid examples from python-stdnum's gb.upn doctests.
    assert upn_check_letter("801200005001") == "B"
    assert upn("801", "2000", 2005, 1) == "B801200005001"
    assert is_valid_upn("B801200005001")
    assert not is_valid_upn("A801200005001")


def test_birthdays_match_year_groups(api: httpx.Client) -> None:
    pupils = fetch_all(api, f"{BIG}/students", per_page=200, include="education_details")
    school_year_start = START.year - 1  # START is in March, so the year began last September
    for pupil in pupils:
        year = int(pupil["education_details"]["data"]["current_nc_year"])
        born = date.fromisoformat(pupil["date_of_birth"]["date"][:10])
        assert pupil["date_of_birth"]["timezone"] == "Europe/London"
        assert (
            date(school_year_start - year - 5, 9, 1)
            <= born
            <= date(school_year_start - year - 4, 8, 31)
        )


def test_names_include_apostrophes_hyphens_accents_and_spaces(api: httpx.Client) -> None:
    people = (
        fetch_all(api, f"{BIG}/students", per_page=200)
        + fetch_all(api, f"{BIG}/contacts", per_page=200)
        + fetch_all(api, f"{BIG}/employees", per_page=200)
    )
    surnames = {p["surname"] for p in people}
    forenames = {p["forename"] for p in people}
    every = surnames | forenames
    assert any("'" in name for name in surnames)
    assert any("-" in name for name in surnames)
    assert any(" " in name for name in surnames)
    assert any(name != ascii_fold(name) for name in every)
    assert any(ord(ch) > 0xFF for name in every for ch in name)  # beyond Latin-1: Ł, ễ
    assert len(surnames) > 200


def test_staff_and_contacts_have_emails(api: httpx.Client) -> None:
    school = api.get(BIG).json()["data"]
    staff = fetch_all(api, f"{BIG}/employees", per_page=200, include="contact_details")
    domains = {e["contact_details"]["data"]["emails"]["email"].split("@")[1] for e in staff}
    assert len(domains) == 1
    for person in staff:
        email = person["contact_details"]["data"]["emails"]["email"]
        local = email.split("@")[0]
        assert email == email.lower() and email.isascii()
        assert local.startswith(ascii_fold(person["forename"]).lower().replace(" ", "")[:1])
    assert school["name"]
    contacts = fetch_all(api, f"{BIG}/contacts", per_page=200, include="contact_details")
    with_email = [c for c in contacts if c["contact_details"]["data"]["emails"]["email"]]
    assert len(with_email) > 0.8 * len(contacts)


def test_pupil_attributes_are_plausible(api: httpx.Client) -> None:
    pupils = fetch_all(
        api, f"{BIG}/students", per_page=200, include="extended_details,sen_needs,contacts"
    )
    genders = Counter(p["gender"] for p in pupils)
    assert genders["MALE"] > 900 and genders["FEMALE"] > 900
    assert 0 < sum(n for g, n in genders.items() if g not in ("MALE", "FEMALE")) < 80
    statuses = Counter(p["extended_details"]["data"]["sen_status"] for p in pupils)
    assert set(statuses) == {"N", "K", "E"}
    assert statuses["N"] > statuses["K"] > statuses["E"]
    for pupil in pupils:
        needs = pupil["sen_needs"]["data"]
        if pupil["extended_details"]["data"]["sen_status"] == "N":
            assert needs == []
        else:
            assert [n["rank"] for n in needs] == list(range(1, len(needs) + 1)) and needs
    fsm = sum(p["extended_details"]["data"]["free_school_meals"] for p in pupils)
    assert 0.1 < fsm / len(pupils) < 0.4
    assert statistics.mean(len(p["contacts"]["data"]) for p in pupils) > 1.4
    shared = Counter(c["id"] for p in pupils for c in p["contacts"]["data"])
    assert any(n > 1 for n in shared.values())  # siblings share their parents


def test_class_and_form_names_look_like_a_mis(api: httpx.Client) -> None:
    classes = fetch_all(api, f"{BIG}/classes", per_page=200)
    assert all(re.fullmatch(r"\d{1,2}[xyA-E]?/[A-Z][A-Za-z]\d+", c["name"]) for c in classes)
    assert any(c["name"].startswith("10x/Ma") for c in classes)
    forms = fetch_all(api, f"{BIG}/groups", type="REGISTRATION")
    assert all(re.fullmatch(r"\d{1,2}[A-Z]{2,3}\d*", f["name"]) for f in forms)


def _snapshot(base_url: str, school_id: str) -> list[bytes]:
    """Every page of every endpoint, with every include, as raw bytes."""
    queries = {
        "students": "education_details,extended_details,contact_details,year,registration,"
        "house,groups,classes,contacts.contact_details,sen_needs,attendance_summary",
        "employees": "employment_details,contact_details,classes,groups",
        "contacts": "contact_details,students",
        "classes": "subject,students,employees",
        "groups": "students,employees",
        "subjects": "classes",
    }
    pages = []
    # A fixed Host keeps the servers' different ports out of the pagination links.
    headers = {"Authorization": f"Bearer {TOKEN}", "Host": "api.wonde.test"}
    with httpx.Client(base_url=base_url, headers=headers) as client:
        pages.append(client.get(f"schools/{school_id}").content)
        for kind, include in queries.items():
            url = f"{base_url}schools/{school_id}/{kind}?per_page=200&include={include}"
            while url:
                response = client.get(url)
                pages.append(response.content)
                following = response.json()["meta"]["pagination"]["next"]
                url = following and following.replace("http://api.wonde.test/v1.0/", base_url)
    return pages


def test_same_seed_and_size_give_byte_identical_api_output() -> None:
    snapshots = []
    for seed in (3, 3, 4):
        sandbox = Sandbox()
        sandbox.add_school(
            generate_school(seed=seed, pupils=700, school_id="A1234567890", now=FakeClock()),
            tokens=[TOKEN],
        )
        with running_sandbox(sandbox) as base_url:
            snapshots.append(_snapshot(base_url, "A1234567890"))
    assert snapshots[0] == snapshots[1]
    assert snapshots[0] != snapshots[2]


def test_a_fleet_serves_many_schools_to_one_token_the_same_every_time() -> None:
    from schoolsync.sandbox import fleet, fleet_ids, mixed_sizes

    box = fleet(12, seed=4, pupils=mixed_sizes, token="t")
    again = fleet(12, seed=4, pupils=mixed_sizes, token="t")
    sizes = [len(box.schools[i].students) for i in fleet_ids(box)]
    assert len(box.visible_to("t")) == 12
    assert sizes == [len(again.schools[i].students) for i in fleet_ids(again)]
    assert all(150 <= n <= 450 or 800 <= n <= 2000 for n in sizes)
    assert len({box.schools[i].name for i in fleet_ids(box)}) > 1
