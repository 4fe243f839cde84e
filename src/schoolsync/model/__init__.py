"""The domain's values, in one dependency-free package: it imports only the standard library
and itself, so every other part (engine, store, sources, services, web) can depend on it and
none of them need depend on each other for their types.

- `records`: what a source reads (Snapshot, Person, SchoolClass, ...), re-exported here;
- `changes`: Change, Plan, the dependency `ORDER`, and `NewRef` for records a plan creates;
- `current`: what the store holds now (Current) and the field lists a sync owns;
- `holds`: Hold, Guarded, Dependents; `limits`: the safeguards' thresholds; `scope`: Scope;
- `directory`: names behind ids; `open_issues`: what a run does to the open issues;
- `run_status` and `labels`: statuses, triggers, sync kinds, roles, and their words.
"""

from schoolsync.model.records import (
    GROUP_KINDS,
    ROLES,
    Attendance,
    ContactLink,
    DeletedKind,
    Deletion,
    Family,
    Gender,
    Group,
    GroupKind,
    Issue,
    IssueEntity,
    Person,
    Role,
    SchoolClass,
    SchoolInfo,
    SenNeed,
    Snapshot,
    SourceKind,
    Subject,
    family_of,
)

__all__ = [
    "GROUP_KINDS",
    "ROLES",
    "Attendance",
    "ContactLink",
    "DeletedKind",
    "Deletion",
    "Family",
    "Gender",
    "Group",
    "GroupKind",
    "Issue",
    "IssueEntity",
    "Person",
    "Role",
    "SchoolClass",
    "SchoolInfo",
    "SenNeed",
    "Snapshot",
    "SourceKind",
    "Subject",
    "family_of",
]
