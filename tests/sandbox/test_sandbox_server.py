"""The Wonde protocol as served: envelope, pagination, includes, filters, auth, errors."""

from __future__ import annotations

import base64
import random
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from schoolsync.sandbox import Sandbox, SandboxSchool, apply_change, running_sandbox
from schoolsync.sandbox.includes import SCHEMA

from .helpers import BIG_SCHOOL_ID, OTHER_TOKEN, TOKEN, FakeClock, Served, fetch_all

BIG = f"schools/{BIG_SCHOOL_ID}"
ALL_STUDENT_INCLUDES = (
    "education_details,extended_details,contact_details,year,registration,house,contacts,"
    "contacts.contact_details,sen_needs,attendance_summary"
)


# --- envelope and pagination ---------------------------------------------------------------


def test_next_keeps_every_parameter_and_visits_every_record_once(api: httpx.Client) -> None:
    params = {
        "per_page": "150",
        "include": "education_details,contacts.contact_details",
        "updated_after": "2000-01-01 00:00:00",
        "updated_before": "2100-01-01T00:00:00Z",
    }
    response = api.get(f"{BIG}/students", params=params)
    seen: list[str] = []
    pages = 0
    while True:
        body = response.json()
        pages += 1
        seen += [s["id"] for s in body["data"]]
        assert all("education_details" in s and "contacts" in s for s in body["data"])
        pagination = body["meta"]["pagination"]
        assert pagination["current_page"] == pages and pagination["per_page"] == 150
        if pagination["next"] is None:
            assert pagination["more"] is False
            break
        assert pagination["more"] is True
        link = urlsplit(pagination["next"])
        assert f"{link.scheme}://{link.netloc}" == str(api.base_url).removesuffix("/v1.0/")
        query = parse_qs(link.query)
        assert {k: v[0] for k, v in query.items() if k != "page"} == params
        assert query["page"] == [str(pages + 1)]
        response = api.get(pagination["next"])
    assert pages == 14
    assert len(seen) == len(set(seen)) == 2000


def test_previous_links_back_and_the_last_page_says_no_more(api: httpx.Client) -> None:
    body = api.get(f"{BIG}/subjects", params={"per_page": 10, "page": 3}).json()
    pagination = body["meta"]["pagination"]
    assert len(body["data"]) == 5
    assert pagination["next"] is None and pagination["more"] is False
    assert parse_qs(urlsplit(pagination["previous"]).query) == {"per_page": ["10"], "page": ["2"]}
    first = api.get(f"{BIG}/subjects", params={"per_page": 10}).json()["meta"]["pagination"]
    assert first["previous"] is None


def test_per_page_defaults_to_50_and_is_capped(served: Served, api: httpx.Client) -> None:
    assert len(api.get(f"{BIG}/students").json()["data"]) == 50
    body = api.get(f"{BIG}/students", params={"per_page": 5000}).json()
    assert len(body["data"]) == 200 and body["meta"]["pagination"]["per_page"] == 200
    served.sandbox.max_per_page = 20
    assert len(api.get(f"{BIG}/students", params={"per_page": 100}).json()["data"]) == 20


def test_small_results_can_drop_pagination_as_wondes_docs_say(
    served: Served, api: httpx.Client
) -> None:
    served.sandbox.pagination_when_small = False
    assert "pagination" not in api.get(f"{BIG}/subjects").json()["meta"]
    assert "pagination" in api.get(f"{BIG}/students").json()["meta"]


def test_bad_paging_values_are_422(api: httpx.Client) -> None:
    response = api.get(f"{BIG}/students", params={"page": "0"})
    assert response.status_code == 422
    assert response.json()["error"] == "validation_failed"
    assert "page" in response.json()["error_description"]


def test_trailing_slash_is_the_same_endpoint(api: httpx.Client) -> None:
    assert api.get(f"{BIG}/subjects/").json() == api.get(f"{BIG}/subjects").json()


# --- includes --------------------------------------------------------------------------------


