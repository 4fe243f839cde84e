"""The floor: what any client must spend to get one school into SQLite.

Fetch every page the sync needs from the sandbox (same endpoints, includes and page size), parse
the JSON, and bulk-insert the resulting rows into SQLite in one transaction with the stdlib
driver: no validation, no matching, no diffing, no history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import orjson

from schoolsync.sources.wonde import client as wonde
from schoolsync.sources.wonde import reader as fetching

_NOW = "2026-11-24 02:00:00"


def pages(
    client: httpx.Client, base_url: str, school_id: str, path: str, include: str | None
) -> Iterator[dict[str, Any]]:
    url: str | None = f"{base_url}schools/{school_id}/{path}"
    params: dict[str, str] | None = {"per_page": wonde.PAGE_SIZE}
    if include:
        assert params is not None
        params["include"] = include
    while url:
        body = orjson.loads(client.get(url, params=params).content)
        yield from body["data"]
        pagination = (body.get("meta") or {}).get("pagination") or {}
        url, params = pagination.get("next"), None


def run_floor(base_url: str, school_id: str, token: str, db_path: str) -> dict[str, int]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(headers=headers, timeout=60) as client:
        client.get(f"{base_url}schools/{school_id}").raise_for_status()
        students = list(pages(client, base_url, school_id, "students", fetching.STUDENT_INCLUDES))
        employees = list(
            pages(client, base_url, school_id, "employees", fetching.EMPLOYEE_INCLUDES)
        )
        subjects = list(pages(client, base_url, school_id, "subjects", None))
        classes = list(pages(client, base_url, school_id, "classes", fetching.CLASS_INCLUDES))
        groups = list(pages(client, base_url, school_id, "groups", fetching.GROUP_INCLUDES))

    person_rows: list[tuple[Any, ...]] = []
    contact_seen: set[str] = set()
    link_rows: list[tuple[Any, ...]] = []

    def person(record: dict[str, Any], family: str, role: str) -> tuple[Any, ...]:
        return (
            1,
            family,
            role,
            record["id"],
            record.get("mis_id"),
            record.get("upi"),
            record.get("forename") or "",
            record.get("surname") or "",
            _NOW,
            _NOW,
        )

    for record in students:
        person_rows.append(person(record, "pupil", "student"))
        for contact in (record.get("contacts") or {}).get("data", []):
            if contact["id"] not in contact_seen:
                contact_seen.add(contact["id"])
                person_rows.append(person(contact, "contact", "contact"))
            link_rows.append((record["id"], contact["id"]))
    for record in employees:
        person_rows.append(person(record, "employee", "teacher"))

    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    with db:
        db.execute(
            "INSERT INTO schools (id, key, name, source_kind, settings, created_at) "
            "VALUES (1, 'floor', 'floor', 'wonde', '{}', ?)",
            (_NOW,),
        )
        db.executemany(
            "INSERT INTO people (school_id, family, role, source_id, mis_id, upi, forename, "
            "surname, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            person_rows,
        )
        ids = {sid: pid for pid, sid in db.execute("SELECT id, source_id FROM people")}
        db.executemany(
            "INSERT INTO subjects (school_id, source_id, mis_id, name, code, created_at, "
            "updated_at) VALUES (1,?,?,?,?,?,?)",
            [
                (s["id"], s.get("mis_id"), s.get("name") or "", s.get("code"), _NOW, _NOW)
                for s in subjects
            ],
        )
        db.executemany(
            "INSERT INTO classes (school_id, source_id, mis_id, name, code, created_at, "
            "updated_at) VALUES (1,?,?,?,?,?,?)",
            [
                (c["id"], c.get("mis_id"), c.get("name") or "", c.get("code"), _NOW, _NOW)
                for c in classes
            ],
        )
        db.executemany(
            "INSERT INTO groups (school_id, source_id, mis_id, name, kind, created_at, "
            "updated_at) VALUES (1,?,?,?,?,?,?)",
            [
                (
                    g["id"],
                    g.get("mis_id"),
                    g.get("name") or "",
                    str(g.get("type")).lower(),
                    _NOW,
                    _NOW,
                )
                for g in groups
            ],
        )
        class_ids = {sid: cid for cid, sid in db.execute("SELECT id, source_id FROM classes")}
        group_ids = {sid: gid for gid, sid in db.execute("SELECT id, source_id FROM groups")}
        memberships = [
            (1, class_ids[c["id"]], ids[m["id"]], role)
            for c in classes
            for key, role in (("students", "student"), ("employees", "teacher"))
            for m in (c.get(key) or {}).get("data", [])
            if m["id"] in ids
        ]
        db.executemany(
            "INSERT OR IGNORE INTO class_memberships (school_id, class_id, "
            "person_id, role) VALUES (?,?,?,?)",
            memberships,
        )
        group_members = [
            (1, group_ids[g["id"]], ids[m["id"]], role)
            for g in groups
            for key, role in (("students", "student"), ("employees", "employee"))
            for m in (g.get(key) or {}).get("data", [])
            if m["id"] in ids
        ]
        db.executemany(
            "INSERT OR IGNORE INTO group_memberships (school_id, group_id, "
            "person_id, role) VALUES (?,?,?,?)",
            group_members,
        )
        db.executemany(
            "INSERT OR IGNORE INTO contact_links (school_id, pupil_id, contact_id) VALUES (1,?,?)",
            [(ids[p], ids[c]) for p, c in link_rows],
        )
    db.close()
    return {
        "people": len(person_rows),
        "classes": len(classes),
        "class_memberships": len(memberships),
        "contact_links": len(link_rows),
    }
