"""1EdTech OneRoster 1.1 and 1.2 CSV packages to a `Snapshot`.

    read_oneroster(path, limits)   a zip or a folder on disk -> Snapshot
    parse_oneroster(package)       its CSVs, in memory -> Snapshot (pure)

The manifest decides, per file, whether it is the whole set (bulk), changes only (delta) or not
sent (absent); see manifest.py. Files are read with the leniency real packages need
(tables.py: BOM, CRLF, header-only files, extension columns, 1.0 column names) and
mapped in people.py and classes.py. Only users, roles, demographics, courses,
classes, enrollments and orgs are read; resources, results and the gradebook are not ours.

What the snapshot claims:
- `complete` is True when every file read is bulk: then absence means gone, and `tobedeleted`
  rows are simply left out. Otherwise it is False and `tobedeleted` (or 1.0 `inactive`) rows
  become `Deletion`s; an active delta row is an update or a new record.
- `covers`: pupil, employee and contact when users.csv is sent; contact_link when it has an
  agentSourcedIds column; subject when courses.csv is sent; class and group when classes.csv
  is sent *and* enrollments.csv is bulk. A class's members are replaced as a whole whenever the
  class is covered, so without a bulk enrollments file (absent: "leave as it is"; delta: only
  the changes) covering classes would empty them. Classes are still created and updated then,
  and a warning says that memberships were not changed.
- `person_fields` are those of the columns the package has (see `_person_fields`): it never
  blanks a UPN, a title or a pupil's SEN, FSM or attendance that another source gave.
- `school` is the package's one school org (`type` school); its `identifier` is read as a URN
  (6 digits) or a DfE number (LAESTAB, 7 digits). A package with several schools has none.
"""

from __future__ import annotations

import re
from pathlib import Path

from schoolsync.errors import FileFormatError
from schoolsync.model import Issue, SchoolInfo, Snapshot
from schoolsync.sources.files.limits import DEFAULT_LIMITS, FileLimits
from schoolsync.sources.oneroster.classes import ClassesRead, Roster, read_classes, read_subjects
from schoolsync.sources.oneroster.manifest import Manifest, parse_manifest
from schoolsync.sources.oneroster.package import Package, open_package
from schoolsync.sources.oneroster.people import PeopleRead, read_people
from schoolsync.sources.oneroster.tables import Table, load_table, row_state
from schoolsync.sources.oneroster.vocab import SYSTEM_NAME

#: the files whose modes decide `complete`: the ones that become snapshot records
MAPPED = ("users", "roles", "demographics", "courses", "classes", "enrollments")


def read_oneroster(path: Path, limits: FileLimits = DEFAULT_LIMITS) -> Snapshot:
    return parse_oneroster(open_package(path, limits))


def parse_oneroster(package: Package) -> Snapshot:
    manifest_data = package.files.get("manifest.csv")
    if manifest_data is None:
        raise FileFormatError("has no manifest.csv", file=package.name)
    manifest = parse_manifest(manifest_data, package.label("manifest.csv"))
    tables = {key: load_table(package, manifest, key) for key in MAPPED}
    sent = [table for table in tables.values() if table is not None]
    complete = bool(sent) and all(table.mode == "bulk" for table in sent)

    users = tables["users"]
    people = PeopleRead()
    if users is not None:
        _require_roles(users, tables["roles"])
        people = read_people(users, tables["roles"], tables["demographics"], complete=complete)
    structures = ClassesRead()
    if tables["courses"] is not None:
        read_subjects(tables["courses"], structures, complete=complete)
    classes, enrollments = tables["classes"], tables["enrollments"]
    members_known = enrollments is not None and enrollments.mode == "bulk"
    if classes is not None:
        roster = Roster(people.roles, users.mode == "bulk") if users is not None else None
        read_classes(classes, enrollments, roster, structures, complete=complete)
        if classes.mode == "bulk":
            # In a delta, a course may be a subject of classes sent before.
            structures.drop_group_only_courses()
        if manifest.system_name == SYSTEM_NAME:
            structures.drop_no_subject_course()
        if not members_known:
            structures.issues.append(_memberships_unchanged(classes, enrollments))

    covers: set[str] = set()
    if users is not None:
        covers |= {"pupil", "employee", "contact"}
        if users.has("agentSourcedIds"):
            covers.add("contact_link")
    if tables["courses"] is not None:
        covers.add("subject")
    if classes is not None and members_known:
        covers |= {"class", "group"}
    snapshot = Snapshot(
        source="oneroster",
        complete=complete,
        people=tuple(people.people),
        subjects=tuple(structures.subjects),
        classes=tuple(structures.classes),
        groups=tuple(structures.groups),
        contact_links=tuple(people.links),
        deletions=() if complete else (*people.deletions, *structures.deletions),
        school=_school(package, manifest),
        read_issues=(*people.issues, *structures.issues),
        person_fields=_person_fields(users, tables["demographics"]),
        covers=frozenset(covers),
        origin=package.name,
    )
    return snapshot