def test_includes_are_wrapped_in_data(api: httpx.Client) -> None:
    body = api.get(f"{BIG}/students", params={"include": ALL_STUDENT_INCLUDES}).json()
    pupil = body["data"][0]
    for one in ("education_details", "extended_details", "contact_details", "attendance_summary"):
        assert isinstance(pupil[one]["data"], dict)
    for group, kind in (("year", "YEAR"), ("registration", "REGISTRATION"), ("house", "HOUSE")):
        assert pupil[group]["data"]["type"] == kind
    assert isinstance(pupil["sen_needs"]["data"], list)
    contact = pupil["contacts"]["data"][0]
    assert set(contact["contact_details"]["data"]) == {"emails", "phones", "addresses"}
    assert contact["relationship"]["priority"] == 1
    assert contact["relationship"]["relationship"] in {"Mother", "Father", "Foster Carer",
                                                        "Aunt", "Grandmother"}  # fmt: skip
    assert body["meta"]["includes"] == ALL_STUDENT_INCLUDES.split(",")


def test_every_offered_include_is_served(api: httpx.Client) -> None:
    for kind, offered in SCHEMA.items():
        body = api.get(f"{BIG}/{kind}", params={"include": ",".join(offered), "per_page": 3})
        for record in body.json()["data"]:
            for name in offered:
                assert set(record[name]) == {"data"}, (kind, name)


def test_a_nested_include_implies_its_parent(api: httpx.Client) -> None:
    body = api.get(f"{BIG}/students", params={"include": "contacts.contact_details"}).json()
    assert body["meta"]["includes"] == ["contacts", "contacts.contact_details"]
    for pupil in body["data"]:
        assert all("contact_details" in c for c in pupil["contacts"]["data"])
    classes = api.get(f"{BIG}/students", params={"include": "classes.subject"}).json()["data"]
    assert isinstance(classes[0]["classes"]["data"][0]["subject"]["data"]["name"], str)


def test_unknown_includes_are_ignored(api: httpx.Client) -> None:
    body = api.get(f"{BIG}/students", params={"include": "wibble,year,wobble.hash"}).json()
    assert body["meta"]["includes"] == ["year"]
    assert "wibble" not in body["data"][0] and "year" in body["data"][0]


def test_meta_includes_can_list_everything_offered(served: Served, api: httpx.Client) -> None:
    served.sandbox.meta_includes = "supported"
    includes = api.get(f"{BIG}/classes", params={"per_page": 1}).json()["meta"]["includes"]
    assert {"subject", "students", "students.year", "employees.employment_details"} <= set(includes)


def test_class_subject_is_an_id_unless_included(api: httpx.Client) -> None:
    plain = api.get(f"{BIG}/classes", params={"per_page": 1}).json()["data"][0]
    included = api.get(f"{BIG}/classes", params={"per_page": 1, "include": "subject"}).json()
    subject = included["data"][0]["subject"]["data"]
    assert plain["subject"] == subject["id"]
    assert api.get(f"{BIG}/subjects/{plain['subject']}").json()["data"] == subject


def test_class_staff_carry_main_teacher_meta(api: httpx.Client) -> None:
    classes = fetch_all(api, f"{BIG}/classes", per_page=200, include="employees")
    for record in classes:
        flags = [e["meta"]["is_main_teacher"] for e in record["employees"]["data"]]
        assert flags[0] is True and not any(flags[1:])
    staff = api.get(f"{BIG}/employees", params={"include": "classes"}).json()["data"]
    taught = [c for e in staff for c in e["classes"]["data"]]
    assert taught and all("is_main_teacher" in c["meta"] for c in taught)


def test_single_records_take_includes_and_404_when_missing(api: httpx.Client) -> None:
    pupil_id = api.get(f"{BIG}/students", params={"per_page": 1}).json()["data"][0]["id"]
    body = api.get(f"{BIG}/students/{pupil_id}", params={"include": "year,classes"}).json()
    assert body["data"]["id"] == pupil_id
    assert body["data"]["year"]["data"]["type"] == "YEAR" and body["data"]["classes"]["data"]
    missing = api.get(f"{BIG}/students/A999")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found" and "A999" in missing.json()["error_description"]


def test_dates_of_birth_can_be_plain_dates(served: Served, api: httpx.Client) -> None:
    first = api.get(f"{BIG}/students", params={"per_page": 1}).json()["data"][0]
    assert first["date_of_birth"]["timezone"] == "Europe/London"
    served.sandbox.dob_as_string = True
    again = api.get(f"{BIG}/students", params={"per_page": 1}).json()["data"][0]
    assert again["date_of_birth"] == first["date_of_birth"]["date"][:10]


# --- filters ---------------------------------------------------------------------------------


