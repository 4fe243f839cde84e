"""The words people read for the names code and sources use. UK schools say *pupil*: the
store, the plan and Wonde say *student*, and a screen, an email or a table never should.

Formats keep their own vocabulary (the issues CSV's `Student` entity type, OneRoster's
`student` role): those are read by programs, not people.
"""

from __future__ import annotations

#: Entity and role names in plans, counts and holds, as a person reads them.
_ENTITIES = {
    "student": "pupil",
    "students": "pupils",
    "employees": "staff",
    "class_membership": "class membership",
    "group_membership": "group membership",
    "contact_link": "contact link",
}


def entity_word(name: str) -> str:
    """`student` -> `pupil`, `class_membership` -> `class membership`."""
    return _ENTITIES.get(name, name.replace("_", " "))


def reading_word(what: str) -> str:
    """What a sync is reading, as its progress says it: `students` -> `pupils`; a file's
    name stays as it is."""
    return _ENTITIES.get(what, what)