def _person_fields(users: Table | None, demographics: Table | None) -> frozenset[str]:
    """The person fields the package speaks for: those of the columns it has. OneRoster has no
    UPN, UPI, title or pupil context (SEN, FSM, ...), and must not blank what others gave."""
    said = {"role", "source_id", "forename", "surname"}
    if users is not None:
        for column, fields in _USER_COLUMNS.items():
            if users.has(column):
                said.update(fields)
    # A delta demographics.csv lists only the changed ones: every other user would lose theirs.
    if demographics is not None and demographics.mode == "bulk":
        said |= {"date_of_birth", "gender"}
    return frozenset(said)


_USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "identifier": ("mis_id",),
    "email": ("email",),
    "middleName": ("middle_names",),
    "grades": ("year_group",),
    "preferredGivenName": ("legal_forename",),
    "preferredMiddleName": ("middle_names", "legal_middle_names"),
    "preferredFamilyName": ("legal_surname",),
}


def _require_roles(users: Table, roles: Table | None) -> None:
    if roles is None and not users.has("role"):
        raise FileFormatError(
            "has no 'role' column and the package has no roles.csv, so pupils cannot be told "
            "from staff",
            file=users.file,
            where="line 1",
        )


def _memberships_unchanged(classes: Table, enrollments: Table | None) -> Issue:
    why = "is a delta (changes only)" if enrollments is not None else "was not sent"
    return Issue(
        "class",
        "",
        f"{classes.file}: enrollments.csv {why}, so class and registration group members were "
        "not changed and no class or group was removed (new and changed ones were saved). Send "
        "a package with a bulk enrollments.csv to update them",
        severity="warning",
    )


_URN = re.compile(r"^\d{6}$")
_LAESTAB = re.compile(r"^(\d{3})[/\- ]?(\d{4})$")


def _school(package: Package, manifest: Manifest) -> SchoolInfo | None:
    data = package.files.get("orgs.csv")
    if data is None or manifest.mode("orgs") == "absent":
        return None
    try:
        orgs = load_table(package, manifest, "orgs")
    except FileFormatError:
        return None  # the school's details are a nicety; an unreadable orgs.csv loses nothing
    if orgs is None:
        return None
    schools = [
        row
        for row in orgs.csv.rows
        if row.get("type").lower() == "school" and row_state(row) == "active"
    ]
    if len(schools) != 1:
        return None
    row = schools[0]
    identifier = row.get("identifier")
    laestab = _LAESTAB.match(identifier)
    return SchoolInfo(
        name=row.get("name"),
        urn=identifier if _URN.match(identifier) else None,
        la_code=laestab.group(1) if laestab else None,
        establishment_number=laestab.group(2) if laestab else None,
        mis=manifest.system_name,
    )