def test_updated_after_returns_only_what_changed(
    api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    url = f"schools/{school.id}/students"
    changed_at = clock.advance(days=1)
    description = apply_change(school, "rename", random.Random(1))
    for bound in (
        changed_at.strftime("%Y-%m-%d %H:%M:%S"),
        changed_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        changed_at.isoformat(),
    ):
        found = api.get(url, params={"updated_after": bound}).json()["data"]
        assert len(found) == 1 and found[0]["surname"] in description
    by_day = api.get(url, params={"updated_after": changed_at.strftime("%Y-%m-%d")}).json()
    assert [s["id"] for s in by_day["data"]] == [found[0]["id"]]
    before = fetch_all(api, url, updated_before=changed_at.strftime("%Y-%m-%d %H:%M:%S"))
    assert len(before) == len(school.students) - 1
    response = api.get(url, params={"updated_after": "last tuesday"})
    assert response.status_code == 422 and "updated_after" in response.json()["error_description"]


def test_group_type_filter_is_a_case_insensitive_list(api: httpx.Client) -> None:
    groups = api.get(f"{BIG}/groups", params={"type": "year,House", "per_page": 200}).json()
    assert Counter(g["type"] for g in groups["data"]) == {"YEAR": 7, "HOUSE": 4}


def test_deletions_list_what_left_with_type_and_mis_id(
    api: httpx.Client, school: SandboxSchool, clock: FakeClock
) -> None:
    url = f"schools/{school.id}/deletions"
    assert api.get(url).json()["data"] == []
    mis_ids = {i: r["mis_id"] for i, r in school.students.items()}
    clock.advance(hours=1)
    apply_change(school, "leaver", random.Random(0))
    gone = next(d for d in api.get(url).json()["data"] if d["type"] == "student")
    assert api.get(f"schools/{school.id}/students/{gone['id']}").status_code == 404
    assert gone["mis_id"] == mis_ids[gone["id"]] and gone["restored_at"] is None
    assert gone["deleted_at"]["date"].startswith(clock().strftime("%Y-%m-%d %H:%M:%S"))
    later = clock.advance(hours=1)
    apply_change(school, "deleted_class", random.Random(0))
    classes = api.get(url, params={"type": "class"}).json()["data"]
    assert len(classes) == 1 and classes[0]["mis_id"].isdigit()
    recent = api.get(url, params={"updated_after": later.strftime("%Y-%m-%d %H:%M:%S")}).json()
    assert [d["type"] for d in recent["data"]] == ["class"]


def test_counts_endpoint(api: httpx.Client, school: SandboxSchool) -> None:
    body = api.get(f"schools/{school.id}/counts", params={"include": "students,contacts"}).json()
    assert body == {
        "data": {
            "students": {"data": {"count": len(school.students)}},
            "contacts": {"data": {"count": len(school.contacts)}},
        }
    }


# --- schools ---------------------------------------------------------------------------------


def test_school_object_points_back_at_the_host_it_was_asked_on(api: httpx.Client) -> None:
    school = api.get(BIG, headers={"Host": "api.wonde.test:8443"}).json()["data"]
    assert school["id"] == BIG_SCHOOL_ID and isinstance(school["urn"], int)
    assert isinstance(school["la_code"], str) and isinstance(school["establishment_number"], str)
    assert school["timezone"] == "Europe/London"
    assert school["region"]["domain"] == "api.wonde.test:8443"
    assert school["region"]["school_url"] == f"http://api.wonde.test:8443/v1.0/{BIG}"
    assert school["extended"]["allows_writeback"] is True


def test_school_lists_show_only_approved_schools(served: Served, api: httpx.Client) -> None:
    for path in ("schools", "schools/approved"):
        listed = {s["id"] for s in fetch_all(api, path)}
        assert BIG_SCHOOL_ID in listed
    other = httpx.get(
        served.base_url + "schools", headers={"Authorization": f"Bearer {OTHER_TOKEN}"}
    )
    assert other.json()["data"] == []


def test_meta_and_permissions(served: Served, api: httpx.Client) -> None:
    meta = api.get(f"meta/{BIG}").json()["data"]
    assert meta == {"online": True, "approved": True, "audited": True,
                    "custom_attendance_codes": False}  # fmt: skip
    served.sandbox.deny(BIG_SCHOOL_ID, "contacts.read")
    permissions = api.get(f"meta/{BIG}/permissions").json()["data"]
    approved = {p["identity"]: p["approved"] for p in permissions}
    assert approved["contacts.read"] is False and approved["students.read"] is True


# --- auth and errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        f"Bearer {TOKEN}",
        f"bearer {TOKEN}",
        f"BEARER {TOKEN}",
        "Basic " + base64.b64encode(f"{TOKEN}:".encode()).decode(),
        "basic " + base64.b64encode(f"{TOKEN}:".encode()).decode(),
    ],
)
def test_bearer_and_basic_auth_in_any_case(served: Served, header: str) -> None:
    response = httpx.get(served.base_url + BIG, headers={"Authorization": header})
    assert response.status_code == 200


