"""A small, realistic school written straight into the store, for the export tests.

Everything a consumer could trip over is here: accents and apostrophes in names, a name that
looks like a spreadsheet formula, siblings sharing a parent, a leaver still in a class, an
archived pupil, an excluded teacher, a deleted class, a class whose subject was deleted, a class
with no subject, a registration group, a year group, and a deleted registration group.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from schoolsync.store.tables import (
    class_memberships,
    classes,
    contact_links,
    group_memberships,
    groups,
    people,
    schools,
    subjects,
)

STAMP = dt.datetime(2025, 9, 2, 7, 0, tzinfo=dt.UTC)

#: label -> (family, role, forename, surname, extra columns)
PEOPLE: dict[str, tuple[str, str, str, str, dict[str, Any]]] = {
    "zoe": (
        "pupil",
        "student",
        "Zoë",
        "O'Brien-Nguyễn",
        {
            "upi": "upi-zoe",
            "source_id": "w-zoe",
            "mis_id": "1001",
            "upn": "A999400125001",
            "year_group": "7",
            "gender": "female",
            "date_of_birth": dt.date(2013, 5, 2),
            "middle_names": "Thị Mai",
        },
    ),
    "sean": (
        "pupil",
        "student",
        "Seán",
        "O'Brien-Nguyễn",
        {
            "upi": "upi-sean",
            "source_id": "w-sean",
            "mis_id": "1002",
            "year_group": "9",
            "gender": "male",
            "date_of_birth": dt.date(2011, 1, 30),
        },
    ),
    # No UPI: the sourcedId comes from the Wonde id instead.
    "chloe": (
        "pupil",
        "student",
        "Chloé",
        "D'Arcy",
        {
            "source_id": "w-chloe",
            "mis_id": "1003",
            "year_group": "R",
            "gender": "not_stated",
        },
    ),
    "liam": (
        "pupil",
        "student",
        "Liam",
        "Leaver",
        {
            "upi": "upi-liam",
            "source_id": "w-liam",
            "mis_id": "1004",
            "year_group": "7",
            "status": "left",
        },
    ),
    "ada": (
        "pupil",
        "student",
        "Ada",
        "Archived",
        {
            "upi": "upi-ada",
            "source_id": "w-ada",
            "mis_id": "1005",
            "status": "archived",
        },
    ),
    "sian": (
        "employee",
        "teacher",
        "Siân",
        "Ó Súilleabháin",
        {
            "upi": "upi-sian",
            "source_id": "w-sian",
            "mis_id": "2001",
            "email": "s.osuilleabhain@larkfield.sch.uk",
            "username": "sosuilleabhain",
        },
    ),
    "raj": (
        "employee",
        "teacher",
        "Raj",
        "Patel",
        {
            "upi": "upi-raj",
            "source_id": "w-raj",
            "mis_id": "2002",
            "email": "r.patel@larkfield.sch.uk",
        },
    ),
    "hidden": (
        "employee",
        "teacher",
        "Hidden",
        "Excluded",
        {
            "upi": "upi-hidden",
            "source_id": "w-hidden",
            "mis_id": "2003",
            "excluded": True,
        },
    ),
    "lucja": (
        "employee",
        "staff",
        "Łucja",
        "Wójcik",
        {
            "upi": "upi-lucja",
            "source_id": "w-lucja",
            "mis_id": "2004",
            "email": "l.wojcik@larkfield.sch.uk",
        },
    ),
    "ingrid": (
        "contact",
        "contact",
        "Ingrid",
        "Lindqvist",
        {
            "upi": "upi-ingrid",
            "source_id": "w-ingrid",
            "mis_id": "3001",
            "email": "ingrid@example.org",
        },
    ),
    # A name a spreadsheet would run as a formula: OneRoster files must carry it unchanged.
    "grandad": (
        "contact",
        "contact",
        '=HYPERLINK("x")',
        "-Nguyễn",
        {
            "source_id": "w-grandad",
            "mis_id": "3002",
        },
    ),
}

#: label -> (name, code, subject label, year group, status)
CLASSES: dict[str, tuple[str, str | None, str | None, str | None, str]] = {
    "maths7": ("7A/Ma1", "7AMa1", "maths", "7", "active"),
    "english9": ("9B/En1", "9BEn1", "english", None, "active"),
    "latin": ("Latin club", None, "latin", None, "active"),
    "study": ("Study skills", None, None, None, "active"),
    "old": ("Old class", None, "maths", None, "deleted"),
}

#: (class label, person label, role)
CLASS_MEMBERS = [
    ("maths7", "zoe", "student"),
    ("maths7", "liam", "student"),
    ("maths7", "sian", "teacher"),
    ("maths7", "hidden", "teacher"),
    ("english9", "sean", "student"),
    ("english9", "sian", "teacher"),
    ("english9", "raj", "teacher"),
    ("latin", "zoe", "student"),
    ("latin", "sean", "student"),
    ("study", "chloe", "student"),
    ("old", "zoe", "student"),
    ("old", "raj", "teacher"),
]

#: label -> (name, kind, status)
GROUPS = {
    "form": ("7AB", "registration", "active"),
    "year7": ("Year 7", "year", "active"),
    "oldform": ("6XY", "registration", "deleted"),
}
GROUP_MEMBERS = [
    ("form", "zoe", "student"),
    ("form", "chloe", "student"),
    ("form", "sian", "employee"),
    ("form", "lucja", "employee"),
    ("year7", "zoe", "student"),
    ("oldform", "sean", "student"),
]

#: (pupil, contact, relationship, priority, parental responsibility)
LINKS = [
    ("zoe", "ingrid", "Mother", 1, True),
    ("sean", "ingrid", "Mother", 1, True),
    ("zoe", "grandad", "Grandfather", 2, False),
    ("liam", "ingrid", "Mother", 1, True),
]


def seed_school(conn: sa.Connection, *, key: str = "larkfield") -> dict[str, int]:
    """Insert the school; returns stored ids by label (the school's under "school")."""
    stamps = {"created_at": STAMP, "updated_at": STAMP}
    ids: dict[str, int] = {}
    ids["school"] = conn.execute(
        sa.insert(schools)
        .values(
            key=key,
            name="Larkfield Primary & Nursery, Exampleton",
            urn="999401",
            source_kind="wonde",
            connection_state="approved",
            settings={},
            created_at=STAMP,
            timezone="Europe/London",
        )
        .returning(schools.c.id)
    ).scalar_one()
    school = {"school_id": ids["school"]}

    for label, name, code, status in [
        ("maths", "Mathematics", "MA", "active"),
        ("english", "English", "EN", "active"),
        ("latin", "Latin", "LA", "deleted"),
    ]:
        ids[label] = conn.execute(
            sa.insert(subjects)
            .values(
                **school,
                **stamps,
                source_id=f"w-{label}",
                mis_id=f"S-{code}",
                name=name,
                code=code,
                status=status,
            )
            .returning(subjects.c.id)
        ).scalar_one()

    for label, (family, role, forename, surname, extra) in PEOPLE.items():
        ids[label] = conn.execute(
            sa.insert(people)
            .values(
                **school,
                **stamps,
                family=family,
                role=role,
                forename=forename,
                surname=surname,
                **{"status": "active", "excluded": False, **extra},
            )
            .returning(people.c.id)
        ).scalar_one()

    for label, (name, class_code, subject, year, status) in CLASSES.items():
        ids[label] = conn.execute(
            sa.insert(classes)
            .values(
                **school,
                **stamps,
                source_id=f"w-{label}",
                mis_id=f"C-{label}",
                name=name,
                code=class_code,
                subject_id=ids[subject] if subject else None,
                year_group=year,
                status=status,
            )
            .returning(classes.c.id)
        ).scalar_one()
    conn.execute(
        sa.insert(class_memberships),
        [
            {**school, "class_id": ids[c], "person_id": ids[p], "role": role}
            for c, p, role in CLASS_MEMBERS
        ],
    )

    for label, (name, kind, status) in GROUPS.items():
        ids[label] = conn.execute(
            sa.insert(groups)
            .values(
                **school,
                **stamps,
                source_id=f"w-{label}",
                name=name,
                code=name,
                kind=kind,
                status=status,
            )
            .returning(groups.c.id)
        ).scalar_one()
    conn.execute(
        sa.insert(group_memberships),
        [
            {**school, "group_id": ids[g], "person_id": ids[p], "role": role}
            for g, p, role in GROUP_MEMBERS
        ],
    )

    conn.execute(
        sa.insert(contact_links),
        [
            {
                **school,
                "pupil_id": ids[pupil],
                "contact_id": ids[contact],
                "relationship": relationship,
                "priority": priority,
                "parental_responsibility": responsibility,
                "lives_with_pupil": True,
            }
            for pupil, contact, relationship, priority, responsibility in LINKS
        ],
    )
    return ids
