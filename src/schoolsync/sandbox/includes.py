"""The `include` query parameter: which relations each endpoint offers and what they need.

`?include=contacts.contact_details,year` parses to a tree, `{"contacts": {"contact_details":
{}}, "year": {}}`; a nested path implies its parent. `resolve` keeps only what the endpoint
offers (Wonde ignores unknown includes), and reports the applied paths for `meta.includes`
and the permissions they need.

Permission identities follow the `students.read` pattern Edlink reports; beyond the record
kinds they are invented [I] and only need to be consistent within the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass

IncludeTree = dict[str, "IncludeTree"]


@dataclass(frozen=True)
class Relation:
    # The collection the included records come from; None for a payload (details, needs).
    target: str | None
    permission: str


# The collection each endpoint serves, and the permission it needs.
COLLECTION_PERMISSIONS: dict[str, str] = {
    "students": "students.read",
    "employees": "employees.read",
    "contacts": "contacts.read",
    "classes": "classes.read",
    "groups": "groups.read",
    "subjects": "subjects.read",
}

_CONTACT_DETAILS = Relation(None, "contact_details.read")

SCHEMA: dict[str, dict[str, Relation]] = {
    "students": {
        "education_details": Relation(None, "education_details.read"),
        "extended_details": Relation(None, "extended_details.read"),
        "contact_details": _CONTACT_DETAILS,
        "sen_needs": Relation(None, "extended_details.read"),
        "attendance_summary": Relation(None, "attendance.read"),
        "photo": Relation(None, "photos.read"),
        "year": Relation("groups", "groups.read"),
        "registration": Relation("groups", "groups.read"),
        "house": Relation("groups", "groups.read"),
        "groups": Relation("groups", "groups.read"),
        "classes": Relation("classes", "classes.read"),
        "contacts": Relation("contacts", "contacts.read"),
    },
    "employees": {
        "employment_details": Relation(None, "employment_details.read"),
        "contact_details": _CONTACT_DETAILS,
        "classes": Relation("classes", "classes.read"),
        "groups": Relation("groups", "groups.read"),
    },
    "contacts": {
        "contact_details": _CONTACT_DETAILS,
        "students": Relation("students", "students.read"),
    },
    "classes": {
        "subject": Relation("subjects", "subjects.read"),
        "students": Relation("students", "students.read"),
        "employees": Relation("employees", "employees.read"),
    },
    "groups": {
        "students": Relation("students", "students.read"),
        "employees": Relation("employees", "employees.read"),
    },
    "subjects": {
        "classes": Relation("classes", "classes.read"),
    },
}

# Wonde's own clients send a handful; anything longer is a mistake or an attack.
_MAX_PATHS = 64
_MAX_DEPTH = 4


def parse(values: list[str]) -> IncludeTree:
    """Every `include` value (comma lists of dotted paths) merged into one tree."""
    tree: IncludeTree = {}
    paths = [p.strip() for value in values for p in value.split(",") if p.strip()]
    for path in paths[:_MAX_PATHS]:
        node = tree
        for part in path.split(".")[:_MAX_DEPTH]:
            node = node.setdefault(part.strip(), {})
    return tree


@dataclass
class Resolved:
    tree: IncludeTree
    paths: list[str]
    permissions: set[str]


def resolve(kind: str, requested: IncludeTree) -> Resolved:
    """Keep the includes `kind` offers, recursively; unknown names are dropped silently."""
    tree: IncludeTree = {}
    paths: list[str] = []
    permissions: set[str] = set()
    offered = SCHEMA.get(kind, {})
    for name, below in requested.items():
        relation = offered.get(name)
        if relation is None:
            continue
        permissions.add(relation.permission)
        paths.append(name)
        if relation.target is None:
            tree[name] = {}
            continue
        nested = resolve(relation.target, below)
        tree[name] = nested.tree
        paths += [f"{name}.{path}" for path in nested.paths]
        permissions |= nested.permissions
    return Resolved(tree, paths, permissions)


def supported(kind: str) -> list[str]:
    """Every include one or two levels deep, as real responses list in `meta.includes`."""
    paths = []
    for name, relation in SCHEMA.get(kind, {}).items():
        paths.append(name)
        if relation.target is not None:
            paths += [f"{name}.{child}" for child in SCHEMA.get(relation.target, {})]
    return paths