def test_root_answers_2xx_with_a_token(api: httpx.Client) -> None:
    assert api.get("").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer nope", "Basic !!!not-base64", "Token " + TOKEN, "Bearer"],
)
def test_missing_or_unknown_token_is_401(served: Served, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = httpx.get(served.base_url + f"{BIG}/students", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "unauthenticated" and body["error_description"]


def test_a_token_the_school_has_not_approved_is_403(served: Served) -> None:
    response = httpx.get(
        served.base_url + f"{BIG}/students", headers={"Authorization": f"Bearer {OTHER_TOKEN}"}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "invalid_permissions"


def test_unknown_school_and_endpoint_are_404_json(api: httpx.Client) -> None:
    for path in ("schools/A1/students", "schools/A1", f"{BIG}/lessons", "nowhere"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"


def test_a_withheld_permission_is_403_naming_it(served: Served, api: httpx.Client) -> None:
    served.sandbox.deny(BIG_SCHOOL_ID, "contacts.read")
    for path, params in (
        (f"{BIG}/contacts", {}),
        (f"{BIG}/students", {"include": "year,contacts"}),
        (f"{BIG}/students", {"include": "contacts.contact_details"}),
        (f"{BIG}/counts", {"include": "students,contacts"}),
    ):
        response = api.get(path, params=params)
        assert response.status_code == 403, path
        assert response.json()["error"] == "invalid_permissions"
        assert "contacts.read" in response.json()["error_description"]
    assert api.get(f"{BIG}/students", params={"include": "year"}).status_code == 200


# --- serving what is stored -----------------------------------------------------------------


def test_broken_data_is_served_as_stored(api: httpx.Client, school: SandboxSchool) -> None:
    pupils = list(school.students.values())
    pupils[0]["gender"] = "ROBOT"
    del pupils[1]["forename"]
    pupils[2]["id"] = pupils[3]["id"]
    group = next(iter(school.groups.values()))
    group["type"] = "WIBBLE"
    served_pupils = fetch_all(api, f"schools/{school.id}/students")
    assert served_pupils[0]["gender"] == "ROBOT"
    assert "forename" not in served_pupils[1]
    assert served_pupils[2]["id"] == served_pupils[3]["id"]
    wibbles = api.get(f"schools/{school.id}/groups", params={"type": "wibble"}).json()["data"]
    assert [g["id"] for g in wibbles] == [group["id"]]


def test_running_sandbox_serves_on_a_free_port_and_stops_cleanly() -> None:
    sandbox = Sandbox.demo(pupils=150, token="t")
    with running_sandbox(sandbox) as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1.0/")
        school = httpx.get(base_url + "schools/A1930499544", headers={"Authorization": "Bearer t"})
        assert school.status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url, headers={"Authorization": "Bearer t"})


def test_even_badly_broken_data_never_makes_the_server_fail(
    api: httpx.Client, school: SandboxSchool
) -> None:
    pupil_id, pupil = next(iter(school.students.items()))
    del pupil["updated_at"]
    pupil["date_of_birth"] = "not a date"
    school.student_contacts[pupil_id].append({})
    school.class_students[next(iter(school.classes))].append("A404")
    next(iter(school.classes.values()))["subject"] = 123
    del next(iter(school.groups.values()))["type"]
    school.education_details.pop(pupil_id)
    for kind, offered in SCHEMA.items():
        for record in fetch_all(api, f"schools/{school.id}/{kind}", include=",".join(offered)):
            assert all(set(record[name]) == {"data"} for name in offered)
    served_pupil = api.get(f"schools/{school.id}/students/{pupil_id}?include=education_details")
    assert served_pupil.json()["data"]["education_details"] == {"data": None}
    filtered = api.get(f"schools/{school.id}/students", params={"updated_after": "2030-01-01"})
    assert [p["id"] for p in filtered.json()["data"]] == [pupil_id]
